namespace SrTrain.Torch.Tests;

/// <summary>Parity of F.Conv2d, F.ConvTranspose2d and F.Linear with PyTorch 1.13, forward and
/// gradients (fixtures: tests/fixtures/ops/conv*.json, linear*.json; regenerate with
/// <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>).</summary>
public class FunctionalConvTests
{
    [Fact]
    public void Conv2dWithBiasAndPadding() =>
        FunctionalParity.Check("conv2d_basic", t => F.Conv2d(t("x"), t("w"), t("b"), padding: 1));

    [Fact]
    public void Conv2dWithStridePaddingDilation() =>
        FunctionalParity.Check("conv2d_stride_pad_dilation", t => F.Conv2d(t("x"), t("w"), t("b"), stride: 2, padding: 2, dilation: 2));

    [Fact]
    public void Conv2dGroupedWithoutBias() =>
        FunctionalParity.Check("conv2d_groups_nobias", t => F.Conv2d(t("x"), t("w"), null, padding: 1, groups: 2));

    [Fact]
    public void Conv2dWithPerAxisStridePaddingDilation() =>
        FunctionalParity.Check("conv2d_rect", t => F.Conv2d(t("x"), t("w"), t("b"), stride: (1, 2), padding: (0, 1), dilation: (2, 1)));

    [Fact]
    public void ConvTranspose2dWithStrideAndOutputPadding() =>
        FunctionalParity.Check("conv_transpose2d", t => F.ConvTranspose2d(t("x"), t("w"), t("b"), stride: 2, padding: 1, outputPadding: 1));

    [Fact]
    public void ConvTranspose2dGroupedDilatedWithoutBias() =>
        FunctionalParity.Check("conv_transpose2d_groups_dilation", t => F.ConvTranspose2d(t("x"), t("w"), null, groups: 2, dilation: 2));

    [Fact]
    public void LinearWithBias() => FunctionalParity.Check("linear", t => F.Linear(t("x"), t("w"), t("b")));

    [Fact]
    public void LinearOnBatchedInputWithoutBias() => FunctionalParity.Check("linear_3d_nobias", t => F.Linear(t("x"), t("w")));
}
