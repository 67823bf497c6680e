using SrTrain.Archs;
using SrTrain.Losses;
using SrTrain.Torch;
using SrTrain.Torch.Nn;
using SrTrain.Torch.Optim;

namespace SrTrain.Bench;

/// <summary>One SRModel training step of MSRResNet x4 (64 features, 16 blocks) on a batch of 4 LQ
/// patches of 24x24: forward, L1 loss, backward, Adam step — the PSNR-stage inner loop. The variants
/// run SrTrain's engine settings (memory_format: channels_last; precision: bf16) while the Python twin
/// stays the plain fp32 NCHW step BasicSR runs, so the ratio is what a user gains by switching. bf16 only
/// pays on CPUs with AVX512-BF16/AMX; elsewhere libtorch emulates it and it is several times slower.
/// Python twins: <c>train_step</c>, <c>train_step_cl</c>, <c>train_step_bf16</c> (all fp32 NCHW).</summary>
public sealed class TrainStepBenchmark(bool channelsLast = false, bool bf16 = false) : Benchmark
{
    private const int Batch = 4, LqSize = 24, Scale = 4;

    /// <summary>bf16 where oneDNN has no bf16 convolution (AVX-512 capped below it by DNNL_MAX_CPU_ISA) fails as training does.</summary>
    public override string? Unavailable => bf16 ? Bf16Availability.Unavailable : null;

    public override string Name => bf16 ? "train_step_bf16" : channelsLast ? "train_step_cl" : "train_step";

    public override string Description => bf16
        ? "MSRResNet x4 train step, SrTrain bf16 autocast + channels_last vs PyTorch fp32"
        : channelsLast
            ? "MSRResNet x4 train step, SrTrain channels_last vs PyTorch fp32 NCHW"
            : "MSRResNet x4 train step (fwd, L1, bwd, Adam), batch 4 of 24x24 LQ, fp32 both sides";

    public override int Iterations => 3;
    public override int Warmup => 2;

    public override IWorkload Prepare() => new Workload(channelsLast || bf16, bf16);

    private sealed class Workload : IWorkload
    {
        private readonly bool bf16;
        private readonly MsrResNet net;
        private readonly Adam adam;
        private readonly L1Loss loss = new();
        private readonly Tensor lq;
        private readonly Tensor gt;

        public Workload(bool channelsLast, bool bf16)
        {
            this.bf16 = bf16;
            LibTorch.ManualSeed(0);
            net = new MsrResNet(numFeat: 64, numBlock: 16, upscale: Scale);
            if (channelsLast) net.To(MemoryFormat.ChannelsLast);
            adam = new Adam(net.Parameters(), lr: 2e-4, beta1: 0.9, beta2: 0.99);
            lq = Tensor.Rand([Batch, 3, LqSize, LqSize]).DetachFromDisposeScope();
            if (channelsLast) lq.SetData(lq.Contiguous(MemoryFormat.ChannelsLast).DetachFromDisposeScope());
            gt = Tensor.Rand([Batch, 3, LqSize * Scale, LqSize * Scale]).DetachFromDisposeScope();
        }

        public void Step()
        {
            using var scope = LibTorch.NewDisposeScope();
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
