namespace SrTrain.Torch.Tests;

/// <summary>Tests that must not overlap others: they seed the process-wide generator and compare
/// exact draws, or measure the process's resident memory.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial (global generator, process memory)";
}
