using SrTrain.Archs.Blocks;
using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs;

/// <summary>MDSR (Lim et al., 2017, Fig. 5): one network for several scales. A shared head conv and body
/// (residual blocks, conv, global skip), a scale-specific pre-processing branch (two residual blocks with
/// 5x5 kernels) after the head and a scale-specific sub-pixel upsampler before the shared tail conv; mean
/// shift and <c>img_range</c> as <see cref="Edsr"/>. Not in BasicSR: written in EDSR's BasicSR naming
/// (<c>conv_first</c>, <c>pre_process.I.J.conv1</c>, <c>body.N</c>, <c>conv_after_body</c>,
/// <c>upsample.I.*</c>, <c>conv_last</c>), branch I for <c>upscales[I]</c>. <see cref="Forward(Tensor, int)"/>
/// picks the branch; <see cref="Forward(Tensor)"/> uses <see cref="Upscale"/> (the <c>upscale</c> option,
/// settable, so <c>--scale</c> chooses the branch).</summary>
[Arch("MDSR")]
[ScaleOption("upscale", 2, 3, 4)]
public sealed class Mdsr : Module, IMultiScaleNetwork
{
    private readonly Tensor mean;
    private readonly double imgRange;
    private readonly int[] upscales;
    private readonly Conv2d convFirst;
    private readonly ModuleList preProcess;
    private readonly Sequential body;
    private readonly Conv2d convAfterBody;
    private readonly ModuleList upsample;
    private readonly Conv2d convLast;
    private readonly bool useCheckpoint;
    private int upscale;

    /// <remarks><c>upscales</c>: The scales with a branch (default 2, 3, 4). <c>upscale</c>: The scale <see cref="Forward(Tensor)"/> uses; must be one of <paramref name="upscales"/>. <c>useCheckpoint</c>: Recomputes each body block in the backward instead of keeping its activations (gradient checkpointing): much less memory for one more body forward; the same gradients (bit for bit from the body on, on CPU).</remarks>
    public Mdsr(int numInCh = 3, int numOutCh = 3, int numFeat = 64, int numBlock = 16, int[]? upscales = null,
                int upscale = 4, double resScale = 1, double imgRange = 255, double[]? rgbMean = null, bool useCheckpoint = false)
    {
        this.useCheckpoint = useCheckpoint;
        this.upscales = upscales ?? [2, 3, 4];
        if (this.upscales.Length == 0 || this.upscales.Distinct().Count() != this.upscales.Length)
            throw new ArgumentException($"upscales must list distinct scales, got [{string.Join(", ", this.upscales)}]");
        this.imgRange = imgRange;
        mean = RegisterBuffer("mean", MeanShift.MeanTensor(rgbMean, numInCh), persistent: false);
        convFirst = Register("conv_first", new Conv2d(numInCh, numFeat, 3, padding: 1));
        preProcess = Register("pre_process", new ModuleList(this.upscales.Select(_ => (Module)new Sequential(
            new ResidualBlockNoBN(numFeat, 1, pytorchInit: true, kernelSize: 5),
            new ResidualBlockNoBN(numFeat, 1, pytorchInit: true, kernelSize: 5))).ToArray()));
        body = Register("body", Sequential.Of(numBlock, _ => new ResidualBlockNoBN(numFeat, resScale, pytorchInit: true)));
        convAfterBody = Register("conv_after_body", new Conv2d(numFeat, numFeat, 3, padding: 1));
        upsample = Register("upsample", new ModuleList(this.upscales.Select(s => (Module)SubPixelUpsample.Create(s, numFeat)).ToArray()));
        convLast = Register("conv_last", new Conv2d(numFeat, numOutCh, 3, padding: 1));
        Upscale = upscale;
    }

    /// <summary>The scales this network has branches for.</summary>
    public IReadOnlyList<int> Upscales => upscales;

    /// <summary>Whether MDSR has a branch for <paramref name="scale"/>.</summary>
    public bool SupportsScale(int scale) => Array.IndexOf(upscales, scale) >= 0;

    /// <summary>img_range: inputs are scaled by it after the mean shift.</summary>
    public double ImgRange => imgRange;

    /// <summary>The scale used by <see cref="Forward(Tensor)"/>.</summary>
    public int Upscale
    {
        get => upscale;
        set => upscale = Array.IndexOf(upscales, value) >= 0
            ? value
            : throw new ArgumentException($"MDSR has branches for upscale {string.Join(", ", upscales)}, not {value}");
    }

    public override Tensor Forward(Tensor x) => Forward(x, Upscale);

    /// <summary>Super-resolves <paramref name="x"/> by <paramref name="scale"/> through that scale's branches.</summary>
    public Tensor Forward(Tensor x, int scale)
    {
        int branch = Array.IndexOf(upscales, scale);
        if (branch < 0) throw new ArgumentException($"MDSR has branches for upscale {string.Join(", ", upscales)}, not {scale}");
        using var scope = LibTorch.NewDisposeScope();
        var m = mean.To(x.DType);
        var feat = preProcess[branch].Forward(convFirst.Forward((x - m) * imgRange));
        var res = convAfterBody.Forward(useCheckpoint ? Checkpoint.Sequential(body, feat) : body.Forward(feat)) + feat;
        var y = convLast.Forward(upsample[branch].Forward(res));
        return (y / imgRange + m).MoveToOuterScope();
    }
}
