namespace SrTrain.Torch.Nn;

/// <summary>2-D convolution (PyTorch: nn.Conv2d), PyTorch's default initialisation.</summary>
public sealed class Conv2d : Module
{
    public Conv2d(long inChannels, long outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
                  int groups = 1, bool bias = true, Device? device = null)
    {
        // A zero or negative size from an option (num_feat: 0) would fail at the first forward with libtorch's message.
        if (inChannels < 1 || outChannels < 1 || groups < 1 || kernelSize < 1 || stride < 1 || dilation < 1 || padding < 0)
            throw new ArgumentException($"Conv2d: channels ({inChannels} in, {outChannels} out), groups ({groups}), kernel size ({kernelSize}), " +
                                        $"stride ({stride}) and dilation ({dilation}) must be >= 1 and padding ({padding}) >= 0");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d: in ({inChannels}) and out ({outChannels}) channels must be divisible by groups ({groups})");
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups) =
            (inChannels, outChannels, kernelSize, stride, padding, dilation, groups);
        Weight = RegisterParameter("weight", Tensor.Empty([outChannels, inChannels / groups, kernelSize, kernelSize], device: device));
        Bias = bias ? RegisterParameter("bias", Tensor.Empty([outChannels], device: device)) : null;
        Init.DefaultLayerInit(Weight, Bias);
    }

    public long InChannels { get; }
    public long OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int Dilation { get; }
    public int Groups { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => F.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
}
