using SrTrain.Abstractions.Contracts;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Models;
using SrTrain.Engine.Training;
using SrTrain.Torch.Nn;

namespace SrTrain.Engine.Tests.Models;

/// <summary><c>train.accum_iter: 4</c> with micro-batches of 4 trains as one batch of 16: after three optimizer steps
/// (Adam, networks without batch norm) the weights and the logged losses agree to 1e-5 relative (the last gradients to 1e-4),
/// for SRModel (L1) and for ESRGANModel, whose relativistic averages are the whole batch's.</summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class GradientAccumulationTests
{
    private const int Steps = 3, Micro = 4, MicroSize = 4;

    /// <summary>A discriminator without batch norm or spectral norm (both make micro-batches differ from the batch by design).
    /// Its output conv has no bias: in the relativistic loss that bias's gradient is 0.5 * mean(sigma(r - E[f]) - 1 + sigma(f - E[r])),
    /// which cancels to about 0 while D cannot tell real from fake, so Adam's sign-like first steps would turn float32
    /// rounding into a full lr step either way (an ill-conditioned case, not a difference between the two runs).</summary>
    [Arch("TestPlainDiscriminator")]
    public sealed class PlainDiscriminator : Module
    {
        private readonly Conv2d conv1;
        private readonly Conv2d conv2;

        public PlainDiscriminator(int numFeat = 4)
        {
            conv1 = Register("conv1", new Conv2d(3, numFeat, 3, stride: 2, padding: 1));
            conv2 = Register("conv2", new Conv2d(numFeat, 1, 3, padding: 1, bias: false));
        }

        public override Tensor Forward(Tensor x)
        {
            using var scope = LibTorch.NewDisposeScope();
            return conv2.Forward(F.LeakyRelu(conv1.Forward(x), 0.2)).MoveToOuterScope();
        }
    }

    private const string SrYaml = """
        name: accum
        model_type: SRModel
        scale: 2
        num_gpu: 0
        network_g: {type: MSRResNet, num_feat: 8, num_block: 2, upscale: 2}
        train:
          total_iter: 3
          optim_g: {type: Adam, lr: 1.0e-3, betas: [0.9, 0.99]}
          pixel_opt: {type: L1Loss, loss_weight: 1.0}
        """;

    private const string EsrganYaml = """
        name: accum
        model_type: ESRGANModel
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

    [Fact]
    public void SrModelFourMicroBatchesOfFourEqualOneBatchOfSixteen() => Compare(SrYaml, d => [d.NetG]);

    [Fact]
    public void EsrganModelFourMicroBatchesOfFourEqualOneBatchOfSixteen() => Compare(EsrganYaml, d => [d.NetG, ((SrganModel)d).NetD]);

    private static void Compare(string yaml, Func<TrainingModel, Module[]> nets)
    {
        TypeRegistry.Register(typeof(PlainDiscriminator).Assembly);
        var options = OptionFile.Bind(YamlOptionReader.ReadText(yaml, "accum.yml"), "accum.yml");
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(7);
        // Brightness rising over the batch: each micro-batch's discriminator outputs differ from the others', so
        // relativistic averages taken per micro-batch (instead of over the whole batch) would show.
        var ramp = Tensor.Linspace(0.1, 1.0, Micro * MicroSize).Reshape([1, Micro * MicroSize, 1, 1, 1]);
        var lq = Tensor.Rand([Steps, Micro * MicroSize, 3, 8, 8]) * ramp;
        var gt = Tensor.Rand([Steps, Micro * MicroSize, 3, 16, 16]) * ramp;
        LibTorch.ManualSeed(1);
        using var whole = Trainer.CreateModel(options, Device.Cpu);
        LibTorch.ManualSeed(1);
        using var accumulated = Trainer.CreateModel(options, Device.Cpu);
        foreach (var (a, b) in nets(whole).Zip(nets(accumulated)))
            foreach (var ((name, p), (_, q)) in a.NamedParameters().Zip(b.NamedParameters()))
                TensorAssert.Equal(p, q, $"initial {name}");

        for (int step = 0; step < Steps; step++)
        {
            using var inner = LibTorch.NewDisposeScope();
            using var batch = new SrBatch(lq[step].Clone(), gt[step].Clone(), []);
            var micro = Enumerable.Range(0, Micro)
                .Select(k => new SrBatch(lq[step].Narrow(0, k * MicroSize, MicroSize).Clone(), gt[step].Narrow(0, k * MicroSize, MicroSize).Clone(), []))
                .ToList();
            whole.UpdateLearningRate(step + 1);
            whole.OptimizeAccumulated(step + 1, [batch]);
            accumulated.UpdateLearningRate(step + 1);
            accumulated.OptimizeAccumulated(step + 1, micro);
            foreach (var b in micro) b.Dispose();
            Assert.Equal(whole.CurrentLog.Keys.Order(), accumulated.CurrentLog.Keys.Order());
            // out_d_* are mean logits near 0: absolute error, as GanStepParityTests; losses relative.
            foreach (var (key, value) in whole.CurrentLog)
                Assert.True(Math.Abs(accumulated.CurrentLog[key] - value) <= 1e-5 * (key.StartsWith("out_d", StringComparison.Ordinal) ? 1 : Math.Max(Math.Abs(value), 1e-3)),
                            $"step {step + 1}: logged {key} {accumulated.CurrentLog[key]:R}, one batch {value:R}");
        }

        foreach (var (a, b) in nets(whole).Zip(nets(accumulated)))
            foreach (var ((name, p), (_, q)) in a.NamedParameters().Zip(b.NamedParameters()))
            {
                Assert.True(RelativeError(p, q) <= 1e-5, $"{name}: weights differ by {RelativeError(p, q):E2} of their largest magnitude");
                // The last gradients are taken at weights that already differ by rounding: 1e-4, as GanStepParityTests' gradients.
                Assert.True(RelativeError(p.Grad!, q.Grad!) <= 1e-4, $"{name}: last gradients differ by {RelativeError(p.Grad!, q.Grad!):E2}");
            }
    }

    private static double RelativeError(Tensor expected, Tensor actual)
    {
        using var scope = LibTorch.NewDisposeScope();
        var e = expected.To(DType.Float64);
        return (actual.To(DType.Float64) - e).Abs().Max().Item() / e.Abs().Max().Item();
    }
}
