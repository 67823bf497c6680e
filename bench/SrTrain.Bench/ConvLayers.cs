using SrTrain.Torch;

namespace SrTrain.Bench;

/// <summary>One distinct 3x3 stride-1 convolution of a network's training step: its channels, the side of its square
/// input, how many layers of the network have this shape, and whether the step computes its input gradient (not for
/// the first layer: the LQ batch needs none).</summary>
public sealed record ConvLayer(int In, int Out, int Size, int Count, bool InputGradient = true)
{
    /// <summary>Floating-point operations (2 per multiply-add) of all <see cref="Count"/> layers in one step at
    /// <paramref name="batch"/> images: forward, weight gradient and, where taken, input gradient.</summary>
    public double StepFlops(int batch) => (InputGradient ? 3 : 2) * 2.0 * batch * Size * Size * In * Out * 9 * Count;
}

/// <summary>A training step's convolutions and nothing else: the time they alone take, each distinct shape timed
/// forward + backward through libtorch's conv2d and weighted by its count. Against a whole step's time it says how
/// much of the step is convolution, and against another framework's step, the most any step that still runs these
/// convolutions could gain (everything else taking no time).</summary>
public static class ConvLayers
{
    /// <summary>RRDBNet x4's convolutions (ESRGAN's generator: <paramref name="feat"/> features, <paramref name="blocks"/>
    /// RRDBs of three dense blocks, growth <paramref name="grow"/>), at LQ side <paramref name="lqSize"/>.</summary>
    public static IReadOnlyList<ConvLayer> RrdbNet(int lqSize = 32, int feat = 64, int blocks = 23, int grow = 32)
    {
        int dense = 3 * blocks;   // dense blocks in the trunk: each has 5 convolutions over a growing concatenation
        var layers = new List<ConvLayer> { new(3, feat, lqSize, 1, InputGradient: false) };             // conv_first
        for (int i = 0; i < 4; i++) layers.Add(new(feat + i * grow, grow, lqSize, dense));
        layers.Add(new(feat + 4 * grow, feat, lqSize, dense));
        layers.Add(new(feat, feat, lqSize, 1));                                                         // conv_body
        layers.Add(new(feat, feat, 2 * lqSize, 1));                                                     // conv_up1
        layers.Add(new(feat, feat, 4 * lqSize, 2));                                                     // conv_up2, conv_hr
        layers.Add(new(feat, 3, 4 * lqSize, 1));                                                        // conv_last
        return layers;
    }

    /// <summary>The trunk's layers of <see cref="RrdbNet"/> (the part gradient checkpointing runs forward twice).</summary>
    public static IEnumerable<ConvLayer> RrdbTrunk(IReadOnlyList<ConvLayer> rrdbNet) => rrdbNet.Skip(1).Take(5);

    /// <summary>Seconds one step's convolutions take (median of <paramref name="rounds"/> timings per shape after
    /// <paramref name="warmup"/> untimed ones): float32 NCHW through libtorch's direct convolution, or bfloat16
    /// channels_last, the tensors autocast hands a convolution under <c>precision: bf16</c>.</summary>
    public static double StepSeconds(IEnumerable<ConvLayer> layers, int batch, bool bf16ChannelsLast, int warmup = 2, int rounds = 5) =>
        layers.Sum(layer =>
        {
            using var workload = new LayerWorkload(layer, batch, bf16ChannelsLast);
            return layer.Count * BenchRunner.MedianSeconds(workload, warmup, iterations: 1, rounds);
        });

    private sealed class LayerWorkload : IWorkload
    {
        private readonly Tensor x, weight, bias, gradOutput;

        public LayerWorkload(ConvLayer layer, int batch, bool bf16ChannelsLast)
        {
            using var scope = LibTorch.NewDisposeScope();
            var dtype = bf16ChannelsLast ? DType.BFloat16 : DType.Float32;
            var format = bf16ChannelsLast ? MemoryFormat.ChannelsLast : MemoryFormat.Contiguous;
            Tensor Make(long[] shape, double scale) => (Tensor.Randn(shape) * scale).To(dtype).Contiguous(format);
            x = Make([batch, layer.In, layer.Size, layer.Size], 1).RequiresGrad_(layer.InputGradient).DetachFromDisposeScope();
            weight = Make([layer.Out, layer.In, 3, 3], 0.05).RequiresGrad_().DetachFromDisposeScope();
            bias = Tensor.Zeros([layer.Out]).To(dtype).RequiresGrad_().DetachFromDisposeScope();
            gradOutput = Make([batch, layer.Out, layer.Size, layer.Size], 1).DetachFromDisposeScope();
        }

        public void Step()
        {
            using var scope = LibTorch.NewDisposeScope();
            F.Conv2d(x, weight, bias, 1, 1).Backward(gradOutput);
            // Dropped, as zero_grad(set_to_none=True) does, so no timing pays for accumulating into the last one.
            x.Grad = null;
            weight.Grad = null;
            bias.Grad = null;
        }

        public void Dispose()
        {
            x.Dispose();
            weight.Dispose();
            bias.Dispose();
            gradOutput.Dispose();
        }
    }
}
