using SrTrain.Abstractions.Contracts;
using SrTrain.Data.Datasets;
using SrTrain.Data.Loading;

namespace SrTrain.Bench;

/// <summary>The training loader as BasicSR's DIV2K x4 configuration uses it: PairedImageDataset over 480x480
/// GT / 120x120 LQ PNG sub-images, gt_size 128, hflip + rot, batch 16, 2 worker threads; one step is one
/// collated batch taken from the loader. Python twin: <c>loader</c>, a torch DataLoader with 2 worker
/// processes running BasicSR's PairedImageDataset steps (cv2.imdecode, float32 / 255, crop, flips, img2tensor).</summary>
public class LoaderBenchmark : Benchmark
{
    public override string Name => "loader";
    public override string Description => "PairedImageDataset x4 480px PNG -> 128px patches, batch 16, 2 workers";
    // Long rounds: after its round each side's workers refill their prefetch queue (4 batches), which spills
    // into the other side's next round on these 2 cores; at 12 batches a round that spill moved the ratio by
    // ~0.3, at 32 it is a small share of the round and both sides are measured near their steady rate.
    public override int Iterations => 32;
    public override int Warmup => 6;

    /// <summary>The dataset's io_backend section.</summary>
    protected virtual Dictionary<string, object?> IoBackend(string root) => new() { ["type"] = "disk" };

    public override IWorkload Prepare()
    {
        var root = LoaderBenchData.Ensure();
        var dataset = new PairedImageDataset([Path.Combine(root, "gt")], [Path.Combine(root, "lq")], LoaderBenchData.Scale, "train",
                                             LoaderBenchData.PatchSize, useHflip: true, useRot: true, filenameTmpl: "{}x4",
                                             ioBackend: IoBackend(root));
        var loader = new DataLoader(dataset, new DataLoaderOptions(LoaderBenchData.BatchSize, LoaderBenchData.Workers, Shuffle: true,
                                                                   DropLast: true, EnlargeRatio: LoaderBenchData.EnlargeRatio, Prefetch: 4));
        return new Workload(loader);
    }

    public override IReadOnlyDictionary<string, double> Extras(double srtrainSeconds, double? referenceSeconds)
    {
        var extras = new Dictionary<string, double> { ["srtrain_samples_per_s"] = LoaderBenchData.BatchSize / srtrainSeconds };
        if (referenceSeconds is { } r) extras["reference_samples_per_s"] = LoaderBenchData.BatchSize / r;
        return extras;
    }

    private sealed class Workload(DataLoader loader) : IWorkload
    {
        private int epoch;
        private IEnumerator<SrBatch> batches = loader.Epoch(0).GetEnumerator();

        public void Step()
        {
            while (!batches.MoveNext())
            {
                batches.Dispose();
                batches = loader.Epoch(++epoch).GetEnumerator();
            }
            batches.Current.Dispose();
        }

        public void Dispose()
        {
            batches.Dispose();   // stops and joins the worker threads
            LoaderBenchData.Remove();   // the next loader benchmark writes them again (a second), keeping /tmp clean
        }
    }
}
