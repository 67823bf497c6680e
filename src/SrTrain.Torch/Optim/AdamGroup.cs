using System.Collections;

namespace SrTrain.Torch.Optim;

/// <summary>A parameter group of <see cref="Adam"/> / <see cref="AdamW"/> with its own
/// hyper-parameters (PyTorch: a param_groups entry with lr, betas, eps, weight_decay, amsgrad, maximize, fused).</summary>
public sealed class AdamGroup : ParamGroup
{
    public AdamGroup(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
                     double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false,
                     bool fused = false)
        : base(parameters, lr)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        Amsgrad = amsgrad;
        Maximize = maximize;
        Fused = fused;
        Validate();
    }

    /// <summary>Decay of the running mean of gradients (PyTorch: betas[0]).</summary>
    public double Beta1 { get; set; }

    /// <summary>Decay of the running mean of squared gradients (PyTorch: betas[1]).</summary>
    public double Beta2 { get; set; }

    /// <summary>Added to the denominator for numerical stability.</summary>
    public double Eps { get; set; }

    /// <summary>L2 penalty added to the gradient (Adam) or decoupled weight decay (AdamW).</summary>
    public double WeightDecay { get; set; }

    /// <summary>Normalise by the running maximum of the second moment (Reddi et al., 2018).</summary>
    public bool Amsgrad { get; set; }

    /// <summary>Maximise the objective instead of minimising it.</summary>
    public bool Maximize { get; set; }

    /// <summary>Update each float32 CPU parameter in one pass over its memory (PyTorch 2.x: fused=True) instead of
    /// torch's op-by-op update (seven passes). The results agree with torch's to a few ulp per step, not bit for bit
    /// (whether a multiply-add rounds once or twice differs between the two); parameters the pass cannot take (other
    /// dtypes, other devices, state laid out unlike the parameter) keep the op-by-op update.</summary>
    public bool Fused { get; set; }

    internal override void Validate()
    {
        if (!(Eps >= 0)) throw new ArgumentOutOfRangeException(nameof(Eps), Eps, "Adam eps must be >= 0");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "Adam betas[0] must be in [0, 1)");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "Adam betas[1] must be in [0, 1)");
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "Adam weight_decay must be >= 0");
    }

    internal override void WriteHyperParameters(Dictionary<string, object?> group)
    {
        group["betas"] = new List<object?> { Beta1, Beta2 };
        group["eps"] = Eps;
        group["weight_decay"] = WeightDecay;
        group["amsgrad"] = Amsgrad;
        group["maximize"] = Maximize;
        // torch 1.13's remaining keys, so torch.optim.Adam(W).load_state_dict takes this dict as is.
        group["foreach"] = null;
        group["capturable"] = false;
        group["differentiable"] = false;
        group["fused"] = Fused; // what ran; on resume the option file's choice stands (not read back)
    }

    internal override void ReadHyperParameters(IDictionary group, string path)
    {
        if (StateTree.Has(group, "betas"))
        {
            var betas = StateTree.AsDoubles(group["betas"], StateTree.Join(path, "betas"));
            if (betas.Count != 2) throw new InvalidDataException($"state dict entry '{StateTree.Join(path, "betas")}' should hold 2 numbers, found {betas.Count}");
            (Beta1, Beta2) = (betas[0], betas[1]);
        }
        if (StateTree.Has(group, "eps")) Eps = StateTree.AsDouble(group["eps"], StateTree.Join(path, "eps"));
        if (StateTree.Has(group, "weight_decay")) WeightDecay = StateTree.AsDouble(group["weight_decay"], StateTree.Join(path, "weight_decay"));
        if (StateTree.Has(group, "amsgrad")) Amsgrad = StateTree.AsBool(group["amsgrad"], StateTree.Join(path, "amsgrad"));
        if (StateTree.Has(group, "maximize")) Maximize = StateTree.AsBool(group["maximize"], StateTree.Join(path, "maximize"));
    }
}
