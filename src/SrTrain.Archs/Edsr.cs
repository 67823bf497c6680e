using SrTrain.Archs.Blocks;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs;

/// <summary>EDSR (Lim et al., 2017) as BasicSR's edsr_arch: mean shift by the DIV2K RGB mean, input scaled
/// by <c>img_range</c> (so [0,1] images see the [0,255] statistics the paper trained on), conv, residual
/// blocks without BN (scaled by <c>res_scale</c>), conv with a global skip, sub-pixel upsampler (x2, x3,
/// x4), conv, mean added back. Baseline: num_feat 64, num_block 16, res_scale 1; large: 256 / 32 / 0.1.</summary>
[Arch("EDSR")]
[ScaleOption("upscale", 2, 3, 4)]
public sealed class Edsr : Module
{
    private readonly Tensor mean;
    private readonly double imgRange;
    private readonly Conv2d convFirst;
    private readonly Sequential body;
    private readonly Conv2d convAfterBody;
    private readonly Sequential upsample;
    private readonly Conv2d convLast;
    private readonly bool useCheckpoint;

    /// <remarks><c>rgbMean</c>: Per-channel mean subtracted before and added after (default DIV2K's
    /// 0.4488, 0.4371, 0.4040); a constant, not in the state dict, as in BasicSR. <c>useCheckpoint</c>: Recomputes each body block in the backward instead of keeping its activations (gradient checkpointing): much less memory for one more body forward; the same gradients (bit for bit from the body on, on CPU).</remarks>
    public Edsr(int numInCh = 3, int numOutCh = 3, int numFeat = 64, int numBlock = 16, int upscale = 4,
                double resScale = 1, double imgRange = 255, double[]? rgbMean = null, bool useCheckpoint = false)
    {
        this.useCheckpoint = useCheckpoint;
        Upscale = upscale;
        this.imgRange = imgRange;
        mean = RegisterBuffer("mean", MeanShift.MeanTensor(rgbMean, numInCh), persistent: false);
        convFirst = Register("conv_first", new Conv2d(numInCh, numFeat, 3, padding: 1));
        body = Register("body", Sequential.Of(numBlock, _ => new ResidualBlockNoBN(numFeat, resScale, pytorchInit: true)));
        convAfterBody = Register("conv_after_body", new Conv2d(numFeat, numFeat, 3, padding: 1));
        upsample = Register("upsample", SubPixelUpsample.Create(upscale, numFeat));
        convLast = Register("conv_last", new Conv2d(numFeat, numOutCh, 3, padding: 1));
    }

    public int Upscale { get; }

    /// <summary>img_range: inputs are scaled by it after the mean shift (255 = the original EDSR's pixel range).</summary>
    public double ImgRange => imgRange;

    public override Tensor Forward(Tensor x)
    {
        using var scope = LibTorch.NewDisposeScope();
        var m = mean.To(x.DType);
        var feat = convFirst.Forward((x - m) * imgRange);
        var res = convAfterBody.Forward(useCheckpoint ? Checkpoint.Sequential(body, feat) : body.Forward(feat)) + feat;
        var y = convLast.Forward(upsample.Forward(res));
        return (y / imgRange + m).MoveToOuterScope();
    }
}
