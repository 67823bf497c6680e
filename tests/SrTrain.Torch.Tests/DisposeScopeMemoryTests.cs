using SrTrain.Torch.Nn;

namespace SrTrain.Torch.Tests;

/// <summary>The requirement: 2000 forward+backward iterations of a small conv net inside
/// dispose scopes keep resident memory and malloc's in-use bytes flat; and the same loop without
/// scopes visibly grows the in-use bytes, so the measurement can see a leak; a long-lived scope does
/// not keep dead tensors reachable. Resident memory alone cannot serve as that control: after an
/// earlier test's peak the (tuned) heap holds free resident pages that a leak fills without growing
/// RSS (seen in CI: 3.2 MB for a 2000-iteration leak). Serial: it reads the whole process's memory.</summary>
[Collection(SerialCollection.Name)]
public class DisposeScopeMemoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double FlatBoundMb = 20;

    /// <summary>Resident set size from /proc/self/statm (second field, in pages).</summary>
    private static double ResidentMb()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1]) * (double)Environment.SystemPageSize / (1024 * 1024);
    }

    private sealed class TinyNet : Module
    {
        private readonly Conv2d conv1 = new(3, 4, 3, padding: 1);
        private readonly Conv2d conv2 = new(4, 3, 3, padding: 1);

        public TinyNet()
        {
            Register("conv1", conv1);
            Register("conv2", conv2);
        }

        public override Tensor Forward(Tensor x) => x + conv2.Forward(F.LeakyRelu(conv1.Forward(x), 0.2));
    }

    private static void Step(TinyNet net, Tensor x, Tensor target)
    {
        var loss = F.L1Loss(net.Forward(x), target);
        net.ZeroGrad();
        loss.Backward();
        using (LibTorch.NoGrad())
            foreach (var p in net.Parameters())
                p.Sub_(p.Grad! * 1e-3); // plain SGD, so parameters change like in training
        _ = loss.ToSingle();
    }

    /// <summary>One intra-op thread: on a busy 2-core machine, OpenMP's spin-waiting makes tiny ops
    /// of a multi-threaded run cost milliseconds, and this test is about memory, not speed.</summary>
    private static T SingleThreaded<T>(Func<T> body)
    {
        int threads = LibTorch.NumThreads;
        LibTorch.NumThreads = 1;
        try { return body(); }
        finally { LibTorch.NumThreads = threads; }
    }

    [Fact]
    public void TwoThousandTrainingIterationsInScopesKeepResidentMemoryFlat()
    {
        var (rss, inUse) = SingleThreaded(() => LoopGrowthMb(scoped: true));
        output.WriteLine($"scoped: RSS growth {rss:F2} MB, malloc in-use growth {inUse:F2} MB over {Iterations} iterations");
        Assert.True(rss < FlatBoundMb, $"RSS grew {rss:F1} MB over {Iterations} scoped iterations (bound {FlatBoundMb} MB)");
        Assert.True(inUse < FlatBoundMb, $"malloc's in-use bytes grew {inUse:F1} MB over {Iterations} scoped iterations (bound {FlatBoundMb} MB)");
    }

    [Fact]
    public void TheSameLoopWithoutScopesGrowsSoTheMeasureSeesLeaks()
    {
        var (rss, inUse) = SingleThreaded(() => LoopGrowthMb(scoped: false));
        output.WriteLine($"unscoped: RSS growth {rss:F2} MB, malloc in-use growth {inUse:F2} MB over {Iterations} iterations");
        // Each unscoped step drops about 40 KB of activations, gradients and graph: some 80 MB in all.
        Assert.True(inUse > FlatBoundMb, $"malloc's in-use bytes grew only {inUse:F1} MB over {Iterations} unscoped iterations");
    }

    private const int Iterations = 2000;

    private static double InUseMb()
    {
        var bytes = NativeHeap.InUseBytes;
        Assert.True(bytes is not null, "the C library has no mallinfo2, so the test cannot see native allocations");
        return bytes!.Value / (1024.0 * 1024);
    }

    /// <summary>Growth of resident memory and of malloc's in-use bytes over <see cref="Iterations"/> training steps
    /// after a warm-up (allocator caches, JIT). Unscoped, the steps run in a no-GC region, so no finalizer frees what
    /// they drop.</summary>
    private static (double RssMb, double InUseMb) LoopGrowthMb(bool scoped)
    {
        using var net = new TinyNet();
        using var x = Tensor.Randn([2, 3, 16, 16]);
        using var target = Tensor.Randn([2, 3, 16, 16]);
        for (int i = 0; i < 200; i++)
            using (LibTorch.NewDisposeScope()) Step(net, x, target);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        double rssBefore = ResidentMb(), inUseBefore = InUseMb();
        if (scoped)
        {
            for (int i = 0; i < Iterations; i++)
                using (LibTorch.NewDisposeScope()) Step(net, x, target);
            return (ResidentMb() - rssBefore, InUseMb() - inUseBefore);
        }
        Assert.True(GC.TryStartNoGCRegion(200L * 1024 * 1024), "could not suspend the GC");
        try
        {
            for (int i = 0; i < Iterations; i++) Step(net, x, target);
            return (ResidentMb() - rssBefore, InUseMb() - inUseBefore);
        }
        finally
        {
            if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
            GC.Collect(); // the finalizers free the dropped tensors now
            GC.WaitForPendingFinalizers();
        }
    }

    [Fact]
    public void ALongLivedScopeForgetsTensorsDisposedOrMovedOutEarly()
    {
        using var outer = LibTorch.NewDisposeScope();
        using var scope = LibTorch.NewDisposeScope();
        using var a = Tensor.Ones([1]).DetachFromDisposeScope();
        for (int i = 0; i < 1000; i++) (a + a).Dispose(); // warm-up
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < 100_000; i++)
        {
            (a + a).Dispose();
            (a * a).MoveToOuterScope().Dispose();
        }
        long growth = GC.GetTotalMemory(forceFullCollection: true) - before;
        output.WriteLine($"long-lived scope: managed growth {growth / 1024.0:F0} KB over 200000 tensors");
        // Kept, 200000 Tensor + handle objects would hold about 15 MB.
        Assert.True(growth < 2 * 1024 * 1024, $"managed memory grew {growth / 1024.0:F0} KB: the scope keeps dead tensors reachable");
        Assert.Equal(0, scope.OwnedCount);
    }
}
