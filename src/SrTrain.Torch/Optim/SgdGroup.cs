using System.Collections;

namespace SrTrain.Torch.Optim;

/// <summary>A parameter group of <see cref="Sgd"/> with its own hyper-parameters (PyTorch: a
/// param_groups entry with lr, momentum, dampening, weight_decay, nesterov, maximize).</summary>
public sealed class SgdGroup : ParamGroup
{
    public SgdGroup(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
                    double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(parameters, lr)
    {
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        Maximize = maximize;
        Validate();
    }

    /// <summary>Momentum factor (0: plain SGD, no buffer).</summary>
    public double Momentum { get; set; }

    /// <summary>Dampening of the gradient's contribution to the momentum buffer.</summary>
    public double Dampening { get; set; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; set; }

    /// <summary>Nesterov momentum (Sutskever et al., 2013), torch's formulation.</summary>
    public bool Nesterov { get; set; }

    /// <summary>Maximise the objective instead of minimising it.</summary>
    public bool Maximize { get; set; }

    internal override void Validate()
    {
        if (!(Momentum >= 0)) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "SGD momentum must be >= 0");
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "SGD weight_decay must be >= 0");
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
            throw new ArgumentException($"SGD nesterov needs momentum > 0 and dampening = 0 (momentum {Momentum}, dampening {Dampening})");
    }

    internal override void WriteHyperParameters(Dictionary<string, object?> group)
    {
        group["momentum"] = Momentum;
        group["dampening"] = Dampening;
        group["weight_decay"] = WeightDecay;
        group["nesterov"] = Nesterov;
        group["maximize"] = Maximize;
        // torch 1.13's remaining keys, so torch.optim.SGD.load_state_dict takes this dict as is.
        group["foreach"] = null;
        group["differentiable"] = false;
    }

    internal override void ReadHyperParameters(IDictionary group, string path)
    {
        if (StateTree.Has(group, "momentum")) Momentum = StateTree.AsDouble(group["momentum"], StateTree.Join(path, "momentum"));
        if (StateTree.Has(group, "dampening")) Dampening = StateTree.AsDouble(group["dampening"], StateTree.Join(path, "dampening"));
        if (StateTree.Has(group, "weight_decay")) WeightDecay = StateTree.AsDouble(group["weight_decay"], StateTree.Join(path, "weight_decay"));
        if (StateTree.Has(group, "nesterov")) Nesterov = StateTree.AsBool(group["nesterov"], StateTree.Join(path, "nesterov"));
        if (StateTree.Has(group, "maximize")) Maximize = StateTree.AsBool(group["maximize"], StateTree.Join(path, "maximize"));
    }
}
