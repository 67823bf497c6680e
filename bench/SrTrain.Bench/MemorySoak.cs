using System.Diagnostics;
using System.Globalization;
using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Data.Pipeline;
using SrTrain.Data.Preparation;
using SrTrain.Engine.Training;
using SrTrain.Torch;

namespace SrTrain.Bench;

/// <summary><c>scripts/bench.sh --soak N</c>: trains a smoke option file (default: the MSRResNet x4 smoke config on
/// datasets/demo, built when missing) for N iterations with its checkpoints and validation, and reports the process's
/// resident memory (RSS), sampled every 10 iterations, and its growth after iteration 100, when allocator pools, JIT and
/// caches have settled: the rise of the least-squares trend line from iteration 100 to the end, relative to its start. A leak of one tensor per step shows as steady growth; the bar is under 5%.</summary>
public static class MemorySoak
{
    /// <summary>The option file used when none is given, relative to the repository root.</summary>
    public const string DefaultConfig = "options/train/smoke/train_MSRResNet_x4.yml";

    /// <summary>Runs the soak; returns the exit code (0: growth under 5%).</summary>
    public static int Run(int iterations, string? config, TextWriter output)
    {
        var repo = FindRepository();
        var file = Path.GetFullPath(config ?? Path.Combine(repo, DefaultConfig));
        var demo = Path.Combine(repo, "datasets", "demo");
        if (config is null) DemoData.Build(demo);
        var root = Path.Combine(Path.GetTempPath(), $"srtrain-soak-{Guid.NewGuid():N}");
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = repo;   // the smoke files name datasets/demo relative to the repository
        var samples = new SortedDictionary<long, long>();
        var watch = Stopwatch.StartNew();
        try
        {
            var o = OptionFile.Load(file, [$"train.total_iter={iterations}", $"path.root={root}"], isTrain: true);
            var pipeline = new SampledPipeline(new DataPipeline(), iter =>
            {
                if ((iter - 1) % 10 == 0) samples[iter - 1] = Rss();
            });
            new Trainer(o, pipeline, new ImageFileWriter()).Run();
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }

        var inv = CultureInfo.InvariantCulture;
        foreach (var (iter, rss) in samples.Where(s => s.Key % 100 == 0))
            output.WriteLine(string.Create(inv, $"soak: after iter {iter,6}: RSS {rss / 1048576.0,8:F1} MiB"));
        long last = samples.Keys.Last();
        if (last < 300)
        {
            output.WriteLine("soak: fewer than 300 iterations: no growth figure");
            return 0;
        }
        // RSS swings by +-15% with every validation (whole images) and checkpoint as malloc keeps freed blocks: a leak is
        // a trend, so the figure is the least-squares line through the samples from iteration 100 on, its rise over that
        // span relative to its start. The peaks of the first and last 100-iteration windows are printed beside it.
        var late = samples.Where(s => s.Key >= 100).Select(s => (X: (double)s.Key, Y: (double)s.Value)).ToList();
        double mx = late.Average(p => p.X), my = late.Average(p => p.Y);
        double slope = late.Sum(p => (p.X - mx) * (p.Y - my)) / late.Sum(p => (p.X - mx) * (p.X - mx));
        double start = my + slope * (100 - mx);
        double growth = slope * (last - 100) / start * 100;
        long firstPeak = samples.Where(s => s.Key >= 100 && s.Key < 200).Max(s => s.Value);
        long lastPeak = samples.Where(s => s.Key > last - 100).Max(s => s.Value);
        output.WriteLine(string.Create(inv,
            $"soak: {file}, {last} iterations in {watch.Elapsed.TotalSeconds:F0} s, {LibTorch.NumThreads} threads: RSS trend from iter 100 " +
            $"{start / 1048576.0:F1} MiB, {slope * 1000 / 1048576.0:+0.0;-0.0} MiB per 1000 iters: growth {growth:+0.00;-0.00}% (bar: < 5%); " +
            $"peaks {firstPeak / 1048576.0:F1} MiB (iters 100-199) and {lastPeak / 1048576.0:F1} MiB (last 100)"));
        return growth < 5 ? 0 : 1;
    }

    /// <summary>Resident set size of this process, from /proc/self/status (VmRSS) where it exists.</summary>
    private static long Rss()
    {
        const string key = "VmRSS:";
        if (File.Exists("/proc/self/status"))
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        using var p = Process.GetCurrentProcess();
        return p.WorkingSet64;
    }

    private static string FindRepository()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "SrTrain.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("the SrTrain repository (SrTrain.sln) is not above the bench or the current folder");
    }

    /// <summary>Passes the real pipeline through, calling <c>beforeIter</c> as each training batch is handed out.</summary>
    private sealed class SampledPipeline(IDataPipeline inner, Action<long> beforeIter) : IDataPipeline
    {
        public ITrainLoader CreateTrainLoader(string phaseName, Dictionary<string, object?> section, int scale, long seed, Device device,
                                              DataShard? shard = null, Action<string>? warn = null) =>
            new Loader(inner.CreateTrainLoader(phaseName, section, scale, seed, device, shard, warn), beforeIter);

        public IImageSet CreateImageSet(string phaseName, Dictionary<string, object?> section, int scale, Device device) =>
            inner.CreateImageSet(phaseName, section, scale, device);

        private sealed class Loader(ITrainLoader inner, Action<long> beforeIter) : ITrainLoader
        {
            public int DatasetSize => inner.DatasetSize;
            public int BatchesPerEpoch => inner.BatchesPerEpoch;

            public IEnumerable<SrBatch> Epoch(int epoch, int firstBatch = 0)
            {
                foreach (var batch in inner.Epoch(epoch, firstBatch))
                {
                    beforeIter((long)epoch * BatchesPerEpoch + batch.Index + 1);
                    yield return batch;
                }
            }

            public void Dispose() => inner.Dispose();
        }
    }
}
