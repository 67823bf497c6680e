namespace SrTrain.Torch.Tests;

/// <summary>Parity of the activation ops with PyTorch 1.13, forward and gradients (fixtures:
/// tests/fixtures/ops/{relu,leaky_relu,prelu*,sigmoid,tanh,gelu*,softplus*,softmax,log_softmax}.json;
/// regenerate with <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>).</summary>
public class FunctionalActivationTests
{
    [Fact] public void Relu() => FunctionalParity.Check("relu", t => F.Relu(t("x")));
    [Fact] public void LeakyRelu() => FunctionalParity.Check("leaky_relu", t => F.LeakyRelu(t("x"), 0.2));
    [Fact] public void PReluPerChannel() => FunctionalParity.Check("prelu", t => F.PRelu(t("x"), t("w")));
    [Fact] public void PReluShared() => FunctionalParity.Check("prelu_shared", t => F.PRelu(t("x"), t("w")));
    [Fact] public void Sigmoid() => FunctionalParity.Check("sigmoid", t => F.Sigmoid(t("x")));
    [Fact] public void Tanh() => FunctionalParity.Check("tanh", t => F.Tanh(t("x")));
    [Fact] public void Gelu() => FunctionalParity.Check("gelu", t => F.Gelu(t("x")));
    [Fact] public void GeluTanhApproximation() => FunctionalParity.Check("gelu_tanh", t => F.Gelu(t("x"), tanhApproximation: true));
    [Fact] public void Softplus() => FunctionalParity.Check("softplus", t => F.Softplus(t("x")));
    [Fact] public void SoftplusWithBetaAndThreshold() => FunctionalParity.Check("softplus_beta_threshold", t => F.Softplus(t("x"), beta: 2, threshold: 3));
    [Fact] public void Softmax() => FunctionalParity.Check("softmax", t => F.Softmax(t("x"), 1));
    [Fact] public void LogSoftmax() => FunctionalParity.Check("log_softmax", t => F.LogSoftmax(t("x"), -1));

    // The in-place forms must give the out-of-place values and gradients when applied to a
    // non-leaf (as an arch does after a conv).
    [Fact] public void ReluInPlace() => FunctionalParity.Check("relu", t => F.Relu_(t("x") * 1.0));
    [Fact] public void LeakyReluInPlace() => FunctionalParity.Check("leaky_relu", t => F.LeakyRelu_(t("x") * 1.0, 0.2));
}
