namespace SrTrain.Torch.Optim;

/// <summary>Adam (Kingma &amp; Ba, 2015) with optional L2 weight decay added to the gradient and
/// AMSGrad; matches torch.optim.Adam of torch 1.13 (foreach=False) step for step, bit for bit.</summary>
public sealed class Adam : AdamBase
{
    /// <summary>One parameter group with torch's defaults.</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
                double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false, bool fused = false)
        : this([new AdamGroup(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize, fused)]) { }

    /// <summary>Several parameter groups, each with its own hyper-parameters.</summary>
    public Adam(IEnumerable<AdamGroup> groups) : base(groups, decoupledWeightDecay: false) { }
}
