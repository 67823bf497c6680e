namespace SrTrain.Torch.Nn;

/// <summary>max(0, x) (PyTorch: nn.ReLU).</summary>
public sealed class ReLU(bool inplace = false) : Module
{
    public override Tensor Forward(Tensor input) => inplace ? F.Relu_(input) : F.Relu(input);
}

/// <summary>x for x &gt; 0, slope * x otherwise (PyTorch: nn.LeakyReLU).</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01, bool inplace = false) : Module
{
    public double NegativeSlope { get; } = negativeSlope;

    public override Tensor Forward(Tensor input) =>
        inplace ? F.LeakyRelu_(input, NegativeSlope) : F.LeakyRelu(input, NegativeSlope);
}

/// <summary>LeakyReLU with a learnt slope per channel (or one shared), initialised to 0.25 (PyTorch: nn.PReLU).</summary>
public sealed class PReLU : Module
{
    public PReLU(long numParameters = 1, double init = 0.25, Device? device = null) =>
        Weight = RegisterParameter("weight", Tensor.Full([numParameters], init, device: device));

    public Tensor Weight { get; }

    public override Tensor Forward(Tensor input) => F.PRelu(input, Weight);
}

/// <summary>Logistic sigmoid (PyTorch: nn.Sigmoid).</summary>
public sealed class Sigmoid : Module
{
    public override Tensor Forward(Tensor input) => F.Sigmoid(input);
}

/// <summary>Hyperbolic tangent (PyTorch: nn.Tanh).</summary>
public sealed class Tanh : Module
{
    public override Tensor Forward(Tensor input) => F.Tanh(input);
}

/// <summary>Returns its input (PyTorch: nn.Identity); a new handle, so scopes own it like any result.</summary>
public sealed class Identity : Module
{
    public override Tensor Forward(Tensor input) => input.Alias();
}

/// <summary>Sub-pixel rearrangement (PyTorch: nn.PixelShuffle).</summary>
public sealed class PixelShuffle(int upscaleFactor) : Module
{
    public int UpscaleFactor { get; } = upscaleFactor;

    public override Tensor Forward(Tensor input) => F.PixelShuffle(input, UpscaleFactor);
}

/// <summary>Inverse of <see cref="PixelShuffle"/> (PyTorch: nn.PixelUnshuffle).</summary>
public sealed class PixelUnshuffle(int downscaleFactor) : Module
{
    public int DownscaleFactor { get; } = downscaleFactor;

    public override Tensor Forward(Tensor input) => F.PixelUnshuffle(input, DownscaleFactor);
}

/// <summary>Resizes by a scale factor (PyTorch: nn.Upsample(scale_factor=..., mode=...)).</summary>
public sealed class Upsample(double scaleFactor, InterpolationMode mode = InterpolationMode.Nearest, bool alignCorners = false) : Module
{
    public double ScaleFactor { get; } = scaleFactor;
    public InterpolationMode Mode { get; } = mode;

    public override Tensor Forward(Tensor input) => F.Interpolate(input, ScaleFactor, Mode, alignCorners);
}
