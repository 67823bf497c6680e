using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Engine.Models;

/// <summary>PSNR-oriented training (BasicSR's SRModel): the generator learns from a pixel loss and
/// optionally a perceptual loss; net_g_ema tracks an EMA of its weights when ema_decay &gt; 0.</summary>
[Model("SRModel")]
public class SrModel : TrainingModel
{
    private IPixelLoss? pixelLoss;
    private IPerceptualLoss? perceptualLoss;
    private Tensor? lq;
    private Tensor? gt;

    public SrModel(ExperimentOptions options, Device device) : this(options, device, requireContentLoss: true) { }

    /// <summary>For models that train net_g with more than content losses (the GAN models), which may configure
    /// neither pixel_opt nor perceptual_opt.</summary>
    protected SrModel(ExperimentOptions options, Device device, bool requireContentLoss) : base(options, device)
    {
        if (!options.IsTrain) return;
        var train = options.Train!;
        // BasicSR's init_training_settings builds net_d before the losses (the perceptual loss builds a VGG19, which
        // draws random numbers): built here in that order, the same manual_seed gives BasicSR's initial weights.
        BuildTrainingNetworks();
        pixelLoss = train.PixelOpt is { } p ? TypeRegistry.Create<IPixelLoss>(RegistryKind.Loss, p, "train.pixel_opt") : null;
        perceptualLoss = train.PerceptualOpt is { } q ? TypeRegistry.Create<IPerceptualLoss>(RegistryKind.Loss, q, "train.perceptual_opt") : null;
        if (perceptualLoss is Module vggLoss) vggLoss.To(Device);
        // bf16 (fp16) training runs the VGG in bf16 (fp16) too: in ESRGAN it costs more than the generator (two VGG19 passes to
        // conv5_4 and one backward per step); the distances stay float32.
        if (perceptualLoss is Losses.PerceptualLoss vgg && Precision.AutocastDType is { } half) vgg.FeatureAutocast = (Device.Type, half);
        if (pixelLoss is null && perceptualLoss is null && requireContentLoss)
            throw new OptionException($"train: {options.ModelType} needs pixel_opt and/or perceptual_opt (both are ~)");
    }

    /// <summary>Builds the networks a subclass trains besides net_g (the GAN models' discriminator), after net_g and
    /// net_g_ema and before the losses, as BasicSR does. Runs inside the constructor: use only the options and device.</summary>
    protected virtual void BuildTrainingNetworks() { }

    /// <summary>Pixel loss, if configured (GAN models reuse it).</summary>
    protected IPixelLoss? PixelLoss => pixelLoss;

    /// <summary>Perceptual loss, if configured.</summary>
    protected IPerceptualLoss? PerceptualLoss => perceptualLoss;

    /// <summary>The current batch's LQ input on the device.</summary>
    protected Tensor Lq => lq ?? throw new InvalidOperationException("FeedData was not called");

    /// <summary>The current batch's GT on the device.</summary>
    protected Tensor Gt => gt ?? throw new InvalidOperationException("the batch has no GT");

    public override void FeedData(SrBatch batch)
    {
        if (batch.LqIsSynthesised)
            throw new OptionException($"model_type {Options.ModelType}: the training set gives GT images and degradation kernels only " +
                                      "(RealESRGANDataset); use model_type RealESRNetModel or RealESRGANModel, which synthesise the LQ");
        UseBatchScale(batch);
        SetData(batch.Lq, batch.Gt);
    }

    /// <summary>Sets the pair the next step trains on (models that make their own LQ, such as RealESRNetModel).</summary>
    protected void SetData(Tensor lqInput, Tensor? target)
    {
        lq = lqInput;
        gt = target;
    }

    /// <summary>The target of the pixel loss: the GT (RealESRGANModel may use the USM-sharpened GT, l1_gt_usm).</summary>
    protected virtual Tensor PixelTarget => Gt;

    /// <summary>The target of the perceptual loss: the GT (RealESRGANModel: percep_gt_usm).</summary>
    protected virtual Tensor PerceptualTarget => Gt;

    public override void OptimizeParameters(long currentIter)
    {
        var optimizer = OptimizerG ?? throw new InvalidOperationException("OptimizeParameters needs a training model");
        ClearLog();
        if (Micro.IsFirst) optimizer.ZeroGrad();
        var output = Forward(NetG, Lq);
        var total = AddGeneratorContentLosses(output, null);
        Backward("net_g", total!);
        if (!Micro.IsLast) return;   // accumulating: the optimizer steps after the last micro-batch
        SyncGradients(NetG);
        // The guard checks the accumulated, all-reduced gradients: a non-finite micro-batch or rank leaves them
        // non-finite on every rank, so every rank skips the same steps.
        if (StepIsFinite("net_g", total, NetG))
        {
            ClipGradients(NetG);
            optimizer.Step();
        }
        UpdateEma();
    }

    /// <summary>Adds the pixel, perceptual and style losses to <paramref name="total"/> and to the log as
    /// <paramref name="prefix"/> + pix / percep / style: BasicSR's names, l_pix in SRModel and l_g_pix in the GAN
    /// models, so curves compare one-to-one with BasicSR runs.</summary>
    protected Tensor? AddGeneratorContentLosses(Tensor output, Tensor? total, string prefix = "l_")
    {
        if (pixelLoss is not null)
        {
            var l = pixelLoss.Forward(output, PixelTarget);
            Log(prefix + "pix", l);
            total = total is null ? l : total + l;
        }
        if (perceptualLoss is not null)
        {
            var (percep, style) = perceptualLoss.Forward(output, PerceptualTarget);
            if (percep is not null) { Log(prefix + "percep", percep); total = total is null ? percep : total + percep; }
            if (style is not null) { Log(prefix + "style", style); total = total is null ? style : total + style; }
        }
        return total;
    }

    public override void Dispose()
    {
        perceptualLoss?.Dispose();
        base.Dispose();
    }
}
