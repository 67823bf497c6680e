using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs;

/// <summary>ESPCN (Shi et al., 2016): two tanh conv layers on the LR image (5x5, 3x3) and a 3x3 conv to
/// C*r^2 channels rearranged by the sub-pixel (pixel shuffle) layer; tanh as in the paper, no output
/// activation. Not in BasicSR; options: num_in_ch, num_out_ch, num_feat1 (64), num_feat2 (32), upscale.
/// Keys <c>conv1.*</c>, <c>conv2.*</c>, <c>conv3.*</c>.</summary>
[Arch("ESPCN")]
[ScaleOption("upscale", 2, 3, 4)]
public sealed class Espcn : Module
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;

    public Espcn(int numInCh = 3, int numOutCh = 3, int numFeat1 = 64, int numFeat2 = 32, int upscale = 4)
    {
        if (upscale < 1) throw new ArgumentException($"upscale must be >= 1, got {upscale}");
        Upscale = upscale;
        conv1 = Register("conv1", new Conv2d(numInCh, numFeat1, 5, padding: 2));
        conv2 = Register("conv2", new Conv2d(numFeat1, numFeat2, 3, padding: 1));
        conv3 = Register("conv3", new Conv2d(numFeat2, numOutCh * upscale * upscale, 3, padding: 1));
    }

    public int Upscale { get; }

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        var feat = F.Tanh(conv2.Forward(F.Tanh(conv1.Forward(x))));
        return F.PixelShuffle(conv3.Forward(feat), Upscale).MoveToOuterScope();
    }
}
