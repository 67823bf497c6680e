namespace SrTrain.Engine.Tests;

/// <summary>Tests that seed libtorch's global generator and compare the draws with a reference: xunit runs this
/// collection alone, so no test in parallel draws between the seed and the comparison.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalGeneratorCollection
{
    public const string Name = "global generator";
}
