using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Degradations;
using SrTrain.Torch;

namespace SrTrain.Engine.Models;

/// <summary>Real-ESRNet, the PSNR stage of Real-ESRGAN (Wang et al. 2021; BasicSR's RealESRNetModel): an SRModel whose
/// training LQ is synthesised on the device from GT patches by the second-order degradation
/// (<see cref="RealEsrganDegradation"/>), with the training-pair pool; <c>gt_usm</c> trains on USM-sharpened GT.
/// Paired batches (validation, and training with <c>high_order_degradation: false</c>) are used as they are.</summary>
[Model("RealESRNetModel")]
public sealed class RealEsrNetModel : SrModel
{
    private readonly RealEsrganSynthesis? synthesis;

    public RealEsrNetModel(ExperimentOptions options, Device device) : base(options, device)
    {
        if (options.IsTrain && RealEsrganSynthesis.SynthesisesLq(options)) synthesis = new RealEsrganSynthesis(options, device);
    }

    public override void FeedData(SrBatch batch)
    {
        // high_order_degradation: false (no synthesis) trains on the pairs as they are, as validation always does; a
        // GT-only batch then reaches SRModel's FeedData, which rejects it by name.
        if (!batch.LqIsSynthesised || synthesis is null)
        {
            base.FeedData(batch);
            return;
        }
        bool usm = Options.GtUsm ?? false;
        var (lq, gt, _) = synthesis.Make(batch, degradeUsm: usm, keepUsm: false);
        SetData(lq, gt);
    }

    public override void Dispose()
    {
        synthesis?.Dispose();
        base.Dispose();
    }
}
