using SrTrain.Archs;
using SrTrain.Engine.Inference;
using SrTrain.Engine.Training;
using SrTrain.Torch;

namespace SrTrain.Bench;

/// <summary>Inference of a 256x256 LQ image through RRDBNet x4 (64 features, 23 blocks, ESRGAN's generator) in eval
/// mode without autograd, whole or in tiles of 128 LQ pixels with 10 pixels of context (Real-ESRGAN's tile_pad),
/// the way <c>srtrain infer --tile</c> runs it, in the memory format and convolution algorithm <c>srtrain infer</c> picks
/// (auto: NCHW through Winograd where oneDNN has its AVX-512 kernels, else channels_last where oneDNN has AVX-512) while
/// the twins run PyTorch's default NCHW on direct kernels. Python twins: <c>infer_rrdbnet</c>, <c>infer_rrdbnet_tiled</c>.</summary>
public sealed class InferRrdbNetBenchmark(bool tiled = false) : Benchmark
{
    /// <summary>LQ side, tile and tile pad of the tiled variant.</summary>
    public const int Size = 256, Tile = 128, TilePad = 10, Scale = 4;

    public override string Name => tiled ? "infer_rrdbnet_tiled" : "infer_rrdbnet";

    public override string Description => tiled
        ? $"RRDBNet x4 (64/23) inference, {Size}x{Size} LQ in {Tile}px tiles + {TilePad}px pad, fp32"
        : $"RRDBNet x4 (64/23) inference, one {Size}x{Size} LQ image, fp32";

    public override int Iterations => 1;
    public override int Warmup => 1;

    public override IWorkload Prepare() => new Workload(tiled);

    private sealed class Workload : IWorkload
    {
        private readonly bool tiled;
        private readonly RrdbNet net;
        private readonly InferenceSetup setup;
        private readonly Tensor lq;

        public Workload(bool tiled)
        {
            this.tiled = tiled;
            LibTorch.ManualSeed(0);
            net = new RrdbNet(numFeat: 64, numBlock: 23, scale: Scale);
            net.Eval();
            setup = InferenceSetup.Apply(net, Device.Cpu);
            lq = Tensor.Rand([1, 3, Size, Size]).DetachFromDisposeScope();
        }

        public void Step()
        {
            using var scope = LibTorch.NewDisposeScope();
            using var noGrad = LibTorch.NoGrad();
            Tensor Forward(Tensor x) => setup.Forward(net, x);
            if (tiled) TiledInference.Run(Forward, lq, Tile, TilePad, Scale);
            else Forward(lq);
        }

        public void Dispose()
        {
            net.Dispose();
            lq.Dispose();
        }
    }
}
