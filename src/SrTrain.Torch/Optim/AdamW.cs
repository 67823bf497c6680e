namespace SrTrain.Torch.Optim;

/// <summary>AdamW (Loshchilov &amp; Hutter, 2019): Adam with weight decay applied to the weights
/// (p *= 1 - lr * weight_decay) instead of the gradient; matches torch.optim.AdamW of torch 1.13
/// (foreach=False) bit for bit. Note torch's default weight_decay here is 1e-2, not 0; an
/// <see cref="AdamGroup"/> built by hand defaults to 0.</summary>
public sealed class AdamW : AdamBase
{
    /// <summary>One parameter group with torch's defaults.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
                 double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false, bool fused = false)
        : this([new AdamGroup(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize, fused)]) { }

    /// <summary>Several parameter groups, each with its own hyper-parameters.</summary>
    public AdamW(IEnumerable<AdamGroup> groups) : base(groups, decoupledWeightDecay: true) { }
}
