using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Data.Checking;
using SrTrain.Data.Datasets;
using SrTrain.Data.Loading;
using SrTrain.Torch;

namespace SrTrain.Data.Pipeline;

/// <summary>The data side of an experiment for the engine: builds registered datasets from their
/// option sections (scale and phase injected, loader keys consumed by the loader) and wraps the
/// threaded <see cref="DataLoader"/>.</summary>
public sealed class DataPipeline : IDataPipeline
{
    public ITrainLoader CreateTrainLoader(string phaseName, Dictionary<string, object?> section, int scale, long seed, Device device,
                                          DataShard? shard = null, Action<string>? warn = null)
    {
        var where = $"datasets.{phaseName}";
        var dataset = CreateDataset(section, where, scale, "train");
        // Before the first step: sizes for the scale and the patch from PNG headers (srtrain check does the full pass).
        DatasetInspector.CheckSizes(dataset, where);
        dataset = BadImagePolicy.Apply(dataset, section, where, warn);
        var options = DataLoaderOptions.FromSection(section, "train", (ulong)seed, device.Type == DeviceType.Cuda, where);
        if (shard is not null) options = options with { Rank = shard.Rank, NumReplicas = shard.Count };
        return new TrainLoader(new DataLoader(dataset, options), device);
    }

    public IImageSet CreateImageSet(string phaseName, Dictionary<string, object?> section, int scale, Device device)
    {
        var where = $"datasets.{phaseName}";
        // A set with its own scale (multi-scale validation: val_x2 {scale: 2}, val_x3 {scale: 3}, ...) is run and
        // logged at that scale, its name suffixed _x<scale> so each scale's metrics stay apart.
        int? ownScale = section.TryGetValue("scale", out var sv) && sv is not null
            ? (int)OptionConversion.Convert(sv, typeof(int), $"{where}.scale")! : null;
        var dataset = CreateDataset(section, where, ownScale ?? scale, phaseName.StartsWith("test") ? "test" : "val");
        DatasetInspector.CheckSizes(dataset, where);
        var options = DataLoaderOptions.FromSection(section, "val", 0, device.Type == DeviceType.Cuda, where) with { BatchSize = 1, Shuffle = false, DropLast = false };
        var name = section.TryGetValue("name", out var n) && n is string s ? s : phaseName;
        if (ownScale is { } x && !name.EndsWith($"_x{x}", StringComparison.Ordinal)) name += $"_x{x}";
        return new ImageSet(name, new DataLoader(dataset, options), device, ownScale);
    }

    private static IImageDataset CreateDataset(Dictionary<string, object?> section, string where, int scale, string phase) =>
        TypeRegistry.Create<IImageDataset>(RegistryKind.Dataset, section, where,
            injected: new Dictionary<string, object?> { ["scale"] = scale, ["phase"] = phase },
            ignoredKeys: DataLoaderOptions.Keys);

    private sealed class TrainLoader(DataLoader loader, Device device) : ITrainLoader
    {
        public int DatasetSize => loader.SamplesPerEpoch;
        public int BatchesPerEpoch => loader.BatchesPerEpoch;

        public IEnumerable<SrBatch> Epoch(int epoch, int firstBatch = 0) =>
            loader.Epoch(epoch, firstBatch).Select(b => b.To(device));

        public void Dispose() { }
    }

    private sealed class ImageSet(string name, DataLoader loader, Device device, int? scale) : IImageSet
    {
        public string Name { get; } = name;
        public int? Scale { get; } = scale;
        public int Count => loader.Dataset.Count;
        public IEnumerable<SrBatch> Images() => loader.Epoch(0).Select(b => b.To(device));
    }
}
