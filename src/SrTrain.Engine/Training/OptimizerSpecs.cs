using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Optim;

namespace SrTrain.Engine.Training;

/// <summary>An optimizer section (<c>optim_g: {type: Adam, lr: 1e-4, betas: [0.9, 0.99]}</c>) bound to
/// its keys; <see cref="Create"/> builds the optimizer over a network's parameters.</summary>
public interface IOptimizerSpec
{
    Optimizer Create(IEnumerable<Tensor> parameters);
}

/// <summary>torch.optim.Adam's options. <c>fused: true</c> updates each float32 CPU parameter in one pass over its
/// memory, within a few ulp of torch's op-by-op update (the default, <c>false</c>, reproduces it bit for bit).</summary>
[Optimizer("Adam")]
public sealed record AdamSpec(double Lr = 1e-3, double[]? Betas = null, double Eps = 1e-8, double WeightDecay = 0, bool Amsgrad = false,
                              bool Fused = false)
    : IOptimizerSpec
{
    public Optimizer Create(IEnumerable<Tensor> parameters)
    {
        var (b1, b2) = SpecHelpers.Betas(Betas);
        return new Adam([new AdamGroup(parameters, Lr, b1, b2, Eps, WeightDecay, Amsgrad, fused: Fused)]);
    }
}

/// <summary>torch.optim.AdamW's options (decoupled weight decay, default 0.01); <c>fused</c> as for Adam.</summary>
[Optimizer("AdamW")]
public sealed record AdamWSpec(double Lr = 1e-3, double[]? Betas = null, double Eps = 1e-8, double WeightDecay = 1e-2, bool Amsgrad = false,
                               bool Fused = false)
    : IOptimizerSpec
{
    public Optimizer Create(IEnumerable<Tensor> parameters)
    {
        var (b1, b2) = SpecHelpers.Betas(Betas);
        return new AdamW([new AdamGroup(parameters, Lr, b1, b2, Eps, WeightDecay, Amsgrad, fused: Fused)]);
    }
}

/// <summary>torch.optim.SGD's options.</summary>
[Optimizer("SGD")]
public sealed record SgdSpec(double Lr, double Momentum = 0, double Dampening = 0, double WeightDecay = 0, bool Nesterov = false)
    : IOptimizerSpec
{
    public Optimizer Create(IEnumerable<Tensor> parameters) => new Sgd(parameters, Lr, Momentum, Dampening, WeightDecay, Nesterov);
}

internal static class SpecHelpers
{
    public static (double, double) Betas(double[]? betas) => betas switch
    {
        null => (0.9, 0.999),
        [var b1, var b2] => (b1, b2),
        _ => throw new OptionException($"betas must be two numbers, got [{string.Join(", ", betas)}]"),
    };
}
