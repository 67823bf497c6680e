using System.Text.Json;
using SrTrain.Abstractions.Contracts;
using SrTrain.Engine.Models;
using SrTrain.Abstractions.Options;
using SrTrain.Engine.Training;
using SrTrain.Torch.Serialization;
using Xunit.Abstractions;

namespace SrTrain.Engine.Tests.Models;

/// <summary>One full training step of SRGANModel and ESRGANModel against BasicSR 1.4's optimize_parameters,
/// restated in PyTorch by tests/fixtures/make_gan_step.py (MSRResNet + VGGStyleDiscriminator, L1 + VGG19
/// conv3_4 perceptual + vanilla GAN loss, Adam; the script says why conv3_4 and these weights). The reference runs at
/// test time on this machine, with this process's thread count (<see cref="GanStepInputs"/>): Adam's first steps move
/// each weight by about lr * sign(g), so a near-zero gradient element whose float32 rounding differs between kernel
/// sets (AVX2 vs AVX-512) moves a weight by 2 * lr; only the same kernels on both sides make the comparison exact
/// enough to see a wrong term. Expected values: gan_step.json (scalars logged each iteration) and
/// gan_step_&lt;case&gt;.pth (weights after the last iteration, the generator's last gradients).</summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class GanStepParityTests(GanStepInputs inputs, ITestOutputHelper output) : IClassFixture<GanStepInputs>
{
    // The tolerances sit above what rounding alone does on these cases: `make_gan_step.py DIR` prints, per case, how
    // far float32 PyTorch is from float64 and from itself on another thread count by the same measures: at most
    // 1.1e-6 (losses), 1.6e-6 (out_d), 4e-6 (weights; 1.5e-5 for net_d over the D-only iterations of
    // esrgan_d_iters across thread counts, which is why the reference uses this process's), 4e-5 (gradients).

    /// <summary>Logged losses: relative error (floor 1e-3).</summary>
    private const double LossRtol = 1e-5;

    /// <summary>Logged out_d_real / out_d_fake, means of logits that pass near 0: absolute error.</summary>
    private const double OutDAtol = 1e-5;

    /// <summary>Weights after the steps: max abs error (Adam at lr 1e-4 moves each weight by about 1e-4 a step,
    /// so a gradient of the wrong sign in any element shows).</summary>
    private const double WeightAtol = 1e-5;

    /// <summary>The generator's gradients of its last step: |g - g_ref| / |g_ref| per tensor.</summary>
    private const double GradRtol = 1e-4;

    [Fact]
    public void SrganStepMatchesBasicSr() => RunCase("srgan");

    [Fact]
    public void EsrganStepMatchesBasicSr() => RunCase("esrgan");

    /// <summary>net_d_iters 2, net_d_init_iters 2: the generator trains at iteration 4 only; the other
    /// iterations step the discriminator alone and log its scalars only.</summary>
    [Fact]
    public void EsrganHonoursNetDItersAndNetDInitIters() => RunCase("esrgan_d_iters");

    /// <summary>With the same manual_seed, net_d starts from BasicSR's weights: BasicSR builds net_g, net_g_ema, then net_d,
    /// and only then the perceptual loss, whose VGG19 draws random numbers too.</summary>
    [Fact]
    public void SameSeedBuildsBasicSrsDiscriminator()
    {
        const string Code = """
            import json, sys, torch
            import archs_ref as R
            from make_gan_step import NETWORK_G, NETWORK_D

            def build(section):
                kwargs = dict(section)
                return getattr(R, kwargs.pop("type"))(**kwargs)

            torch.manual_seed(int(sys.argv[1]))
            build(NETWORK_G)
            if float(sys.argv[2]) > 0:
                build(NETWORK_G)   # net_g_ema
            print(json.dumps({k: v.reshape(-1).tolist() for k, v in build(NETWORK_D).state_dict().items()}))
            """;
        const ulong Seed = 2024;
        var options = Options("esrgan", inputs.Case("esrgan"), fromFiles: false);
        LibTorch.ManualSeed(Seed);
        using var model = (SrganModel)Trainer.CreateModel(options, Device.Cpu);
        using var scope = LibTorch.NewDisposeScope();
        var expected = JsonSerializer.Deserialize<Dictionary<string, double[]>>(
            PythonReference.Run(Code, Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                options.Train!.EmaDecay.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
        var actual = model.NetD.StateDict();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, want) in expected)
            Assert.True(want.SequenceEqual(actual[key].To(DType.Float64).Reshape(-1).ToArray<double>()),
                $"net_d.{key} after manual_seed({Seed}) differs from BasicSR's initial weights");
    }

    private void RunCase(string name)
    {
        var c = inputs.Case(name);
        using var model = (SrganModel)Trainer.CreateModel(Options(name, c), Device.Cpu);
        using var scope = LibTorch.NewDisposeScope();
        var batch = PthFile.LoadStateDict(inputs.PathOf("batch"));
        using var srBatch = new SrBatch(batch["lq"], batch["gt"], ["a", "b"]);
        model.FeedData(srBatch);

        var logs = c.GetProperty("logs").EnumerateArray().ToList();
        Assert.Equal(c.GetProperty("iterations").GetInt32(), logs.Count);
        (double Error, string Where) worstLoss = (0, ""), worstOutD = (0, "");
        for (int it = 1; it <= logs.Count; it++)
        {
            using (LibTorch.NewDisposeScope())
            {
                model.UpdateLearningRate(it);
                model.OptimizeParameters(it);
            }
            var expected = logs[it - 1].EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            var actual = model.CurrentLog.ToDictionary(kv => kv.Key, kv => kv.Value);   // BasicSR's own names
            Assert.True(expected.Keys.Order().SequenceEqual(actual.Keys.Order()),
                $"{name} iteration {it}: logged [{string.Join(", ", actual.Keys.Order())}], BasicSR logs [{string.Join(", ", expected.Keys.Order())}]");
            foreach (var (key, want) in expected)
            {
                bool isLogit = key.StartsWith("out_d", StringComparison.Ordinal);
                double err = Math.Abs(actual[key] - want) / (isLogit ? 1 : Math.Max(Math.Abs(want), 1e-3));
                ref var worst = ref isLogit ? ref worstOutD : ref worstLoss;
                if (err > worst.Error) worst = (err, $"{key} @{it}");
                Assert.True(err < (isLogit ? OutDAtol : LossRtol),
                    $"{name} iteration {it}: {key} = {actual[key]:R}, BasicSR {want:R} ({(isLogit ? "abs." : "rel.")} error {err:E2})");
            }
        }

        var finalPath = inputs.PathOf($"gan_step_{name}");
        double errG = WithExpected(finalPath, "net_g", want => MaxAbsError(name, "net_g", model.NetG.StateDict(), want));
        // The net_d_iters case keeps no D weights (its five iterations' logged D scalars stand for them).
        double errD = c.GetProperty("has_net_d").GetBoolean()
            ? WithExpected(finalPath, "net_d", want => MaxAbsError(name, "net_d", model.NetD.StateDict(), want)) : double.NaN;
        double errGrad = c.GetProperty("has_grad_g").GetBoolean()
            ? WithExpected(finalPath, "grad_g", want => WorstGradientError(name, model.NetG, want)) : double.NaN;
        output.WriteLine($"{name}: SrTrain vs PyTorch: losses {worstLoss.Error:E2} (rel., {worstLoss.Where}), out_d {worstOutD.Error:E2} " +
                         $"(abs., {worstOutD.Where}), net_g {errG:E2}, net_d {errD:E2} (max abs), net_g gradients {errGrad:E2} (rel. norm); {CpuKernels.Describe()}");
    }

    /// <summary>Runs <paramref name="use"/> on one state dict of the fixture file, then frees it.</summary>
    private static T WithExpected<T>(string path, string key, Func<Dictionary<string, Tensor>, T> use)
    {
        var state = PthFile.LoadStateDict(path, key);
        try
        {
            return use(state);
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    /// <summary>The case's BasicSR options, plus where this run finds its inputs (strict loads, BasicSR's
    /// params key) and SrTrain's vgg_pretrained_path (BasicSR reads the VGG from a fixed path instead); without
    /// <paramref name="fromFiles"/>, net_g and net_d are initialised from the seed.</summary>
    private ExperimentOptions Options(string name, JsonElement c, bool fromFiles = true)
    {
        var tree = YamlOptionReader.ReadText(c.GetProperty("options").GetRawText(), $"gan_step.json:{name}");
        tree["name"] = "gan_step_" + name;
        tree["scale"] = "4";
        tree["num_gpu"] = "0";
        // NCHW as the reference ran, whatever auto picks: channels_last rounds differently, and Adam turns a sign flip of
        // a near-zero gradient into a whole lr-sized step (2e-4 after esrgan_d_iters' steps, measured), past these limits.
        tree["memory_format"] = "contiguous";
        tree["path"] = !fromFiles ? new Dictionary<string, object?>() : new Dictionary<string, object?>
        {
            ["pretrain_network_g"] = inputs.PathOf("net_g"), ["param_key_g"] = "params", ["strict_load_g"] = "true",
            ["pretrain_network_d"] = inputs.PathOf("net_d"), ["param_key_d"] = "params", ["strict_load_d"] = "true",
        };
        var train = (Dictionary<string, object?>)tree["train"]!;
        ((Dictionary<string, object?>)train["perceptual_opt"]!)["vgg_pretrained_path"] = inputs.PathOf("vgg19");
        return OptionFile.Bind(tree, $"gan_step.json:{name}");
    }

    private static double MaxAbsError(string name, string net, Dictionary<string, Tensor> actual, Dictionary<string, Tensor> expected)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        double worst = 0;
        foreach (var (key, value) in actual)
        {
            var want = expected[key];
            double err = (value.To(DType.Float64) - want.To(DType.Float64)).Abs().Max().Item();
            Assert.True(err < WeightAtol, $"{name}: {net}.{key} differs from BasicSR's after the steps by {err:E3} (limit {WeightAtol:E0})");
            worst = Math.Max(worst, err);
        }
        return worst;
    }

    private static double WorstGradientError(string name, Torch.Nn.Module net, Dictionary<string, Tensor> expected)
    {
        double worst = 0;
        foreach (var (key, p) in net.NamedParameters())
        {
            var want = expected[key].To(DType.Float64);
            Assert.True(p.Grad is not null, $"{name}: net_g.{key} has no gradient; BasicSR's has one");
            double err = (p.Grad!.To(DType.Float64) - want).Norm().Item() / want.Norm().Item();
            Assert.True(err < GradRtol, $"{name}: gradient of net_g.{key} differs from BasicSR's by {err:E3} of its norm (limit {GradRtol:E0})");
            worst = Math.Max(worst, err);
        }
        return worst;
    }
}

/// <summary>The inputs and the reference of tests/fixtures/make_gan_step.py, made by its seeded write_reference in a
/// temp folder at test time (initial net_g / net_d in BasicSR's {'params': ...} layout, the batch, a random VGG19 too
/// large to commit, then each case's run), with the thread count of this process so that both sides split the same
/// kernels' work the same way.</summary>
public sealed class GanStepInputs : IDisposable
{
    private readonly JsonDocument fixture;

    public GanStepInputs()
    {
        Dir = RepoPaths.NewTempDir("gan-step");
        PythonReference.Run("import sys\nfrom make_gan_step import write_reference\nwrite_reference(sys.argv[1], int(sys.argv[2]))",
                            Dir, LibTorch.NumThreads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        fixture = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Dir, "gan_step.json")));
    }

    public string Dir { get; }

    public string PathOf(string name) => Path.Combine(Dir, name + ".pth");

    public JsonElement Case(string name) => fixture.RootElement.GetProperty(name);

    public void Dispose()
    {
        fixture.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
