using SrTrain.Torch.Interop;

namespace SrTrain.Torch.Distributed;

/// <summary>A c10d process group (torch.distributed's engine in libtorch): a TCP store hosted by rank 0 for the
/// rendezvous, and Gloo (CPU tensors) or, in a libtorch with CUDA, NCCL for the collectives. Every rank must call
/// the same collectives in the same order with tensors of the same shapes. A failure (a peer that died, a timeout)
/// raises a <see cref="TorchException"/> naming this rank, the operation and, when it can tell, the lost rank.</summary>
public sealed unsafe class ProcessGroup : IDisposable
{
    /// <summary>Default bucket size of <see cref="AllReduce"/> and <see cref="Broadcast"/> (PyTorch DDP's 25 MiB).</summary>
    public const long DefaultBucketBytes = 25L << 20;

    private nint handle;

    private ProcessGroup(nint handle, int rank, int worldSize, string backend)
    {
        this.handle = handle;
        (Rank, WorldSize, Backend) = (rank, worldSize, backend);
    }

    /// <summary>This process's rank, 0 .. <see cref="WorldSize"/> - 1.</summary>
    public int Rank { get; }

    /// <summary>Number of ranks in the group.</summary>
    public int WorldSize { get; }

    /// <summary>"gloo" or "nccl".</summary>
    public string Backend { get; }

    /// <summary>Whether this build can create groups of <paramref name="backend"/> ("gloo"; "nccl" only with CUDA).</summary>
    public static bool IsAvailable(string backend = "gloo") => Native.srt_dist_available(backend) != 0;

    /// <summary>Joins the group: rank 0 opens the store on <paramref name="port"/>, every rank connects to
    /// <paramref name="host"/>:<paramref name="port"/>; returns when all <paramref name="worldSize"/> ranks are there
    /// (or throws after <paramref name="timeout"/>, which also bounds every later collective).</summary>
    public static ProcessGroup Init(string host, int port, int rank, int worldSize, string backend = "gloo", TimeSpan? timeout = null)
    {
        if (worldSize < 1) throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, "the world size must be >= 1");
        if (rank < 0 || rank >= worldSize) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"the rank must be in 0..{worldSize - 1}");
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "the port must be in 1..65535");
        long ms = (long)(timeout ?? TimeSpan.FromMinutes(30)).TotalMilliseconds;
        Native.Check(Native.srt_dist_init(host, port, rank, worldSize, backend, ms, out var h));
        return new ProcessGroup(h, rank, worldSize, backend);
    }

    private nint Handle => handle != 0 ? handle : throw new ObjectDisposedException(nameof(ProcessGroup));

    /// <summary>Reduces <paramref name="tensors"/> in place over all ranks, through flat buckets of at most
    /// <paramref name="bucketBytes"/> (each tensor keeps its shape; every rank must pass the same shapes in the same order).</summary>
    public void AllReduce(IReadOnlyList<Tensor> tensors, ReduceOp op = ReduceOp.Sum, long bucketBytes = DefaultBucketBytes)
    {
        if (tensors.Count == 0) return;
        var raw = tensors.Select(t => t.Raw).ToArray();
        fixed (nint* p = raw)
            Native.Check(Native.srt_dist_all_reduce(Handle, p, raw.Length, op == ReduceOp.Avg ? 1 : 0, bucketBytes));
        GC.KeepAlive(tensors);
    }

    /// <summary>Copies <paramref name="root"/>'s <paramref name="tensors"/> into every other rank's, in place (bucketed).</summary>
    public void Broadcast(IReadOnlyList<Tensor> tensors, int root = 0, long bucketBytes = DefaultBucketBytes)
    {
        if (tensors.Count == 0) return;
        var raw = tensors.Select(t => t.Raw).ToArray();
        fixed (nint* p = raw)
            Native.Check(Native.srt_dist_broadcast(Handle, p, raw.Length, root, bucketBytes));
        GC.KeepAlive(tensors);
    }

    /// <summary>Returns once every rank has called it.</summary>
    public void Barrier() => Native.Check(Native.srt_dist_barrier(Handle));

    /// <summary>Every rank's <paramref name="values"/> (same length on all ranks), indexed by rank.</summary>
    public double[][] AllGather(ReadOnlySpan<double> values)
    {
        var flat = new double[values.Length * WorldSize];
        fixed (double* v = values)
        fixed (double* o = flat)
            Native.Check(Native.srt_dist_all_gather(Handle, v, values.Length, o));
        int n = values.Length;
        return Enumerable.Range(0, WorldSize).Select(r => flat.AsSpan(r * n, n).ToArray()).ToArray();
    }

    /// <summary>Every rank's <paramref name="value"/>, indexed by rank.</summary>
    public double[] AllGather(double value) => AllGather([value]).Select(v => v[0]).ToArray();

    /// <summary>Leaves the group (closes the connections; rank 0 closes the store).</summary>
    public void Dispose()
    {
        if (handle == 0) return;
        Native.srt_dist_destroy(handle);
        handle = 0;
    }
}
