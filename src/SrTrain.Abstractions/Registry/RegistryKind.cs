namespace SrTrain.Abstractions.Registry;

/// <summary>The families of types that option files name by <c>type:</c>.</summary>
public enum RegistryKind
{
    Arch,
    Loss,
    Dataset,
    Model,
    Metric,
    Optimizer,
    Scheduler,
}
