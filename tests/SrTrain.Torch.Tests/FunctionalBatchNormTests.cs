namespace SrTrain.Torch.Tests;

/// <summary>Parity of F.BatchNorm with PyTorch 1.13 in training mode (batch statistics, running-stat
/// update with momentum) and eval mode, forward and gradients (fixtures:
/// tests/fixtures/ops/batch_norm_*.json; regenerate with <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>).</summary>
public class FunctionalBatchNormTests
{
    [Theory]
    [InlineData("batch_norm_train", true, 0.1, true)]
    [InlineData("batch_norm_train_noaffine", true, 0.3, false)]
    [InlineData("batch_norm_eval", false, 0.1, true)]
    public void MatchesPyTorchIncludingRunningStats(string name, bool training, double momentum, bool affine)
    {
        using var fixture = TensorFixture.Load($"ops/{name}.json");
        using var scope = LibTorch.NewDisposeScope();
        var runningMean = fixture["rm"].Clone();
        var runningVar = fixture["rv"].Clone();
        FunctionalParity.Check(name, t => F.BatchNorm(t("x"), runningMean, runningVar, affine ? t("w") : null, affine ? t("b") : null,
                                                      training, momentum, eps: 1e-5));
        // Training updates the running statistics in place (unbiased variance); eval leaves them.
        TensorAssert.Close(fixture["rm_after"], runningMean, what: "running_mean");
        TensorAssert.Close(fixture["rv_after"], runningVar, what: "running_var");
    }
}
