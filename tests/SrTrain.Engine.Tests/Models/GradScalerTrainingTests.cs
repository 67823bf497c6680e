using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Engine.Models;
using SrTrain.Torch.Amp;
using SrTrain.Torch.Nn;

namespace SrTrain.Engine.Tests.Models;

/// <summary>The fp16 step logic of the models (loss scaled before backward, gradients unscaled before clipping and the
/// guard, overflow skipped and backed off, one scaler per optimizer) on the CPU, where fp16 autocast does not exist:
/// subclasses scale float32 losses. Scaling by a power of two commutes with every rounding, so a scaled run must give
/// the plain run's weights bit for bit; a scale that overflows the gradients (not the loss) must skip the step without
/// counting it as divergence, and a non-finite loss must still count.</summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class GradScalerTrainingTests
{
    private sealed class ScaledSrModel(ExperimentOptions o) : SrModel(o, Device.Cpu)
    {
        protected override bool UsesGradScalers => true;
    }

    private sealed class ScaledSrganModel(ExperimentOptions o) : SrganModel(o, Device.Cpu)
    {
        protected override bool UsesGradScalers => true;
    }

    private const string SrYaml = """
        name: scaled
        model_type: SRModel
        scale: 2
        num_gpu: 0
        network_g: {type: MSRResNet, num_feat: 8, num_block: 2, upscale: 2}
        train:
          total_iter: 3
          optim_g: {type: Adam, lr: 1.0e-3, betas: [0.9, 0.99]}
          grad_clip_norm: 0.05
          pixel_opt: {type: MSELoss, loss_weight: 1.0}
        """;

    private const string GanYaml = """
        name: scaled
        model_type: SRGANModel
        scale: 2
        num_gpu: 0
        network_g: {type: MSRResNet, num_feat: 8, num_block: 2, upscale: 2}
        network_d: {type: TestPlainDiscriminator, num_feat: 4}
        train:
          total_iter: 3
          optim_g: {type: Adam, lr: 1.0e-3, betas: [0.9, 0.99]}
          optim_d: {type: Adam, lr: 1.0e-3, betas: [0.9, 0.99]}
          pixel_opt: {type: L1Loss, loss_weight: 0.01}
          gan_opt: {type: GANLoss, gan_type: vanilla, loss_weight: 1.0}
        """;

    private static ExperimentOptions Options(string yaml)
    {
        Abstractions.Registry.TypeRegistry.Register(typeof(GradientAccumulationTests.PlainDiscriminator).Assembly);
        return OptionFile.Bind(YamlOptionReader.ReadText(yaml, "scaled.yml"), "scaled.yml");
    }

    private static IEnumerable<Module> Nets(TrainingModel m) => m is SrganModel g ? [m.NetG, g.NetD] : [m.NetG];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ScaledStepsGiveThePlainWeightsBitForBit(bool gan)
    {
        var options = Options(gan ? GanYaml : SrYaml);
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(3);
        var lq = Tensor.Rand([3, 4, 3, 8, 8]);
        var gt = Tensor.Rand([3, 4, 3, 16, 16]);
        LibTorch.ManualSeed(1);
        using TrainingModel plain = gan ? new SrganModel(options, Device.Cpu) : new SrModel(options, Device.Cpu);
        LibTorch.ManualSeed(1);
        using TrainingModel scaled = gan ? new ScaledSrganModel(options) : new ScaledSrModel(options);
        Assert.Empty(plain.GradScalers);
        Assert.Equal(gan ? ["net_g", "net_d"] : ["net_g"], scaled.GradScalers.Select(s => s.Part));
        for (int step = 0; step < 3; step++)
        {
            using var inner = LibTorch.NewDisposeScope();
            foreach (var m in new[] { plain, scaled })
            {
                using var batch = new SrBatch(lq[step].Clone(), gt[step].Clone(), []);
                m.UpdateLearningRate(step + 1);
                m.OptimizeAccumulated(step + 1, [batch]);
                Assert.Empty(m.NonFiniteParts);
            }
            Assert.Equal(plain.CurrentLog, scaled.CurrentLog);
        }
        foreach (var (a, b) in Nets(plain).Zip(Nets(scaled)))
            foreach (var ((name, p), (_, q)) in a.NamedParameters().Zip(b.NamedParameters()))
            {
                TensorAssert.Equal(p, q, name);
                TensorAssert.Equal(p.Grad!, q.Grad!, name + ".grad (unscaled)");
            }
        Assert.All(scaled.GradScalers, s => Assert.Equal((65536f, 3), (s.Scaler.Scale, s.Scaler.GrowthTracker)));
    }

    [Fact]
    public void OverflowSkipsTheStepAndBacksOffWithoutDivergence()
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(1);
        using var model = new ScaledSrModel(Options(SrYaml));
        var scaler = model.GradScalers.Single().Scaler;
        var state = scaler.StateDict();
        state["scale"] = Math.Pow(2, 127);
        scaler.LoadStateDict(state);
        var before = model.NetG.NamedParameters().Select(p => p.Tensor.Clone()).ToList();
        // MSE against 1e6: the loss (~1e12) is finite, its gradient times 2^127 is not.
        using (var batch = new SrBatch(Tensor.Rand([2, 3, 8, 8]), Tensor.Full([2, 3, 16, 16], 1e6), []))
            model.OptimizeAccumulated(1, [batch]);
        Assert.Empty(model.NonFiniteParts);
        Assert.True(double.IsFinite(model.CurrentLog["l_pix"]));
        Assert.Equal((MathF.Pow(2, 126), 0), (scaler.Scale, scaler.GrowthTracker));
        foreach (var (p, b) in model.NetG.NamedParameters().Select(p => p.Tensor).Zip(before)) TensorAssert.Equal(b, p, "skipped step");

        // The next, ordinary step runs at the backed-off scale.
        using (var batch = new SrBatch(Tensor.Rand([2, 3, 8, 8]), Tensor.Rand([2, 3, 16, 16]), []))
            model.OptimizeAccumulated(2, [batch]);
        Assert.Empty(model.NonFiniteParts);
        Assert.Equal((MathF.Pow(2, 126), 1), (scaler.Scale, scaler.GrowthTracker));
        Assert.Contains(model.NetG.NamedParameters().Select(p => p.Tensor).Zip(before), pb => !pb.First.AllClose(pb.Second, 0, 0));
    }

    [Fact]
    public void ANonFiniteLossStillCountsAsDivergence()
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(1);
        using var model = new ScaledSrModel(Options(SrYaml));
        using (var batch = new SrBatch(Tensor.Full([2, 3, 8, 8], double.NaN), Tensor.Rand([2, 3, 16, 16]), []))
            model.OptimizeAccumulated(1, [batch]);
        Assert.Equal(["net_g"], model.NonFiniteParts);
        Assert.Equal(32768f, model.GradScalers.Single().Scaler.Scale);
    }
}
