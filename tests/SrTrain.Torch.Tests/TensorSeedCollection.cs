namespace SrTrain.Torch.Tests;

/// <summary>Tests that seed libtorch's global generator and compare the draws: xunit runs this
/// collection alone, after the parallel ones, so no other test draws from the generator between
/// the seed and the comparison.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TensorSeedCollection
{
    public const string Name = "global generator";
}
