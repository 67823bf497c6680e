using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs;

/// <summary>VDSR (Kim et al., 2016): <c>num_layer</c> 3x3 convs (20 in the paper) with ReLU, learning the
/// residual to the bicubic-upsampled input (global residual). The bicubic upsampling (PyTorch's, not
/// MATLAB's) is done inside, so it takes the LR image; <c>upscale: 1</c> takes an upsampled one. Not in
/// BasicSR; options: num_in_ch, num_out_ch, num_feat (64), num_layer (20), upscale. Keys
/// <c>conv_first.*</c>, <c>body.N.*</c> (num_layer - 2 convs), <c>conv_last.*</c>.</summary>
[Arch("VDSR")]
[ScaleOption("upscale", 1, 2, 3, 4)]
public sealed class Vdsr : Module, IMultiScaleNetwork
{
    private readonly Conv2d convFirst;
    private readonly Sequential body;
    private readonly Conv2d convLast;

    public Vdsr(int numInCh = 3, int numOutCh = 3, int numFeat = 64, int numLayer = 20, int upscale = 4)
    {
        if (numLayer < 2) throw new ArgumentException($"num_layer must be >= 2 (first and last conv), got {numLayer}");
        if (upscale < 1) throw new ArgumentException($"upscale must be >= 1, got {upscale}");
        if (numInCh != numOutCh) throw new ArgumentException($"VDSR adds its input to the output: num_in_ch ({numInCh}) must equal num_out_ch ({numOutCh})");
        Upscale = upscale;
        convFirst = Register("conv_first", new Conv2d(numInCh, numFeat, 3, padding: 1));
        body = Register("body", Sequential.Of(numLayer - 2, _ => new Conv2d(numFeat, numFeat, 3, padding: 1)));
        convLast = Register("conv_last", new Conv2d(numFeat, numOutCh, 3, padding: 1));
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
        var feat = F.Relu(convFirst.Forward(up));
        for (int i = 0; i < body.Count; i++) feat = F.Relu(body[i].Forward(feat));
        return (up + convLast.Forward(feat)).MoveToOuterScope();
    }
}
