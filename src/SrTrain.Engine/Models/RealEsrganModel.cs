using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Degradations;
using SrTrain.Torch;

namespace SrTrain.Engine.Models;

/// <summary>Real-ESRGAN's GAN stage (Wang et al. 2021; BasicSR's RealESRGANModel): SRGAN-style training (vanilla GAN
/// loss, usually with the U-Net discriminator with spectral norm) on LQ synthesised like <see cref="RealEsrNetModel"/>
/// from the USM-sharpened GT; <c>l1_gt_usm</c>, <c>percep_gt_usm</c> and <c>gan_gt_usm</c> choose, per loss, whether the
/// target is the sharpened GT or the plain one.</summary>
[Model("RealESRGANModel")]
public sealed class RealEsrganModel : SrganModel
{
    private readonly RealEsrganSynthesis? synthesis;
    private Tensor? gtUsm;

    public RealEsrganModel(ExperimentOptions options, Device device) : base(options, device)
    {
        if (options.IsTrain) synthesis = new RealEsrganSynthesis(options, device);
    }

    public override void FeedData(SrBatch batch)
    {
        if (!batch.LqIsSynthesised || synthesis is null)
        {
            base.FeedData(batch);
            gtUsm = null;
            return;
        }
        var (lq, gt, usm) = synthesis.Make(batch, degradeUsm: true, keepUsm: true);
        SetData(lq, gt);
        gtUsm = usm;
    }

    // BasicSR defaults each of these to the sharpened GT; a key set to false selects the plain GT.
    protected override Tensor PixelTarget => Options.L1GtUsm != false && gtUsm is not null ? gtUsm : Gt;

    protected override Tensor PerceptualTarget => Options.PercepGtUsm != false && gtUsm is not null ? gtUsm : Gt;

    protected override Tensor RealTarget => Options.GanGtUsm != false && gtUsm is not null ? gtUsm : Gt;

    public override void Dispose()
    {
        synthesis?.Dispose();
        base.Dispose();
    }
}
