using System.Diagnostics;
using SrTrain.Torch;
using SrTrain.Torch.Distributed;
using SrTrain.Torch.Nn;

namespace SrTrain.Engine.Training;

/// <summary>One rank's side of data-parallel training over a c10d <see cref="ProcessGroup"/> (the work PyTorch's
/// DistributedDataParallel does, scheduled by us: libtorch's C++ API has no DDP): rank 0's weights to everyone at the
/// start, gradients averaged in flat buckets after each backward, logged scalars averaged. Every rank makes the same
/// calls in the same order.</summary>
public sealed class DataParallel(ProcessGroup group, long bucketBytes = ProcessGroup.DefaultBucketBytes) : IDisposable
{
    private readonly Stopwatch reduceWatch = new();

    /// <summary>The process group (owned: disposed with this).</summary>
    public ProcessGroup Group { get; } = group;

    public int Rank => Group.Rank;

    public int WorldSize => Group.WorldSize;

    /// <summary>Rank 0 logs, validates and writes checkpoints.</summary>
    public bool IsMain => Rank == 0;

    /// <summary>Wall time spent in gradient all-reduces so far.</summary>
    public TimeSpan GradientReduceTime => reduceWatch.Elapsed;

    /// <summary>Gradient all-reduces so far (one per network and backward).</summary>
    public long GradientReduces { get; private set; }

    /// <summary>Copies rank 0's parameters and buffers of <paramref name="networks"/> into every rank's.</summary>
    public void BroadcastFromMain(IEnumerable<Module> networks)
    {
        var tensors = networks.SelectMany(n => n.Parameters().Concat(n.NamedBuffers().Select(b => b.Tensor))).ToList();
        Group.Broadcast(tensors, root: 0, bucketBytes);
    }

    /// <summary>Copies rank 0's buffers (batch-norm statistics) into every rank's before each step, as PyTorch's DDP
    /// does with broadcast_buffers; nothing to do for networks without buffers.</summary>
    public void SyncBuffers(IEnumerable<Module> networks)
    {
        using var scope = LibTorch.NewDisposeScope();
        var buffers = networks.SelectMany(n => n.NamedBuffers().Select(b => b.Tensor)).ToList();
        if (buffers.Count > 0) Group.Broadcast(buffers, root: 0, bucketBytes);
    }

    /// <summary>Averages <paramref name="net"/>'s gradients over the ranks, in place (parameters without a gradient
    /// are skipped; they are the same on every rank, which runs the same model code).</summary>
    public void AverageGradients(Module net)
    {
        using var scope = LibTorch.NewDisposeScope();
        var grads = net.Parameters().Select(p => p.Grad).OfType<Tensor>().ToList();
        reduceWatch.Start();
        try { Group.AllReduce(grads, ReduceOp.Avg, bucketBytes); }
        finally { reduceWatch.Stop(); }
        GradientReduces++;
    }

    /// <summary>The mean over the ranks of each scalar (the keys and their order must agree on all ranks).</summary>
    public IReadOnlyDictionary<string, double> Average(IReadOnlyDictionary<string, double> scalars)
    {
        var keys = scalars.Keys.ToList();
        var all = Group.AllGather(keys.Select(k => scalars[k]).ToArray());
        var mean = new Dictionary<string, double>();
        for (int i = 0; i < keys.Count; i++) mean[keys[i]] = all.Average(r => r[i]);
        return mean;
    }

    /// <summary>Rank 0's value of <paramref name="value"/> (a random seed drawn on each rank, for instance).</summary>
    public long FromMain(long value) => (long)Group.AllGather(value)[0];

    /// <summary>Whether a sum of every parameter agrees on all ranks to the last bit (a cheap check that the ranks
    /// did not drift apart).</summary>
    public bool InSync(IEnumerable<Module> networks)
    {
        using var scope = LibTorch.NewDisposeScope();
        double sum = 0;
        foreach (var p in networks.SelectMany(n => n.Parameters())) sum += p.To(DType.Float64).Abs().Sum().Item();
        var all = Group.AllGather(sum);
        return all.All(v => v.Equals(all[0]));
    }

    /// <summary>True on every rank when <paramref name="flag"/> is true on any rank (a stop request, for instance).</summary>
    public bool AnyRank(bool flag) => Group.AllGather(flag ? 1.0 : 0.0).Any(v => v != 0);

    public void Barrier() => Group.Barrier();

    public void Dispose() => Group.Dispose();
}
