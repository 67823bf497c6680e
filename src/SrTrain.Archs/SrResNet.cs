using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs;

/// <summary>SRResNet as in the SRGAN paper (Ledig et al., 2017, Fig. 4), for the BN ablation against
/// <see cref="MsrResNet"/>: 9x9 conv + PReLU, <c>num_block</c> residual blocks (conv-BN-PReLU-conv-BN),
/// conv-BN with a skip from the first features, sub-pixel upsampling (conv, pixel shuffle, PReLU per x2
/// step; one x3 step for x3) and a 9x9 output conv. Not in BasicSR; options as MSRResNet's. Keys:
/// <c>conv_first</c>, <c>prelu_first</c>, <c>body.N.{conv1,bn1,prelu,conv2,bn2}</c>, <c>conv_after_body</c>,
/// <c>bn_after_body</c>, <c>upsample.{0,2,3,5}</c>, <c>conv_last</c>.</summary>
[Arch("SRResNet")]
[ScaleOption("upscale", 2, 3, 4)]
public sealed class SrResNet : Module
{
    private readonly Conv2d convFirst;
    private readonly PReLU preluFirst;
    private readonly Sequential body;
    private readonly Conv2d convAfterBody;
    private readonly BatchNorm2d bnAfterBody;
    private readonly Sequential upsample;
    private readonly Conv2d convLast;

    public SrResNet(int numInCh = 3, int numOutCh = 3, int numFeat = 64, int numBlock = 16, int upscale = 4)
    {
        if (upscale is not (2 or 3 or 4)) throw new ArgumentException($"SRResNet supports upscale 2, 3 or 4, not {upscale}");
        Upscale = upscale;
        convFirst = Register("conv_first", new Conv2d(numInCh, numFeat, 9, padding: 4));
        preluFirst = Register("prelu_first", new PReLU());
        body = Register("body", Sequential.Of(numBlock, _ => new Block(numFeat)));
        convAfterBody = Register("conv_after_body", new Conv2d(numFeat, numFeat, 3, padding: 1));
        bnAfterBody = Register("bn_after_body", new BatchNorm2d(numFeat));
        upsample = new Sequential();
        foreach (int f in upscale == 4 ? [2, 2] : new[] { upscale })
            upsample.Append(new Conv2d(numFeat, numFeat * f * f, 3, padding: 1)).Append(new PixelShuffle(f)).Append(new PReLU());
        Register("upsample", upsample);
        convLast = Register("conv_last", new Conv2d(numFeat, numOutCh, 9, padding: 4));
    }

    public int Upscale { get; }

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        var feat = preluFirst.Forward(convFirst.Forward(x));
        var output = feat + bnAfterBody.Forward(convAfterBody.Forward(body.Forward(feat)));
        return convLast.Forward(upsample.Forward(output)).MoveToOuterScope();
    }

    /// <summary>SRGAN residual block: conv-BN-PReLU-conv-BN plus identity.</summary>
    private sealed class Block : Module
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly PReLU prelu;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;

        public Block(int numFeat)
        {
            conv1 = Register("conv1", new Conv2d(numFeat, numFeat, 3, padding: 1));
            bn1 = Register("bn1", new BatchNorm2d(numFeat));
            prelu = Register("prelu", new PReLU());
            conv2 = Register("conv2", new Conv2d(numFeat, numFeat, 3, padding: 1));
            bn2 = Register("bn2", new BatchNorm2d(numFeat));
        }

        public override Tensor Forward(Tensor x)
        {
            using var scope = LibTorch.NewDisposeScope();
            var res = bn2.Forward(conv2.Forward(prelu.Forward(bn1.Forward(conv1.Forward(x)))));
            return (x + res).MoveToOuterScope();
        }
    }
}
