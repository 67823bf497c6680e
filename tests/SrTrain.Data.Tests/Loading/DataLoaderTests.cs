using SrTrain.Data;
using SrTrain.Data.Datasets;
using SrTrain.Data.Loading;

namespace SrTrain.Data.Tests.Loading;

public class DataLoaderTests : IDisposable
{
    private readonly string root = RepoPaths.NewTempDir("srtrain-loader");

    public DataLoaderTests() => TestImages.WritePairs(root, 10, 40, 48, 4);

    public void Dispose() => Directory.Delete(root, true);

    private PairedImageDataset Dataset() =>
        new([Path.Combine(root, "gt")], [Path.Combine(root, "lq")], scale: 4, phase: "train", gtSize: 16, useHflip: true, useRot: true,
            filenameTmpl: "{}x4");

    private static List<(float[] Lq, float[] Gt, string?[] Paths)> FirstBatches(DataLoader loader, int epoch, int count)
    {
        var result = new List<(float[], float[], string?[])>();
        foreach (var batch in loader.Epoch(epoch))
        {
            using (batch)
            {
                Assert.Equal(new long[] { 3, 3, 4, 4 }, batch.Lq!.Shape);
                Assert.Equal(new long[] { 3, 3, 16, 16 }, batch.Gt!.Shape);
                result.Add((batch.Lq.ToArray<float>(), batch.Gt.ToArray<float>(), batch.GtPaths.ToArray()));
            }
            if (result.Count == count) break;
        }
        return result;
    }

    [Fact]
    public void SameSeedGivesIdenticalBatchesWithOneAndTwoWorkers()
    {
        var one = new DataLoader(Dataset(), new DataLoaderOptions(BatchSize: 3, NumWorkers: 1, Shuffle: true, DropLast: true, Seed: 42));
        var two = new DataLoader(Dataset(), new DataLoaderOptions(BatchSize: 3, NumWorkers: 2, Shuffle: true, DropLast: true, Seed: 42, Prefetch: 2));
        var inline = new DataLoader(Dataset(), new DataLoaderOptions(BatchSize: 3, NumWorkers: 0, Shuffle: true, DropLast: true, Seed: 42));
        var a = FirstBatches(one, 0, 3);
        var b = FirstBatches(two, 0, 3);
        var c = FirstBatches(inline, 0, 3);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(a[i].Paths, b[i].Paths);
            Assert.Equal(a[i].Lq, b[i].Lq);
            Assert.Equal(a[i].Gt, b[i].Gt);
            Assert.Equal(a[i].Gt, c[i].Gt);
        }
        // Another epoch or seed draws a different order / different crops.
        var other = FirstBatches(two, 1, 1);
        Assert.False(other[0].Gt.SequenceEqual(a[0].Gt));
    }

    [Fact]
    public void BatchesMatchTheDatasetSamples()
    {
        var ds = Dataset();
        var loader = new DataLoader(ds, new DataLoaderOptions(BatchSize: 3, NumWorkers: 2, Shuffle: true, DropLast: true, Seed: 9));
        var order = loader.Order(0);
        using var batch = loader.Epoch(0).First();
        var expected = ds.Get(order[1], SampleRng.For(9, 0, 1));
        var gt = batch.Gt!.ToArray<float>();
        var chw = Data.Transforms.TensorLayout.ToChw(expected.Gt!);
        Assert.Equal(chw, gt.AsSpan(chw.Length, chw.Length).ToArray());
        Assert.Equal(expected.GtPath, batch.GtPaths[1]);
    }

    [Fact]
    public void EnlargeRatioShuffleAndDropLastShapeTheEpoch()
    {
        var loader = new DataLoader(Dataset(), new DataLoaderOptions(BatchSize: 3, NumWorkers: 2, Shuffle: true, DropLast: true, EnlargeRatio: 3, Seed: 1));
        Assert.Equal(30, loader.SamplesPerEpoch);
        Assert.Equal(10, loader.BatchesPerEpoch);
        var order = loader.Order(0);
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(3, order.Count(v => v == i)));
        Assert.NotEqual(order, loader.Order(1));
        Assert.Equal(10, loader.Epoch(0).Select(b => { b.Dispose(); return 1; }).Sum());
        var keepLast = new DataLoader(Dataset(), new DataLoaderOptions(BatchSize: 4, NumWorkers: 2));
        var sizes = keepLast.Epoch(0).Select(b => { using (b) return b.Count; }).ToList();
        Assert.Equal([4, 4, 2], sizes);
        Assert.Equal(Enumerable.Range(0, 10), keepLast.Order(0));
    }

    [Fact]
    public void WorkerExceptionReachesTheConsumerNamingTheFile()
    {
        var bad = Path.Combine(root, "lq", "0006x4.png");
        File.WriteAllBytes(bad, File.ReadAllBytes(bad)[..40]);
        var loader = new DataLoader(Dataset(), new DataLoaderOptions(BatchSize: 2, NumWorkers: 2, Seed: 3));
        var seen = 0;
        var ex = Assert.Throws<ImageReadException>(() =>
        {
            foreach (var b in loader.Epoch(0)) { b.Dispose(); seen++; }
        });
        Assert.Contains(bad, ex.Message);
        Assert.Equal(2, seen);   // batches before the broken one still arrive, in order
    }

    [Fact]
    public void StoppingEarlyJoinsTheWorkers()
    {
        var loader = new DataLoader(Dataset(), new DataLoaderOptions(BatchSize: 1, NumWorkers: 2, Prefetch: 2, Seed: 3));
        int before = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        using (var e = loader.Epoch(0).GetEnumerator())
        {
            Assert.True(e.MoveNext());
            e.Current.Dispose();
        }
        Assert.DoesNotContain(System.Threading.Thread.CurrentThread.Name ?? "", "srtrain-loader");
        // The enumerator's Dispose returned, so both workers have been joined; a new epoch starts fresh.
        Assert.Equal(10, loader.Epoch(1).Select(b => { b.Dispose(); return 1; }).Sum());
        Assert.True(System.Diagnostics.Process.GetCurrentProcess().Threads.Count <= before + 2);
    }

    [Fact]
    public void OptionsComeFromTheBasicSrSection()
    {
        var section = new Dictionary<string, object?>
        {
            ["batch_size_per_gpu"] = "16", ["num_worker_per_gpu"] = 6, ["use_shuffle"] = "true", ["dataset_enlarge_ratio"] = 100,
            ["prefetch_mode"] = "~", ["pin_memory"] = true,
        };
        var o = DataLoaderOptions.FromSection(section, "train", 10);
        // BasicSR's random draws unless the section asks for per-sample streams.
        Assert.Equal(new DataLoaderOptions(16, 6, true, true, 100, 4, 10, PinMemory: false, RandomStream: RandomStream.BasicSR), o);
        section["random_stream"] = "per_sample";
        Assert.Equal(RandomStream.PerSample, DataLoaderOptions.FromSection(section, "train", 10).RandomStream);
        section["random_stream"] = "numpy";
        var e = Assert.Throws<SrTrain.Abstractions.Registry.OptionException>(() => DataLoaderOptions.FromSection(section, "train", 10, where: "datasets.train"));
        Assert.Contains("datasets.train.random_stream: 'numpy'", e.Message);
        var v = DataLoaderOptions.FromSection(new Dictionary<string, object?>(), "val", 10);
        Assert.Equal((1, false, false, 0), (v.BatchSize, v.Shuffle, v.DropLast, v.NumWorkers));
    }
}
