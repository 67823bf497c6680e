using SrTrain.Abstractions.Contracts;
using SrTrain.Losses;

namespace SrTrain.Losses.Tests;

/// <summary>Runs a pixel loss on tests/fixtures/losses/pixel.json (made by tests/fixtures/make_losses.py;
/// regenerate with <c>/usr/bin/python3 tests/fixtures/make_losses.py</c>) and compares value and gradient.</summary>
internal static class PixelLossParity
{
    private static readonly Lazy<TensorFixture> Data = new(() => TensorFixture.Load("losses/pixel.json"));

    public static IEnumerable<object[]> Cases() =>
        from lw in new[] { 1.0, 0.5 }
        from reduction in new[] { "mean", "sum", "none" }
        from weight in new[] { "none", "w1", "wc" }
        select new object[] { lw, reduction, weight };

    public static Reduction ParseReduction(string r) => r switch { "mean" => Reduction.Mean, "sum" => Reduction.Sum, _ => Reduction.None };

    public static void Check(IPixelLoss loss, string tag, string reduction, string weight)
    {
        using var scope = LibTorch.NewDisposeScope();
        var d = Data.Value;
        var pred = d["pred"].Clone().RequiresGrad_();
        var value = loss.Forward(pred, d["target"], weight == "none" ? null : d[weight]);
        if (reduction == "none") value.Backward(d["upstream"]);
        else value.Backward();
        TensorAssert.Close(d[tag + "_value"], value, Tolerance.Layer, what: tag + " value");
        TensorAssert.Close(d[tag + "_grad"], pred.Grad!, Tolerance.Layer, what: tag + " gradient");
    }
}
