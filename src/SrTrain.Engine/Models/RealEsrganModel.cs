using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Degradations;
using SrTrain.Torch;

namespace SrTrain.Engine.Models;

/// <summary>Real-ESRGAN's GAN stage (Wang et al. 2021; BasicSR's RealESRGANModel): SRGAN-style training (vanilla GAN
/// loss, usually with the U-Net discriminator with spectral norm) on LQ synthesised like <see cref="RealEsrNetModel"/>
/// from the USM-sharpened GT; <c>l1_gt_usm</c>, <c>percep_gt_usm</c> and <c>gan_gt_usm</c> choose, per loss, whether the
/// target is the sharpened GT or the plain one. With <c>high_order_degradation: false</c> it trains on a paired dataset's
/// LQ and sharpens that GT for the losses that ask for it.</summary>
[Model("RealESRGANModel")]
public sealed class RealEsrganModel : SrganModel
{
    private readonly RealEsrganSynthesis? synthesis;
    private readonly UsmSharpener? pairedUsm;
    private Tensor? gtUsm;

    public RealEsrganModel(ExperimentOptions options, Device device) : base(options, device)
    {
        if (!options.IsTrain) return;
        if (RealEsrganSynthesis.SynthesisesLq(options)) synthesis = new RealEsrganSynthesis(options, device);
        else pairedUsm = new UsmSharpener(device);
    }

    public override void FeedData(SrBatch batch)
    {
        gtUsm = null;
        if (!batch.LqIsSynthesised || synthesis is null)
        {
            base.FeedData(batch);
            return;
        }
        var (lq, gt, usm) = synthesis.Make(batch, degradeUsm: true, keepUsm: true);
        SetData(lq, gt);
        gtUsm = usm;
    }

    // high_order_degradation: false sharpens the dataset's GT, as Real-ESRGAN's feed_data does for paired data; only
    // when a loss asks for it, so validation batches are not sharpened (called inside the training step's scope).
    private Tensor? SharpGt
    {
        get
        {
            if (gtUsm is null && pairedUsm is not null)
            {
                using var noGrad = LibTorch.NoGrad();
                gtUsm = pairedUsm.Apply(Gt);
            }
            return gtUsm;
        }
    }

    // BasicSR defaults each of these to the sharpened GT; a key set to false selects the plain GT.
    protected override Tensor PixelTarget => Options.L1GtUsm != false && SharpGt is { } s ? s : Gt;

    protected override Tensor PerceptualTarget => Options.PercepGtUsm != false && SharpGt is { } s ? s : Gt;

    protected override Tensor RealTarget => Options.GanGtUsm != false && SharpGt is { } s ? s : Gt;

    public override void Dispose()
    {
        synthesis?.Dispose();
        pairedUsm?.Dispose();
        base.Dispose();
    }
}
