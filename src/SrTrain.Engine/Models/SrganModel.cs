using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;
using SrTrain.Torch.Optim;

namespace SrTrain.Engine.Models;

/// <summary>Standard GAN training (BasicSR's SRGANModel, Ledig et al. 2017): content losses plus an
/// adversarial loss for the generator; the discriminator learns real vs fake with separate backward passes.</summary>
[Model("SRGANModel")]
public class SrganModel : SrModel
{
    private IGanLoss? ganLoss;
    private Module? netD;

    public SrganModel(ExperimentOptions options, Device device) : base(options, device, requireContentLoss: false)
    {
        if (!options.IsTrain) return;
        ganLoss = options.Train!.GanOpt is { } g ? TypeRegistry.Create<IGanLoss>(RegistryKind.Loss, g, "train.gan_opt")
            : throw new OptionException($"train: {options.ModelType} needs gan_opt");
        OptimizerD = AddOptimizer(CreateOptimizer(options.Train.OptimD ?? throw new OptionException($"train: {options.ModelType} needs optim_d"), NetD, "train.optim_d"));
        AddGradScaler("net_d");
    }

    /// <summary>net_d, built after net_g_ema and before the losses (BasicSR's order of random draws).</summary>
    protected override void BuildTrainingNetworks()
    {
        netD = CreateNetwork(Options.NetworkD ?? throw new OptionException($"{Options.ModelType} needs network_d"), "network_d");
        if (Options.Path.PretrainNetworkD is { } path)
            LoadNetwork(netD, path, Options.Path.ParamKeyD, Options.Path.StrictLoadD, "path.pretrain_network_d");
        netD.Train();
    }

    /// <summary>The discriminator.</summary>
    public Module NetD => netD ?? throw new InvalidOperationException("the discriminator exists only in training");

    /// <summary>The discriminator's optimizer (train.optim_d); null outside training.</summary>
    public Optimizer? OptimizerD { get; }

    protected IGanLoss GanLoss => ganLoss ?? throw new InvalidOperationException("gan_opt is missing");

    /// <summary>Whether this iteration trains the generator (BasicSR: net_d_iters, net_d_init_iters).</summary>
    protected bool TrainsGenerator(long currentIter) =>
        currentIter % Options.Train!.NetDIters == 0 && currentIter > Options.Train.NetDInitIters;

    /// <summary>The GAN step shared by SRGAN and ESRGAN: a generator step with D frozen (content losses +
    /// <see cref="GeneratorGanLoss"/>), then a discriminator step (<see cref="DiscriminatorBackward"/>).</summary>
    public override void OptimizeParameters(long currentIter)
    {
        var (optG, optD) = (OptimizerG!, OptimizerD ?? throw new InvalidOperationException("OptimizeParameters needs a training model"));
        ClearLog();   // as BasicSR's fresh log_dict: a D-only iteration must not report the last G step's losses
        NetD.RequiresGrad(false);
        if (Micro.IsFirst) optG.ZeroGrad();
        var output = Forward(NetG, Lq);
        if (TrainsGenerator(currentIter))
        {
            var total = AddGeneratorContentLosses(output, null, prefix: "l_g_");
            var lGan = GeneratorGanLoss(output);
            Log("l_g_gan", lGan);
            total = total is null ? lGan : total + lGan;
            Backward("net_g", total);
            if (Micro.IsLast)
            {
                SyncGradients(NetG);
                if (StepIsFinite("net_g", total, NetG))
                {
                    ClipGradients(NetG);
                    optG.Step();
                }
            }
        }

        // Accumulating, D's gradients gather over the micro-batches too and it steps after the last one.
        NetD.RequiresGrad(true);
        if (Micro.IsFirst) optD.ZeroGrad();
        var lD = DiscriminatorBackward(output);
        if (!Micro.IsLast) return;
        SyncGradients(NetD);
        if (StepIsFinite("net_d", lD, NetD)) optD.Step();
        UpdateEma();
    }

    /// <summary>The real images the discriminator sees: the GT (RealESRGANModel: gan_gt_usm).</summary>
    protected virtual Tensor RealTarget => Gt;

    /// <summary>The generator's adversarial loss: D should call the fake real.</summary>
    protected virtual Tensor GeneratorGanLoss(Tensor output) =>
        GanLoss.Forward(Forward(NetD, output), targetIsReal: true, isDiscriminator: false);

    /// <summary>Backpropagates the discriminator's losses, real and fake separately, and logs them; returns their
    /// (detached) sum for the divergence check.</summary>
    protected virtual Tensor DiscriminatorBackward(Tensor output)
    {
        var realPred = Forward(NetD, RealTarget);
        var lReal = GanLoss.Forward(realPred, targetIsReal: true, isDiscriminator: true);
        Log("l_d_real", lReal);
        Log("out_d_real", realPred.Detach().Mean());
        Backward("net_d", lReal);
        var fakePred = Forward(NetD, output.Detach().Clone());
        var lFake = GanLoss.Forward(fakePred, targetIsReal: false, isDiscriminator: true);
        Log("l_d_fake", lFake);
        Log("out_d_fake", fakePred.Detach().Mean());
        Backward("net_d", lFake);
        return lReal.Detach() + lFake.Detach();
    }

    protected override IEnumerable<(string Label, Module Net, Module? Ema)> SavedNetworks()
    {
        foreach (var n in base.SavedNetworks()) yield return n;
        if (netD is not null) yield return ("net_d", netD, null);
    }

    public override void Dispose()
    {
        netD?.Dispose();
        base.Dispose();
    }
}
