namespace SrTrain.Torch.Tests;

/// <summary>Parity of the pooling and padding ops with PyTorch 1.13, forward and gradients
/// (fixtures: tests/fixtures/ops/{avg_pool2d*,max_pool2d*,adaptive_avg_pool2d*,pad_*}.json;
/// regenerate with <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>).</summary>
public class FunctionalPoolPadTests
{
    [Fact] public void AvgPool2d() => FunctionalParity.Check("avg_pool2d", t => F.AvgPool2d(t("x"), 2));

    [Fact]
    public void AvgPool2dStridedPaddedCeilExcludingPad() =>
        FunctionalParity.Check("avg_pool2d_s2_p1_ceil_nopad", t => F.AvgPool2d(t("x"), 3, 2, 1, ceilMode: true, countIncludePad: false));

    [Fact] public void MaxPool2d() => FunctionalParity.Check("max_pool2d", t => F.MaxPool2d(t("x"), 2));

    [Fact]
    public void MaxPool2dStridedPaddedDilatedCeil() =>
        FunctionalParity.Check("max_pool2d_s2_p1_d2_ceil", t => F.MaxPool2d(t("x"), 3, 2, 1, dilation: 2, ceilMode: true));

    [Fact] public void AdaptiveAvgPool2d() => FunctionalParity.Check("adaptive_avg_pool2d", t => F.AdaptiveAvgPool2d(t("x"), (4, 3)));
    [Fact] public void AdaptiveAvgPool2dGlobal() => FunctionalParity.Check("adaptive_avg_pool2d_1", t => F.AdaptiveAvgPool2d(t("x"), (1, 1)));

    [Fact] public void PadConstantValue() => FunctionalParity.Check("pad_constant", t => F.Pad(t("x"), [1, 2, 0, 1], PaddingMode.Constant, 0.5));
    [Fact] public void PadConstantZero() => FunctionalParity.Check("pad_constant_zero", t => F.Pad(t("x"), [2, 0, 1, 1]));
    [Fact] public void PadReflect() => FunctionalParity.Check("pad_reflect", t => F.Pad(t("x"), [2, 1, 1, 2], PaddingMode.Reflect));
    [Fact] public void PadReplicate() => FunctionalParity.Check("pad_replicate", t => F.Pad(t("x"), [1, 2, 3, 0], PaddingMode.Replicate));
    [Fact] public void PadCircular() => FunctionalParity.Check("pad_circular", t => F.Pad(t("x"), [1, 1, 2, 1], PaddingMode.Circular));

    [Fact]
    public void PadRejectsAFillValueOutsideConstantMode()
    {
        using var scope = LibTorch.NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => F.Pad(Tensor.Zeros([1, 1, 3, 3]), [1, 1, 1, 1], PaddingMode.Reflect, 0.5));
        Assert.Contains("Reflect", ex.Message);
    }
}
