using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs;

/// <summary>SRCNN (Dong et al., 2014), the 9-1-5 network: patch extraction (9x9), non-linear mapping (1x1),
/// reconstruction (5x5), ReLU between, "same" padding so the output keeps the input's size. Like the
/// paper it works on a bicubic-upsampled image; the upsampling is done inside (PyTorch bicubic, a = -0.75,
/// not MATLAB's imresize), so it takes the LR image like every other arch. <c>upscale: 1</c> takes an
/// already upsampled input. Not in BasicSR; options: num_in_ch, num_out_ch, num_feat1 (n1 = 64),
/// num_feat2 (n2 = 32), upscale. Keys <c>conv1.*</c>, <c>conv2.*</c>, <c>conv3.*</c>.</summary>
[Arch("SRCNN")]
[ScaleOption("upscale", 1, 2, 3, 4)]
public sealed class Srcnn : Module, IMultiScaleNetwork
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;

    public Srcnn(int numInCh = 3, int numOutCh = 3, int numFeat1 = 64, int numFeat2 = 32, int upscale = 4)
    {
        if (upscale < 1) throw new ArgumentException($"upscale must be >= 1, got {upscale}");
        Upscale = upscale;
        conv1 = Register("conv1", new Conv2d(numInCh, numFeat1, 9, padding: 4));
        conv2 = Register("conv2", new Conv2d(numFeat1, numFeat2, 1));
        conv3 = Register("conv3", new Conv2d(numFeat2, numOutCh, 5, padding: 2));
    }

    /// <summary>The factor the input is bicubic-upsampled by (1: already upsampled); settable, so one network trains on several
    /// scales (VDSR's multi-scale training).</summary>
    public int Upscale
    {
        get => upscale;
        set => upscale = value >= 1 ? value : throw new ArgumentException($"upscale must be >= 1, got {value}");
    }

    private int upscale;

    /// <summary>Any scale >= 1: the network only sees the bicubic-upsampled image.</summary>
    public bool SupportsScale(int scale) => scale >= 1;

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        var up = Upscale == 1 ? x : F.Interpolate(x, Upscale, InterpolationMode.Bicubic);
        var y = conv3.Forward(F.Relu(conv2.Forward(F.Relu(conv1.Forward(up)))));
        return y.MoveToOuterScope();
    }
}
