namespace SrTrain.Abstractions.Registry;

/// <summary>Marks a class as constructible from an option section by its <c>type:</c> name. The
/// constructor's parameters are the section's keys in snake_case (<c>numFeat</c> ↔ <c>num_feat</c>).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public abstract class RegisteredAttribute(RegistryKind kind, string name) : Attribute
{
    public RegistryKind Kind { get; } = kind;

    /// <summary>The name option files use, e.g. "RRDBNet".</summary>
    public string Name { get; } = name;
}

/// <summary>A network (<c>network_g: {type: RRDBNet, ...}</c>).</summary>
public sealed class ArchAttribute(string name) : RegisteredAttribute(RegistryKind.Arch, name);

/// <summary>A loss (<c>pixel_opt: {type: L1Loss, ...}</c>).</summary>
public sealed class LossAttribute(string name) : RegisteredAttribute(RegistryKind.Loss, name);

/// <summary>A dataset (<c>datasets.train.type: PairedImageDataset</c>).</summary>
public sealed class DatasetAttribute(string name) : RegisteredAttribute(RegistryKind.Dataset, name);

/// <summary>A training model (<c>model_type: ESRGANModel</c>).</summary>
public sealed class ModelAttribute(string name) : RegisteredAttribute(RegistryKind.Model, name);

/// <summary>A validation metric (<c>val.metrics.psnr.type: calculate_psnr</c>).</summary>
public sealed class MetricAttribute(string name) : RegisteredAttribute(RegistryKind.Metric, name);

/// <summary>An optimizer (<c>optim_g.type: Adam</c>).</summary>
public sealed class OptimizerAttribute(string name) : RegisteredAttribute(RegistryKind.Optimizer, name);

/// <summary>A learning-rate scheduler (<c>scheduler.type: MultiStepLR</c>).</summary>
public sealed class SchedulerAttribute(string name) : RegisteredAttribute(RegistryKind.Scheduler, name);
