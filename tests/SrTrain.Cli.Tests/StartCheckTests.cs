using System.Globalization;
using SrTrain.Engine.Training;

namespace SrTrain.Cli.Tests;

/// <summary>No error reaches the user as a .NET stack trace: options that contradict each other stop training before
/// its first step with the keys named, and every other exception becomes one line and a non-zero exit code.</summary>
[Collection(SerialCliCollection.Name)]
public class StartCheckTests
{
    private static readonly SmokeData Data = new(scale: 4, trainImages: 2, valImages: 1, hrSize: 32);

    /// <summary>Measured before: total_iter 5000 with CosineAnnealingRestartLR periods [150] trained 150 iterations, then
    /// died with an InvalidOperationException and a stack trace, saving nothing.</summary>
    [Fact]
    public void CosineScheduleShorterThanTheRunFailsBeforeTheFirstStep()
    {
        var root = RepoPaths.NewTempDir("srtrain-start");
        var options = Data.PsnrOptions("start_cosine", 5000, root);
        File.WriteAllText(options, File.ReadAllText(options).Replace("type: MultiStepLR\n    milestones: [8, 16]\n    gamma: 0.5", "type: CosineAnnealingRestartLR\n    periods: [150]"));
        Assert.Contains("CosineAnnealingRestartLR", File.ReadAllText(options));
        var (rc, output, error) = CliRun.Capture("train", "-opt", options);
        Assert.Equal(2, rc);
        Assert.Equal("srtrain: train.scheduler.periods sum to 150 but train.total_iter is 5000: the cosine schedule has no learning rate " +
                     "after iteration 151; lengthen periods (e.g. [5000]) or lower total_iter", error.Trim());
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("iter:", output);   // not one step was taken
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "experiments", "start_cosine", "models")));

        // options --check reports the same before anything runs.
        (rc, _, error) = CliRun.Capture("options", "--check", options);
        Assert.Equal(2, rc);
        Assert.Contains("train.scheduler.periods sum to 150", error);
    }

    [Fact]
    public void UnknownExceptionsPrintOneLineWithTheirTypeAndNoTrace()
    {
        var output = new StringWriter();
        int code = ErrorReport.Print(WithTrace(new InvalidOperationException("boom")), output);
        Assert.Equal(ErrorReport.InternalErrorCode, code);
        var text = output.ToString();
        Assert.StartsWith("srtrain: internal error (InvalidOperationException): boom\n", text);
        Assert.Contains("SRTRAIN_TRACE=1", text);
        Assert.DoesNotContain("   at ", text);

        output = new StringWriter();
        Assert.Equal(ErrorReport.InternalErrorCode, ErrorReport.Print(new System.Reflection.TargetInvocationException(new NullReferenceException("x")), output));
        Assert.StartsWith("srtrain: internal error (NullReferenceException): x", output.ToString());
    }

    [Fact]
    public void AFullDiskIsAUserErrorThatSaysSo()
    {
        var output = new StringWriter();
        var enospc = new IOException("No space left on device : '/run/x/models/net_g_10.pth.tmp'", 28);
        Assert.Equal(ErrorReport.UserErrorCode, ErrorReport.Print(WithTrace(enospc), output));
        Assert.Equal("srtrain: disk full: No space left on device : '/run/x/models/net_g_10.pth.tmp' (free some space; files written before this one are intact)",
                     output.ToString().Trim());
    }

    [Fact]
    public void CudaAskedForWithoutCudaIsOneLine()
    {
        if (Device.CudaIsAvailable) return;   // the point is a libtorch without CUDA
        var (rc, output, error) = CliRun.Capture("train", "-opt", Data.PsnrOptions("start_cuda", 2, RepoPaths.NewTempDir("srtrain-start")),
                                                 "--set", "device=cuda");
        Assert.Equal(2, rc);
        Assert.Contains("device cuda:0 was requested, but the linked libtorch has no CUDA support", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void Bf16WarningFollowsTheCpuFlags()
    {
        var withBf16 = CpuFeatures.ParseFlags("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16\nbugs\t: none\n");
        var withAmx = CpuFeatures.ParseFlags("flags : fpu avx2 amx_bf16 amx_tile\n");
        var without = CpuFeatures.ParseFlags("flags : fpu sse2 avx2 avx512f avx512bw\n");
        Assert.True(CpuFeatures.HasNativeBf16In(withBf16));
        Assert.True(CpuFeatures.HasNativeBf16In(withAmx));
        Assert.False(CpuFeatures.HasNativeBf16In(without));
        Assert.False(CpuFeatures.HasNativeBf16In(CpuFeatures.ParseFlags("")));
        Assert.Contains("slower", StartChecks.Bf16Warning);

        var avx512 = CpuFeatures.ParseFlags("flags : fpu avx2 avx512f avx512bw avx512vl avx512dq\n");
        var avx2 = CpuFeatures.ParseFlags("flags : fpu avx2 fma\n");
        var bf16 = CpuFeatures.ParseFlags("flags : fpu avx2 avx512f avx512bw avx512vl avx512dq avx512_bf16\n");
        Assert.Equal(Bf16Isa.Native, CpuFeatures.Bf16Support(bf16, null));
        Assert.Equal(Bf16Isa.Emulated, CpuFeatures.Bf16Support(bf16, "AVX512_CORE"));   // scripts/test.sh --isa avx512
        Assert.Equal(Bf16Isa.None, CpuFeatures.Bf16Support(bf16, "AVX2"));             // scripts/test.sh --isa avx2
        Assert.Equal(Bf16Isa.Emulated, CpuFeatures.Bf16Support(avx512, null));
        Assert.Equal(Bf16Isa.Fallback, CpuFeatures.Bf16Support(avx2, null));   // libtorch's own bf16 convolution, not oneDNN's
        Assert.Equal(Bf16Isa.Fallback, CpuFeatures.Bf16Support(avx2, "AVX2"));
    }

    [Fact]
    public void PrecisionAutoTrainsAndLogsItsChoiceAndWhy()
    {
        var root = RepoPaths.NewTempDir("srtrain-start");
        var (rc, output, error) = CliRun.Capture("train", "-opt", Data.PsnrOptions("start_auto", 2, root), "--set", "precision=auto");
        Assert.True(rc == 0, error);
        // The choice follows this machine's CPU; what the log must say is that choice and its reason.
        var expected = PrecisionChoice.ForThisMachine("auto", Device.Cpu);
        var log = File.ReadAllText(Directory.GetFiles(Path.Combine(root, "experiments", "start_auto"), "train_*.log").Single());
        Assert.Contains($"precision {expected.Name}\n", log.Replace("\r", ""));
        Assert.Contains($"Precision {expected.Name}: {expected.Reason}", log);
        Assert.StartsWith("precision: auto, ", expected.Reason);
        Assert.DoesNotContain("WARN: precision", log);
        Assert.Contains("iter:", output + log);
        // memory_format: auto is the default: the log names its choice for this CPU and precision too.
        var format = MemoryFormatChoice.ForThisMachine("auto", DeviceType.Cpu, expected.Name, training: true);
        Assert.Contains($"Memory format {format.Name}: {format.Reason}", log);
    }

    [Fact]
    public void ChannelsLastTrainingSavesWeightsPyTorchLoads()
    {
        var root = RepoPaths.NewTempDir("srtrain-start");
        var (rc, _, error) = CliRun.Capture("train", "-opt", Data.PsnrOptions("start_cl", 2, root), "--set", "memory_format=channels_last");
        Assert.True(rc == 0, error);
        var experiment = Path.Combine(root, "experiments", "start_cl");
        var weights = Directory.GetFiles(Path.Combine(experiment, "models"), "net_g_*.pth").Single(f => !f.EndsWith("latest.pth"));
        // PyTorch reads the channels_last storages and gives the same values as SrTrain's own reader.
        var mine = Torch.Serialization.PthFile.LoadStateDict(weights, "params");
        var sums = PythonReference.Run("""
            import sys, torch
            sd = torch.load(sys.argv[1], map_location="cpu")["params"]
            print(" ".join(f"{k}={v.double().sum().item()!r}" for k, v in sd.items()))
            """, weights).Trim().Split(' ').ToDictionary(p => p.Split('=')[0], p => double.Parse(p.Split('=')[1], CultureInfo.InvariantCulture));
        Assert.Equal(mine.Keys.Order(), sums.Keys.Order());
        foreach (var (key, tensor) in mine)
        {
            double sum = tensor.To(DType.Float64).Sum().Item();
            Assert.True(Math.Abs(sums[key] - sum) <= 1e-9 * Math.Max(1, Math.Abs(sum)), $"{key}: PyTorch sums {sums[key]:R}, SrTrain {sum:R}");
        }
    }

    [Fact]
    public void Bf16WithoutAvx512FailsBeforeTheFirstStepWithTheKeyNamed()
    {
        var before = Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA");
        try
        {
            // Only the check reads the cap here: libtorch has read its environment already.
            Environment.SetEnvironmentVariable("DNNL_MAX_CPU_ISA", "AVX2");
            var (rc, output, error) = CliRun.Capture("train", "-opt", Data.PsnrOptions("start_bf16", 2, RepoPaths.NewTempDir("srtrain-start")),
                                                     "--set", "precision=bf16");
            Assert.Equal(2, rc);
            Assert.Equal("srtrain: " + StartChecks.Bf16Error, error.Trim());
            Assert.DoesNotContain("iter:", output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DNNL_MAX_CPU_ISA", before);
        }
    }

    private static Exception WithTrace(Exception e)
    {
        try { throw e; }
        catch (Exception caught) { return caught; }
    }
}
