using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Export.Runtime;

/// <summary>One comparison of ONNX Runtime against SrTrain's own forward on the same input.</summary>
public sealed record VerificationResult(string Input, long[] Shape, double MaxAbsError)
{
    public override string ToString() => $"{Input} [{string.Join("x", Shape)}]: max abs error {MaxAbsError:E2}";
}

/// <summary>Runs an exported file and the network it came from on the same inputs and reports the largest
/// absolute difference of their outputs (the acceptance figure of `srtrain export --verify`).</summary>
public static class OnnxVerification
{
    /// <summary>The tolerance the exporter promises: 1e-4 in float32, 1e-2 in float16.</summary>
    public static double Tolerance(bool fp16) => fp16 ? 1e-2 : 1e-4;

    /// <summary>max |ORT(x) - net(x)| for one NCHW input in [0, 1].</summary>
    public static VerificationResult Compare(Module net, OnnxModel model, Tensor x, string label)
    {
        using var scope = LibTorch.NewDisposeScope();
        using var noGrad = LibTorch.NoGrad();
        net.Eval();
        var device = net.Parameters().FirstOrDefault()?.Device ?? Device.Cpu;
        var expected = net.Forward(x.To(device)).To(Device.Cpu);
        var actual = model.Run(x.To(Device.Cpu));
        if (!expected.Shape.SequenceEqual(actual.Shape))
            throw new InvalidDataException($"{model.Path}: ONNX Runtime made [{string.Join(", ", actual.Shape)}], SrTrain [{string.Join(", ", expected.Shape)}] from {label}");
        double err = (expected - actual).Abs().Max().ToSingle();
        return new VerificationResult(label, x.Shape.ToArray(), err);
    }

    /// <summary>Random inputs at two sizes from the one file: 1 image of 32x32, then a batch of 2 at an odd size (for
    /// RRDBNet x1/x2 an odd number of unshuffle blocks), so batch, height and width all vary.</summary>
    public static IReadOnlyList<VerificationResult> CompareRandom(Module net, OnnxModel model, long channels, int multiple)
    {
        var sizes = multiple == 1 ? new (long, long)[] { (32, 32), (27, 19) } : [(8L * multiple, 8L * multiple), (7L * multiple, 5L * multiple)];
        var results = new List<VerificationResult>();
        long batch = 1;
        foreach (var (h, w) in sizes)
        {
            using var scope = LibTorch.NewDisposeScope();
            results.Add(Compare(net, model, Tensor.Rand([batch, channels, h, w]), $"random {h}x{w}"));
            batch++;
        }
        return results;
    }
}
