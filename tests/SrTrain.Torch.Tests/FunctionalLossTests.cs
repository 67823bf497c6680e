namespace SrTrain.Torch.Tests;

/// <summary>Parity of the losses with PyTorch 1.13 for every reduction, forward and gradients with
/// respect to both input and target (fixtures: tests/fixtures/ops/{l1,mse,smooth_l1,bce_with_logits}*.json;
/// regenerate with <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>).</summary>
public class FunctionalLossTests
{
    public static TheoryData<Reduction> Reductions() => new() { Reduction.None, Reduction.Mean, Reduction.Sum };

    private static string Suffix(Reduction r) => r.ToString().ToLowerInvariant();

    [Theory, MemberData(nameof(Reductions))]
    public void L1Loss(Reduction r) => FunctionalParity.Check($"l1_loss_{Suffix(r)}", t => F.L1Loss(t("x"), t("t"), r));

    [Theory, MemberData(nameof(Reductions))]
    public void MseLoss(Reduction r) => FunctionalParity.Check($"mse_loss_{Suffix(r)}", t => F.MseLoss(t("x"), t("t"), r));

    [Theory, MemberData(nameof(Reductions))]
    public void SmoothL1Loss(Reduction r) => FunctionalParity.Check($"smooth_l1_loss_{Suffix(r)}", t => F.SmoothL1Loss(t("x"), t("t"), r));

    [Theory, MemberData(nameof(Reductions))]
    public void SmoothL1LossWithBeta(Reduction r) =>
        FunctionalParity.Check($"smooth_l1_loss_beta_{Suffix(r)}", t => F.SmoothL1Loss(t("x"), t("t"), r, beta: 0.5));

    [Theory, MemberData(nameof(Reductions))]
    public void BceWithLogits(Reduction r) =>
        FunctionalParity.Check($"bce_with_logits_{Suffix(r)}", t => F.BinaryCrossEntropyWithLogits(t("x"), t("t"), reduction: r));

    [Theory, MemberData(nameof(Reductions))]
    public void BceWithLogitsWeightAndPosWeight(Reduction r) =>
        FunctionalParity.Check($"bce_with_logits_weighted_{Suffix(r)}",
            t => F.BinaryCrossEntropyWithLogits(t("x"), t("t"), t("w"), t("pw"), r));
}
