using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SrTrain.Torch.Distributed;

namespace SrTrain.Torch.Tests.Distributed;

/// <summary>The c10d binding against a second process that is PyTorch itself: rank 0 is this test (SrTrain's
/// <see cref="ProcessGroup"/>), rank 1 is /usr/bin/python3 with torch.distributed's TCPStore and ProcessGroupGloo on
/// 127.0.0.1. Both sides compute what they expect and check it; the Python rank prints what it received.</summary>
public class ProcessGroupTests
{
    /// <summary>A port that was free a moment ago (the OS picks it).</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    // Rank 1: mirrors the C# side's calls. Buckets are rebuilt with the same greedy rule as the shim's (in order,
    // a new bucket when the next tensor would overflow bucket_bytes) so every all-reduce pairs with one of equal size.
    private const string PythonRank = """
import sys, datetime, os, torch
import torch.distributed as dist
port, mode = int(sys.argv[1]), sys.argv[2]
timeout = datetime.timedelta(seconds=20)
store = dist.TCPStore("127.0.0.1", port, 2, False, timeout)
pg = dist.ProcessGroupGloo(store, 1, 2, timeout)
def tensors(rank):
    g = torch.Generator().manual_seed(100 + rank)
    return [torch.randn(s, generator=g) for s in [(3, 4), (7,), (2, 2, 5), (1,), (64,)]]
def buckets(ts, limit):
    out, size = [], 0
    for t in ts:
        b = t.numel() * 4
        if not out or size + b > limit: out.append([]); size = 0
        out[-1].append(t); size += b
    return out
if mode == "collectives":
    for avg in (False, True):
        ts = tensors(1)
        works = []
        for b in buckets(ts, 96):
            flat = torch.cat([t.reshape(-1) for t in b])
            works.append((b, flat, pg.allreduce([flat])))
        for b, flat, w in works:
            w.wait()
            if avg: flat /= 2
            o = 0
            for t in b: t.copy_(flat[o:o + t.numel()].view(t.shape)); o += t.numel()
        want = [x + y for x, y in zip(tensors(0), tensors(1))]
        if avg: want = [w / 2 for w in want]
        assert all(torch.allclose(t, w, rtol=0, atol=1e-6) for t, w in zip(ts, want)), "all_reduce mismatch on rank 1"
    got = torch.zeros(10)
    pg.broadcast(got, 0).wait()
    assert torch.equal(got, torch.arange(10, dtype=torch.float32)), "broadcast from rank 0 mismatch"
    mine = torch.full((4,), 7.5)
    pg.broadcast(mine, 1).wait()
    pg.barrier().wait()
    out = [torch.zeros(2, dtype=torch.float64) for _ in range(2)]
    pg.allgather([out], [torch.tensor([1.5, -2.0], dtype=torch.float64)]).wait()
    print(" ".join(f"{v:.6f}" for v in torch.cat(out).tolist()))
elif mode == "die":
    pg.barrier().wait()
    os._exit(3)
""";

    [Fact]
    public async Task CollectivesMatchAPyTorchRank()
    {
        int port = FreePort();
        var peer = Task.Run(() => PythonReference.Run(PythonRank, new Dictionary<string, string> { ["GLOO_SOCKET_IFNAME"] = "lo" },
                                                      port.ToString(CultureInfo.InvariantCulture), "collectives"));
        using var pg = ProcessGroup.Init("127.0.0.1", port, 0, 2, timeout: TimeSpan.FromSeconds(20));
        Assert.Equal((0, 2, "gloo"), (pg.Rank, pg.WorldSize, pg.Backend));
        // The scope closes before the await: a scope belongs to its thread, and the code after an await may run on another.
        using (LibTorch.NewDisposeScope())
        {
            foreach (var op in new[] { ReduceOp.Sum, ReduceOp.Avg })
            {
                var mine = Tensors(0);
                pg.AllReduce(mine, op, bucketBytes: 96);   // 96 bytes: several buckets, one tensor (64 floats) alone in its own
                var want = Tensors(0).Zip(Tensors(1), (a, b) => op == ReduceOp.Avg ? (a + b) / 2.0 : a + b).ToList();
                for (int i = 0; i < want.Count; i++) TensorAssert.Close(want[i], mine[i], Tolerance.Elementwise, $"{op} tensor {i}");
            }
            pg.Broadcast([Tensor.Arange(0, 10)], root: 0);
            var received = Tensor.Zeros([4]);
            pg.Broadcast([received], root: 1);
            TensorAssert.Equal(Tensor.Full([4], 7.5), received, "broadcast from rank 1");
        }
        pg.Barrier();
        var gathered = pg.AllGather([3.25, 4.0]);
        Assert.Equal([3.25, 4.0], gathered[0]);
        Assert.Equal([1.5, -2.0], gathered[1]);
        Assert.Equal("3.250000 4.000000 1.500000 -2.000000", (await peer).Trim());
    }

    [Fact]
    public async Task ParametersThatRequireGradAreBroadcastInPlace()
    {
        // A broadcast of leaves that require grad (initial weights) writes them in place without autograd complaining.
        int port = FreePort();
        var peer = Task.Run(() =>
        {
            using var pg1 = ProcessGroup.Init("127.0.0.1", port, 1, 2, timeout: TimeSpan.FromSeconds(20));
            using var s = LibTorch.NewDisposeScope();
            var w = Tensor.Zeros([3, 3]).RequiresGrad_();
            pg1.Broadcast([w], root: 0);
            return w.Sum().Item();
        });
        using var pg = ProcessGroup.Init("127.0.0.1", port, 0, 2, timeout: TimeSpan.FromSeconds(20));
        // Closed before the await, on the thread that opened it (see CollectivesMatchAPyTorchRank).
        using (LibTorch.NewDisposeScope())
        {
            var mineW = Tensor.Ones([3, 3]).RequiresGrad_();
            pg.Broadcast([mineW], root: 0);
        }
        Assert.Equal(9.0, await peer);
    }

    [Fact]
    public async Task LostPeerFailsWithinTheTimeoutNamingRankAndOperation()
    {
        int port = FreePort();
        var peer = Task.Run(() =>
        {
            try { return PythonReference.Run(PythonRank, new Dictionary<string, string> { ["GLOO_SOCKET_IFNAME"] = "lo" },
                                             port.ToString(CultureInfo.InvariantCulture), "die"); }
            catch (Exception e) { return e.Message; }
        });
        using var pg = ProcessGroup.Init("127.0.0.1", port, 0, 2, timeout: TimeSpan.FromSeconds(5));
        pg.Barrier();
        await peer;   // rank 1 has exited
        using var scope = LibTorch.NewDisposeScope();
        var watch = Stopwatch.StartNew();
        var ex = Assert.Throws<TorchException>(() => pg.AllReduce([Tensor.Ones([1000])]));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5 + 5), $"took {watch.Elapsed}");
        Assert.Contains("rank 0 of 2 (gloo): all_reduce failed", ex.Message);
        Assert.Contains("lost rank 1", ex.Message);
    }

    [Fact]
    public void UnknownBackendAndBadRankAreClearErrors()
    {
        var ex = Assert.Throws<TorchException>(() => ProcessGroup.Init("127.0.0.1", FreePort(), 0, 1, backend: "mpi", timeout: TimeSpan.FromSeconds(5)));
        Assert.Contains("backend 'mpi' is not available", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ProcessGroup.Init("127.0.0.1", 1234, 2, 2));
        Assert.True(ProcessGroup.IsAvailable("gloo"));
    }

    [Fact]
    public void SingleRankGroupReducesToItself()
    {
        using var pg = ProcessGroup.Init("127.0.0.1", FreePort(), 0, 1, timeout: TimeSpan.FromSeconds(5));
        using var scope = LibTorch.NewDisposeScope();
        var t = Tensor.Arange(0, 6);
        pg.AllReduce([t], ReduceOp.Avg);
        TensorAssert.Equal(Tensor.Arange(0, 6), t);
        Assert.Equal([2.5], pg.AllGather(2.5));
    }

    private static List<Tensor> Tensors(int rank)
    {
        // The same values as the Python rank's torch.randn with Generator().manual_seed(100 + rank).
        var code = """
import sys, torch
g = torch.Generator().manual_seed(int(sys.argv[1]))
print(" ".join(repr(v) for s in [(3, 4), (7,), (2, 2, 5), (1,), (64,)] for v in torch.randn(s, generator=g).reshape(-1).tolist()))
""";
        var values = Cache.GetOrAdd(rank, _ => PythonReference.Run(code, (100 + rank).ToString(CultureInfo.InvariantCulture)).Split(' ', StringSplitOptions.RemoveEmptyEntries)
                                                 .Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        var shapes = new long[][] { [3, 4], [7], [2, 2, 5], [1], [64] };
        var list = new List<Tensor>();
        int offset = 0;
        foreach (var s in shapes)
        {
            int n = (int)s.Aggregate(1L, (a, b) => a * b);
            list.Add(Tensor.From(values[offset..(offset + n)], s));
            offset += n;
        }
        return list;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, float[]> Cache = new();
}
