using SrTrain.Archs;
using SrTrain.Losses;
using SrTrain.Engine.Training;
using SrTrain.Torch;
using SrTrain.Torch.Optim;

namespace SrTrain.Bench;

/// <summary>One training step of the full ESRGAN generator (RRDBNet x4, 64 features, 23 RRDBs, growth 32) on a batch
/// of 4 GT patches of 128 (LQ 32x32): forward, L1, backward, Adam. With <c>checkpoint</c> the trunk runs with
/// <c>use_checkpoint: true</c> (each RRDB recomputed in the backward). Besides the time it reports the process's
/// peak resident memory during its steps (<c>peak_rss_mib</c>, VmHWM after resetting it at preparation) and its growth over the prepared network's (<c>step_rss_growth_mib</c>): run each
/// variant alone (<c>--only rrdb_step</c>, then <c>--only rrdb_step_ckpt</c>) for figures that no earlier
/// benchmark's freed-but-cached memory inflates; and the step's convolution rate (<c>srtrain_gflops</c>, from the
/// convolutions' arithmetic) against the <c>conv</c> benchmark's conv2d timed in the same process
/// (<c>conv_ceiling_gflops</c>, <c>srtrain_of_ceiling</c>). SrTrain's side runs with the convolution algorithm
/// <c>srtrain train</c> takes for float32 NCHW on this machine (conv_algorithm: auto; <c>winograd</c> = 1 when that is
/// oneDNN's Winograd). Its GFLOPS count the direct convolutions' arithmetic either way, so they compare with the
/// reference's; the ceiling is libtorch's own conv2d (direct), and under Winograd the same conv2d through Winograd
/// is timed too (<c>winograd_ceiling_gflops</c>, <c>srtrain_of_winograd_ceiling</c>): how far the step is from its
/// own algorithm's best layer.
/// <para><c>rrdb_step_bf16</c> runs SrTrain's step as <c>precision: bf16</c> trains it (autocast, the memory format
/// memory_format: auto picks, fused Adam) against the reference's float32 step, and bounds that ratio: the step's
/// convolutions alone, each of RRDBNet's layer shapes timed in bfloat16 channels_last and in float32 NCHW
/// (<c>bf16_conv_only_s</c>, <c>fp32_conv_only_s</c>; <see cref="ConvLayers"/>), say what share of the step they take
/// (<c>srtrain_conv_share</c>) and what ratio a bf16 step doing nothing but them would reach
/// (<c>conv_only_ratio_bound</c> = reference seconds / <c>bf16_conv_only_s</c>).</para>
/// Python twins: <c>rrdb_step</c>, <c>rrdb_step_ckpt</c> (torch.utils.checkpoint per RRDB), <c>rrdb_step_bf16</c>
/// (the float32 step).</summary>
public sealed class RrdbStepBenchmark(bool checkpoint, bool bf16 = false) : Benchmark
{
    private const int Batch = 4, GtSize = 128, Scale = 4;
    private double startRssMib;

    /// <summary>What conv_algorithm: auto takes for float32 NCHW training on the CPU: Winograd wherever oneDNN has it.</summary>
    private static readonly ConvAlgorithmChoice Algorithm = ConvAlgorithmChoice.ForThisMachine("auto", DeviceType.Cpu, "fp32", channelsLast: false);
    private bool Winograd => !bf16 && Algorithm.Winograd;

    /// <summary>bf16 where oneDNN has no bf16 convolution (AVX-512 capped below it by DNNL_MAX_CPU_ISA) fails as training does.</summary>
    public override string? Unavailable => bf16 ? Bf16Availability.Unavailable : null;

    public override string Name => bf16 ? "rrdb_step_bf16" : checkpoint ? "rrdb_step_ckpt" : "rrdb_step";

    public override string Description => bf16
        ? "RRDBNet x4 (64/23/32) train step, batch 4 of GT 128, SrTrain bf16 autocast (+ fused Adam) vs PyTorch fp32"
        : checkpoint
            ? "RRDBNet x4 (64/23/32) train step, batch 4 of GT 128, use_checkpoint (RRDBs recomputed)"
            : "RRDBNet x4 (64/23/32) train step (fwd, L1, bwd, Adam), batch 4 of GT 128";

    public override int Iterations => 1;
    public override int Warmup => 1;

    public override IWorkload Prepare()
    {
        var workload = new Workload(checkpoint, bf16, Winograd);
        PeakMemory.Reset();
        startRssMib = PeakMemory.PeakResidentMib() ?? double.NaN;
        return workload;
    }

    public override IReadOnlyDictionary<string, double> Extras(double srtrainSeconds, double? referenceSeconds)
    {
        // The growth over the prepared state is the step's working memory: activations, gradients, Adam's state.
        double peak = PeakMemory.PeakResidentMib() ?? double.NaN;
        var extras = new Dictionary<string, double> { ["peak_rss_mib"] = peak, ["step_rss_growth_mib"] = peak - startRssMib };
        // Achieved convolution rate of the whole step against the conv benchmark's conv2d timed now, in this process.
        // Checkpointing runs the trunk's forward twice: its rate counts the arithmetic the step does, not the step's.
        double flops = StepFlops(checkpoint);
        extras["srtrain_gflops"] = flops / srtrainSeconds / 1e9;
        if (referenceSeconds is { } r) extras["reference_gflops"] = flops / r / 1e9;
        if (bf16)
        {
            var layers = ConvLayers.RrdbNet();
            double bf16Convs = ConvLayers.StepSeconds(layers, Batch, bf16ChannelsLast: true);
            double fp32Convs = ConvLayers.StepSeconds(layers, Batch, bf16ChannelsLast: false);
            extras["bf16_conv_only_s"] = bf16Convs;
            extras["bf16_conv_only_gflops"] = flops / bf16Convs / 1e9;
            extras["fp32_conv_only_s"] = fp32Convs;
            extras["srtrain_conv_share"] = bf16Convs / srtrainSeconds;
            if (referenceSeconds is { } reference) extras["conv_only_ratio_bound"] = reference / bf16Convs;
            return extras;
        }
        double ceiling = ConvBenchmark.MeasureGflops();
        extras["winograd"] = Winograd ? 1 : 0;
        if (Winograd)
        {
            double winogradCeiling;
            using (ConvAlgorithm.UseWinograd()) winogradCeiling = ConvBenchmark.MeasureGflops();
            extras["winograd_ceiling_gflops"] = winogradCeiling;
            extras["srtrain_of_winograd_ceiling"] = flops / srtrainSeconds / 1e9 / winogradCeiling;
        }
        extras["conv_ceiling_gflops"] = ceiling;
        extras["srtrain_of_ceiling"] = flops / srtrainSeconds / 1e9 / ceiling;
        return extras;
    }

    /// <summary>Floating-point operations of the step's convolutions (2 per multiply-add): every conv's forward, its
    /// weight gradient, and its input gradient except the first conv's (the LQ batch needs none); with checkpointing
    /// the trunk's forward once more. Everything else (activations, L1, Adam) is a rounding error beside them.</summary>
    public static double StepFlops(bool checkpoint, int batch = Batch, int lqSize = GtSize / Scale, int feat = 64, int blocks = 23, int grow = 32)
    {
        var layers = ConvLayers.RrdbNet(lqSize, feat, blocks, grow);
        double trunkForward = ConvLayers.RrdbTrunk(layers).Sum(l => l.StepFlops(batch)) / 3;
        return layers.Sum(l => l.StepFlops(batch)) + (checkpoint ? trunkForward : 0);
    }

    private sealed class Workload : IWorkload
    {
        private readonly bool bf16, winograd;
        private readonly RrdbNet net;
        private readonly Adam adam;
        private readonly L1Loss loss = new();
        private readonly Tensor lq;
        private readonly Tensor gt;

        public Workload(bool checkpoint, bool bf16, bool winograd)
        {
            (this.bf16, this.winograd) = (bf16, winograd);
            LibTorch.ManualSeed(0);
            net = new RrdbNet(scale: Scale, useCheckpoint: checkpoint);
            bool channelsLast = bf16 && MemoryFormatChoice.ForThisMachine("auto", DeviceType.Cpu, "bf16", training: true).ChannelsLast;
            if (channelsLast) net.To(MemoryFormat.ChannelsLast);
            adam = new Adam(net.Parameters(), lr: 1e-4, beta1: 0.9, beta2: 0.99, fused: bf16);
            lq = Tensor.Rand([Batch, 3, GtSize / Scale, GtSize / Scale]).DetachFromDisposeScope();
            if (channelsLast) lq.SetData(lq.Contiguous(MemoryFormat.ChannelsLast).DetachFromDisposeScope());
            gt = Tensor.Rand([Batch, 3, GtSize, GtSize]).DetachFromDisposeScope();
        }

        public void Step()
        {
            using var scope = LibTorch.NewDisposeScope();
            using var algorithm = ConvAlgorithm.UseWinograd(winograd, Algorithm.MaxScratchpadBytes);
            adam.ZeroGrad();
            Tensor sr;
            if (bf16)
                using (LibTorch.Autocast()) sr = net.Forward(lq).To(DType.Float32);
            else
                sr = net.Forward(lq);
            loss.Forward(sr, gt).Backward();
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
