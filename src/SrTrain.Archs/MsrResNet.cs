using SrTrain.Archs.Blocks;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs;

/// <summary>MSRResNet, BasicSR's modified SRResNet: no batch norm, <c>num_block</c> ResidualBlockNoBN,
/// LeakyReLU 0.1, pixel-shuffle upsampling (x2, x3 once; x4 as two x2), and the output added to the
/// bilinear-upsampled input. Scaled MSRA init (x0.1) as BasicSR. Keys as BasicSR's srresnet_arch.</summary>
[Arch("MSRResNet")]
[ScaleOption("upscale", 2, 3, 4)]
public sealed class MsrResNet : Module
{
    private readonly Conv2d convFirst;
    private readonly Sequential body;
    private readonly Conv2d upconv1;
    private readonly Conv2d? upconv2;
    private readonly Conv2d convHr;
    private readonly Conv2d convLast;
    private readonly bool useCheckpoint;

    /// <remarks><c>useCheckpoint</c>: Recomputes each body block in the backward instead of keeping its activations (gradient checkpointing): much less memory for one more body forward; the same gradients (bit for bit from the body on, on CPU).</remarks>
    public MsrResNet(int numInCh = 3, int numOutCh = 3, int numFeat = 64, int numBlock = 16, int upscale = 4, bool useCheckpoint = false)
    {
        this.useCheckpoint = useCheckpoint;
        if (upscale is not (2 or 3 or 4)) throw new ArgumentException($"MSRResNet supports upscale 2, 3 or 4, not {upscale}");
        Upscale = upscale;
        convFirst = Register("conv_first", new Conv2d(numInCh, numFeat, 3, padding: 1));
        body = Register("body", Sequential.Of(numBlock, _ => new ResidualBlockNoBN(numFeat)));
        if (upscale == 4)
        {
            upconv1 = Register("upconv1", new Conv2d(numFeat, numFeat * 4, 3, padding: 1));
            upconv2 = Register("upconv2", new Conv2d(numFeat, numFeat * 4, 3, padding: 1));
        }
        else upconv1 = Register("upconv1", new Conv2d(numFeat, numFeat * upscale * upscale, 3, padding: 1));
        // BasicSR registers nn.PixelShuffle here; it has no state, so it is applied functionally.
        convHr = Register("conv_hr", new Conv2d(numFeat, numFeat, 3, padding: 1));
        convLast = Register("conv_last", new Conv2d(numFeat, numOutCh, 3, padding: 1));
        // BasicSR's order of draws: conv_first, upconv1, conv_hr, conv_last, then upconv2 (x4 only), so that a
        // run with BasicSR's manual_seed starts from BasicSR's weights.
        foreach (var m in new Module[] { convFirst, upconv1, convHr, convLast }) Init.ScaledMsra(m, 0.1);
        if (upconv2 is not null) Init.ScaledMsra(upconv2, 0.1);
    }

    public int Upscale { get; }

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        var feat = F.LeakyRelu(convFirst.Forward(x), 0.1);
        var output = useCheckpoint ? Checkpoint.Sequential(body, feat) : body.Forward(feat);
        int shuffle = Upscale == 4 ? 2 : Upscale;
        output = F.LeakyRelu(F.PixelShuffle(upconv1.Forward(output), shuffle), 0.1);
        if (upconv2 is not null) output = F.LeakyRelu(F.PixelShuffle(upconv2.Forward(output), shuffle), 0.1);
        output = convLast.Forward(F.LeakyRelu(convHr.Forward(output), 0.1));
        var baseImage = F.Interpolate(x, Upscale, InterpolationMode.Bilinear);
        return (output + baseImage).MoveToOuterScope();
    }
}
