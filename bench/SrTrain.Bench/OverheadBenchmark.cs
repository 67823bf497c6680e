using SrTrain.Torch;

namespace SrTrain.Bench;

/// <summary>Per-call cost of a tiny op: adding two one-element tensors and freeing the result, i.e.
/// the binding's fixed cost per op (P/Invoke, handle, dispose) against Python's. Python twin: <c>overhead</c>.</summary>
public sealed class OverheadBenchmark : Benchmark
{
    private const int CallsPerStep = 1000;

    public override string Name => "overhead";
    public override string Description => $"add of two 1-element tensors, result freed ({CallsPerStep} calls per step)";
    public override int Iterations => 200;
    public override int Warmup => 20;

    public override IWorkload Prepare() => new Workload();

    public override IReadOnlyDictionary<string, double> Extras(double srtrainSeconds, double? referenceSeconds)
    {
        var extras = new Dictionary<string, double> { ["srtrain_ns_per_call"] = srtrainSeconds / CallsPerStep * 1e9 };
        if (referenceSeconds is { } r) extras["reference_ns_per_call"] = r / CallsPerStep * 1e9;
        return extras;
    }

    private sealed class Workload : IWorkload
    {
        private readonly Tensor a = Tensor.Ones([1]).DetachFromDisposeScope();
        private readonly Tensor b = Tensor.Ones([1]).DetachFromDisposeScope();

        public void Step()
        {
            for (int i = 0; i < CallsPerStep; i++)
            {
                var c = a + b;
                c.Dispose();
            }
        }

        public void Dispose()
        {
            a.Dispose();
            b.Dispose();
        }
    }
}
