using SrTrain.Torch.Amp;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Tests;

/// <summary>What CUDA training adds to <c>srtrain train</c>, as far as a CPU can run it: training states of CPU runs stay
/// as they were (no <c>cuda_rng_state</c>, no <c>grad_scalers</c>), a state written by a CUDA fp16 run (with both) resumes
/// on the CPU, <c>precision: fp16</c> on the CPU is a one-line option error, and an allocation libtorch cannot make ends the
/// run with the out-of-memory advice and exit code 5, without a stack trace.</summary>
[Collection(SerialCliCollection.Name)]
public class CudaReadinessTests
{
    private static readonly SmokeData Data = new();

    [Fact]
    public void CpuStatesHaveNoCudaFieldsAndAStateWithThemResumesOnTheCpu()
    {
        var root = RepoPaths.NewTempDir("srtrain-cudastate");
        var options = Data.PsnrOptions("cudastate", 3, root);
        Assert.Equal(0, Program.Main(["train", "-opt", options]));
        var states = Path.Combine(root, "experiments", "cudastate", "training_states");
        var state = Path.Combine(states, "3.state");
        var tree = (System.Collections.IDictionary)PthFile.Load(state)!;
        try
        {
            Assert.False(tree.Contains("cuda_rng_state"));
            Assert.False(tree.Contains("grad_scalers"));
            // What a CUDA fp16 run adds: its generator's state (a uint8 tensor; the CPU generator's stands in) and its scalers.
            tree["cuda_rng_state"] = LibTorch.GetRngState();
            var scaler = new GradScaler();
            scaler.Update(true);
            tree["grad_scalers"] = new Dictionary<string, object?> { ["net_g"] = scaler.StateDict() };
            PthFile.Save(state, tree);
        }
        finally
        {
            PthFile.DisposeTensors(tree);
        }
        var (rc, output, error) = CliRun.Capture("train", "-opt", Data.PsnrOptions("cudastate", 5, root), "--set", $"path.resume_state={state}");
        Assert.True(rc == 0, error + output);
        Assert.True(File.Exists(Path.Combine(states, "5.state")));
        var resumed = (System.Collections.IDictionary)PthFile.Load(Path.Combine(states, "5.state"))!;
        try
        {
            Assert.False(resumed.Contains("cuda_rng_state"));   // a CPU fp32 run writes neither field
            Assert.False(resumed.Contains("grad_scalers"));
        }
        finally
        {
            PthFile.DisposeTensors(resumed);
        }
    }

    [Fact]
    public void Fp16OnTheCpuIsAnOptionError()
    {
        var root = RepoPaths.NewTempDir("srtrain-fp16cpu");
        var (rc, output, error) = CliRun.Capture("train", "-opt", Data.PsnrOptions("fp16cpu", 2, root), "--set", "precision=fp16");
        Assert.Equal(2, rc);
        Assert.Contains("precision: 'fp16' needs a CUDA device", error + output);
        Assert.DoesNotContain("   at ", error + output);
    }

    [Fact]
    public void ATrainingThatCannotBeAllocatedStopsWithOutOfMemoryAdvice()
    {
        var root = RepoPaths.NewTempDir("srtrain-oom");
        // 2^20 features: conv_first's weight (113 MB) is made, the first body conv's (2^40 x 9 floats, 36 TB) cannot be.
        var (rc, output, error) = CliRun.Capture("train", "-opt", Data.PsnrOptions("oom", 2, root), "--set",
            $"network_g={{type: MSRResNet, num_feat: 1048576, num_block: 1, upscale: {Data.Scale}}}");
        var text = error + output;
        Assert.True(rc == 5, text);
        Assert.Contains("srtrain: out of memory on host memory (CPU) trying to allocate", text);
        Assert.Contains("DefaultCPUAllocator", text);
        Assert.Contains("datasets.train.gt_size (now 32)", text);
        Assert.Contains("network_g.use_checkpoint: true (now false", text);
        Assert.Contains("train.accum_iter: K (now 1)", text);
        Assert.DoesNotContain("   at ", text);
    }
}
