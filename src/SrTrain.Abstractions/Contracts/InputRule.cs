using SrTrain.Torch;

namespace SrTrain.Abstractions.Contracts;

/// <summary>The input sizes an arch accepts: height and width a multiple of <paramref name="Multiple"/>. Inference pads
/// another input at the bottom and right with <paramref name="Padding"/> and crops the output back (as Real-ESRGAN's
/// pre_process / post_process do for RRDBNet at scale 1 and 2).</summary>
public readonly record struct InputRule(int Multiple, PaddingMode Padding = PaddingMode.Reflect)
{
    /// <summary>Any height and width.</summary>
    public static InputRule AnySize => new(1);

    /// <summary>The rule <paramref name="net"/> states (<see cref="IStatesInputRule"/>), else <see cref="AnySize"/>.</summary>
    public static InputRule Of(Torch.Nn.Module net) => net is IStatesInputRule r ? r.InputRule : AnySize;
}

/// <summary>An arch that does not take any input size states its <see cref="Contracts.InputRule"/>; inference and tiling read
/// it instead of knowing the arch.</summary>
public interface IStatesInputRule
{
    /// <summary>The input sizes this instance (with its scale) accepts, and how to pad others.</summary>
    InputRule InputRule { get; }
}
