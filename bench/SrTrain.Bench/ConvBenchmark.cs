using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Bench;

/// <summary>conv2d 64->64, 3x3, padding 1 on a (16, 64, 32, 32) batch, forward and backward (gradients
/// of input, weight and bias), the core of every SR network's step. Python twin: <c>conv</c>.</summary>
public sealed class ConvBenchmark : Benchmark
{
    private const int Batch = 16, Channels = 64, Size = 32, Kernel = 3;

    public override string Name => "conv";
    public override string Description => "conv2d 64->64 3x3 pad 1, (16,64,32,32), forward+backward";
    public override int Iterations => 10;

    /// <summary>Multiply-adds x 2 of the forward; backward computes two such products (input and weight gradients).</summary>
    private static double StepFlops => 3.0 * 2 * Batch * Channels * Size * Size * Channels * Kernel * Kernel;

    public override IWorkload Prepare() => new Workload();

    /// <summary>This conv's forward+backward rate on SrTrain's side, timed here and now (median of 5 rounds of 10
    /// steps after 3 untimed ones): the ceiling a whole network's step is measured against.</summary>
    public static double MeasureGflops()
    {
        using var workload = new Workload();
        return StepFlops / BenchRunner.MedianSeconds(workload, warmup: 3, iterations: 10, rounds: 5) / 1e9;
    }

    public override IReadOnlyDictionary<string, double> Extras(double srtrainSeconds, double? referenceSeconds)
    {
        var extras = new Dictionary<string, double> { ["srtrain_gflops"] = StepFlops / srtrainSeconds / 1e9 };
        if (referenceSeconds is { } r) extras["reference_gflops"] = StepFlops / r / 1e9;
        return extras;
    }

    private sealed class Workload : IWorkload
    {
        private readonly Conv2d conv = new(Channels, Channels, Kernel, padding: 1);
        private readonly Tensor x = Tensor.Randn([Batch, Channels, Size, Size]).RequiresGrad_().DetachFromDisposeScope();
        private readonly Tensor gradOutput = Tensor.Randn([Batch, Channels, Size, Size]).DetachFromDisposeScope();

        public void Step()
        {
            using var scope = LibTorch.NewDisposeScope();
            conv.Forward(x).Backward(gradOutput);
            // Drop the gradients, as zero_grad(set_to_none=True) does, so no step pays for accumulation.
            conv.ZeroGrad();
            x.Grad = null;
        }

        public void Dispose()
        {
            conv.Dispose();
            x.Dispose();
            gradOutput.Dispose();
        }
    }
}
