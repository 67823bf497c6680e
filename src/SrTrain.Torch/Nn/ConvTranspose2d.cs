namespace SrTrain.Torch.Nn;

/// <summary>Transposed 2-D convolution (PyTorch: nn.ConvTranspose2d); weight is (in, out/groups, k, k).</summary>
public sealed class ConvTranspose2d : Module
{
    public ConvTranspose2d(long inChannels, long outChannels, int kernelSize, int stride = 1, int padding = 0,
                           int outputPadding = 0, int groups = 1, bool bias = true, int dilation = 1, Device? device = null)
    {
        (Stride, Padding, OutputPadding, Groups, Dilation) = (stride, padding, outputPadding, groups, dilation);
        Weight = RegisterParameter("weight", Tensor.Empty([inChannels, outChannels / groups, kernelSize, kernelSize], device: device));
        Bias = bias ? RegisterParameter("bias", Tensor.Empty([outChannels], device: device)) : null;
        Init.DefaultLayerInit(Weight, Bias);
    }

    public int Stride { get; }
    public int Padding { get; }
    public int OutputPadding { get; }
    public int Groups { get; }
    public int Dilation { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) =>
        F.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, Groups, Dilation);
}
