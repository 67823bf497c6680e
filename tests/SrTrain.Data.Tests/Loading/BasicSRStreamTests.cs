using System.Globalization;
using System.Text.Json;
using SrTrain.Data.Datasets;
using SrTrain.Data.Loading;

namespace SrTrain.Data.Tests.Loading;

/// <summary><c>random_stream: basicsr</c>: the loader yields the batches BasicSR's loader yields for the same seed and
/// number of workers (EnlargedSampler order, crops and flips from each worker's reseeded random module), checked
/// against scripts/bench/basicsr_loop.py's restatement of BasicSR's PairedImageDataset, EnlargedSampler and
/// DataLoader, run by /usr/bin/python3 on the same files; and a resumed epoch continues with the same batches.</summary>
public sealed class BasicSRStreamTests : IDisposable
{
    private const int Seed = 5, BatchSize = 3, Epochs = 2;
    private readonly string root = RepoPaths.NewTempDir("srtrain-basicsr-stream");

    public BasicSRStreamTests() => TestImages.WritePairs(root, 10, 40, 48, 4);

    public void Dispose() => Directory.Delete(root, true);

    private DataLoader Loader(int workers, int rank = 0, int replicas = 1) =>
        new(new PairedImageDataset([Path.Combine(root, "gt")], [Path.Combine(root, "lq")], scale: 4, phase: "train", gtSize: 16,
                                   useHflip: true, useRot: true, filenameTmpl: "{}x4"),
            new DataLoaderOptions(BatchSize: BatchSize, NumWorkers: workers, Shuffle: true, DropLast: true, EnlargeRatio: 2, Seed: Seed,
                                  Prefetch: 2, RandomStream: RandomStream.BasicSR, Rank: rank, NumReplicas: replicas));

    private static List<(float[] Lq, float[] Gt, string?[] Paths)> Batches(DataLoader loader, int epoch, int firstBatch = 0)
    {
        var result = new List<(float[], float[], string?[])>();
        foreach (var batch in loader.Epoch(epoch, firstBatch))
            using (batch)
                result.Add((batch.Lq!.ToArray<float>(), batch.Gt!.ToArray<float>(), batch.GtPaths.ToArray()));
        return result;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    [InlineData(2, 1, 2)]   // data-parallel: rank 1 of 2, with BasicSR's per-rank seeds
    [InlineData(0, 1, 3)]
    public void YieldsBasicSRsBatches(int workers, int rank = 0, int replicas = 1)
    {
        const string Code = """
            import json, os, random, sys
            import numpy as np, torch
            sys.path.insert(0, os.path.join(sys.argv[1], "scripts", "bench"))
            import basicsr_loop as B
            root, workers, seed, batch, epochs = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
            rank, replicas = int(sys.argv[7]), int(sys.argv[8])
            s = seed + rank   # train.py's set_random_seed(seed + rank)
            random.seed(s); np.random.seed(s); torch.manual_seed(s)
            opt = {"dataroot_gt": os.path.join(root, "gt"), "dataroot_lq": os.path.join(root, "lq"), "filename_tmpl": "{}x4",
                   "gt_size": 16, "use_hflip": True, "use_rot": True}
            ds = B.PairedImageDataset(opt, 4, "train")
            sampler = B.EnlargedSampler(ds, replicas, rank, 2)
            loader = torch.utils.data.DataLoader(ds, batch_size=batch, shuffle=False, num_workers=workers, sampler=sampler,
                drop_last=True, worker_init_fn=(lambda w: B.worker_init_fn(w, workers, rank, seed)) if workers else None,
                multiprocessing_context="fork" if workers else None)
            out = []
            for epoch in range(epochs):
                sampler.set_epoch(epoch)
                out.append([{"lq": d["lq"].reshape(-1).tolist(), "gt": d["gt"].reshape(-1).tolist(),
                             "paths": [os.path.basename(p) for p in d["gt_path"]]} for d in loader])
            print(json.dumps(out))
            """;
        using var doc = JsonDocument.Parse(PythonReference.Run(Code, RepoPaths.Root, root, workers.ToString(CultureInfo.InvariantCulture),
            Seed.ToString(CultureInfo.InvariantCulture), BatchSize.ToString(CultureInfo.InvariantCulture), Epochs.ToString(CultureInfo.InvariantCulture),
            rank.ToString(CultureInfo.InvariantCulture), replicas.ToString(CultureInfo.InvariantCulture)));
        var loader = Loader(workers, rank, replicas);
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            var expected = doc.RootElement[epoch].EnumerateArray().ToList();
            var actual = Batches(loader, epoch);
            Assert.Equal(expected.Count, actual.Count);
            for (int b = 0; b < actual.Count; b++)
            {
                Assert.Equal(expected[b].GetProperty("paths").EnumerateArray().Select(p => p.GetString()), actual[b].Paths.Select(Path.GetFileName));
                Assert.Equal(expected[b].GetProperty("gt").EnumerateArray().Select(v => v.GetSingle()), actual[b].Gt);
                Assert.Equal(expected[b].GetProperty("lq").EnumerateArray().Select(v => v.GetSingle()), actual[b].Lq);
            }
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public void AResumedEpochContinuesWithTheSameBatches(int workers)
    {
        var straight = Loader(workers);
        Batches(straight, 0);
        var epoch1 = Batches(straight, 1);
        var resumed = Batches(Loader(workers), 1, firstBatch: 4);   // a fresh loader, as after a restart
        Assert.Equal(epoch1.Count - 4, resumed.Count);
        for (int i = 0; i < resumed.Count; i++)
        {
            Assert.Equal(epoch1[i + 4].Paths, resumed[i].Paths);
            Assert.Equal(epoch1[i + 4].Gt, resumed[i].Gt);
            Assert.Equal(epoch1[i + 4].Lq, resumed[i].Lq);
        }
    }
}
