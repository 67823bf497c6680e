using SrTrain.Archs;
using SrTrain.Losses;
using SrTrain.Torch;
using SrTrain.Torch.Optim;

namespace SrTrain.Bench;

/// <summary>One training step of the full ESRGAN generator (RRDBNet x4, 64 features, 23 RRDBs, growth 32) on a batch
/// of 4 GT patches of 128 (LQ 32x32): forward, L1, backward, Adam. With <c>checkpoint</c> the trunk runs with
/// <c>use_checkpoint: true</c> (each RRDB recomputed in the backward). Besides the time it reports the process's
/// peak resident memory during its steps (<c>peak_rss_mib</c>, VmHWM after resetting it at preparation) and its growth over the prepared network's (<c>step_rss_growth_mib</c>): run each
/// variant alone (<c>--only rrdb_step</c>, then <c>--only rrdb_step_ckpt</c>) for figures that no earlier
/// benchmark's freed-but-cached memory inflates. Python twins: <c>rrdb_step</c>, <c>rrdb_step_ckpt</c>
/// (torch.utils.checkpoint per RRDB).</summary>
public sealed class RrdbStepBenchmark(bool checkpoint) : Benchmark
{
    private const int Batch = 4, GtSize = 128, Scale = 4;
    private double startRssMib;

    public override string Name => checkpoint ? "rrdb_step_ckpt" : "rrdb_step";

    public override string Description => checkpoint
        ? "RRDBNet x4 (64/23/32) train step, batch 4 of GT 128, use_checkpoint (RRDBs recomputed)"
        : "RRDBNet x4 (64/23/32) train step (fwd, L1, bwd, Adam), batch 4 of GT 128";

    public override int Iterations => 1;
    public override int Warmup => 1;

    public override IWorkload Prepare()
    {
        var workload = new Workload(checkpoint);
        PeakMemory.Reset();
        startRssMib = PeakMemory.PeakResidentMib() ?? double.NaN;
        return workload;
    }

    public override IReadOnlyDictionary<string, double> Extras(double srtrainSeconds, double? referenceSeconds)
    {
        // The growth over the prepared state is the step's working memory: activations, gradients, Adam's state.
        double peak = PeakMemory.PeakResidentMib() ?? double.NaN;
        return new Dictionary<string, double> { ["peak_rss_mib"] = peak, ["step_rss_growth_mib"] = peak - startRssMib };
    }

    private sealed class Workload : IWorkload
    {
        private readonly RrdbNet net;
        private readonly Adam adam;
        private readonly L1Loss loss = new();
        private readonly Tensor lq;
        private readonly Tensor gt;

        public Workload(bool checkpoint)
        {
            LibTorch.ManualSeed(0);
            net = new RrdbNet(scale: Scale, useCheckpoint: checkpoint);
            adam = new Adam(net.Parameters(), lr: 1e-4, beta1: 0.9, beta2: 0.99);
            lq = Tensor.Rand([Batch, 3, GtSize / Scale, GtSize / Scale]).DetachFromDisposeScope();
            gt = Tensor.Rand([Batch, 3, GtSize, GtSize]).DetachFromDisposeScope();
        }

        public void Step()
        {
            using var scope = LibTorch.NewDisposeScope();
            adam.ZeroGrad();
            loss.Forward(net.Forward(lq), gt).Backward();
            adam.Step();
        }

        public void Dispose()
        {
            adam.Dispose();
            net.Dispose();
            lq.Dispose();
            gt.Dispose();
        }
    }
}

/// <summary>The process's peak resident set (Linux VmHWM), resettable through /proc/self/clear_refs.</summary>
internal static class PeakMemory
{
    /// <summary>Sets the peak to the current resident set (kernel 4.0+; silently nothing elsewhere).</summary>
    public static void Reset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>VmHWM in MiB, or null where /proc/self/status has none.</summary>
    public static double? PeakResidentMib()
    {
        if (!File.Exists("/proc/self/status")) return null;
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        return null;
    }
}
