using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Data;
using SrTrain.Data.Datasets;
using SrTrain.Data.Pipeline;

namespace SrTrain.Cli.Tests.Survival;

/// <summary>A data pipeline that spoils chosen iterations of the real one: NaN inputs or a read error (by iteration
/// number, from the batch's epoch and index, so a resumed or rolled-back run spoils the same ones).</summary>
internal sealed class FaultyPipeline(Func<long, bool> nanAt, long throwAt = -1) : IDataPipeline
{
    private readonly DataPipeline inner = new();

    public ITrainLoader CreateTrainLoader(string phaseName, Dictionary<string, object?> section, int scale, long seed, Device device,
                                          DataShard? shard = null, Action<string>? warn = null) =>
        new Loader(inner.CreateTrainLoader(phaseName, section, scale, seed, device, shard, warn), nanAt, throwAt);

    public IImageSet CreateImageSet(string phaseName, Dictionary<string, object?> section, int scale, Device device) =>
        inner.CreateImageSet(phaseName, section, scale, device);

    private sealed class Loader(ITrainLoader inner, Func<long, bool> nanAt, long throwAt) : ITrainLoader
    {
        public int DatasetSize => inner.DatasetSize;
        public int BatchesPerEpoch => inner.BatchesPerEpoch;

        public IEnumerable<SrBatch> Epoch(int epoch, int firstBatch = 0)
        {
            foreach (var batch in inner.Epoch(epoch, firstBatch))
            {
                long iter = (long)batch.Epoch * BatchesPerEpoch + batch.Index + 1;
                if (iter == throwAt)
                {
                    batch.Dispose();
                    throw new InvalidDataException($"test: sample of iter {iter} is unreadable");
                }
                if (nanAt(iter)) batch.Lq.Mul_(double.NaN);
                yield return batch;
            }
        }

        public void Dispose() => inner.Dispose();
    }
}

/// <summary>PairedImageDataset whose reads hang (as on a dead network mount) after <c>block_after</c> samples, until
/// <see cref="Release"/>: the stall watchdog's test case.</summary>
[Dataset("BlockingTestDataset")]
public sealed class BlockingTestDataset(string[] datarootGt, string[] datarootLq, int scale = 4, string phase = "train", int? gtSize = null,
                                        bool useHflip = false, bool useRot = false, string filenameTmpl = "{}",
                                        Dictionary<string, object?>? ioBackend = null, int blockAfter = 4, string? name = null) : IImageDataset
{
    private static readonly ManualResetEventSlim Gate = new(false);
    private readonly PairedImageDataset inner = new(datarootGt, datarootLq, scale, phase, gtSize, useHflip, useRot, filenameTmpl, ioBackend: ioBackend, name: name);
    private int reads;

    public int Count => inner.Count;

    public Sample Get(int index, SampleRng rng)
    {
        if (Interlocked.Increment(ref reads) > blockAfter) Gate.Wait();
        return inner.Get(index, rng);
    }

    /// <summary>Arms the gate: reads after the limit block.</summary>
    public static void Arm() => Gate.Reset();

    /// <summary>Lets blocked reads go on.</summary>
    public static void Release() => Gate.Set();
}
