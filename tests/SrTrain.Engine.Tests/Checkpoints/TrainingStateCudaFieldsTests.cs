using SrTrain.Engine.Checkpoints;
using SrTrain.Torch.Amp;

namespace SrTrain.Engine.Tests.Checkpoints;

/// <summary>The training state's CUDA fields: the CUDA generator state and the fp16 gradient scalers round-trip
/// through the file when present and are absent (null) when not, as in every state written before them.</summary>
public class TrainingStateCudaFieldsTests
{
    private static TrainingState Minimal(Tensor rng) => new(0, 4, 3, 7, [], [], rng, []);

    [Fact]
    public void AbsentFieldsStayAbsent()
    {
        using var scope = LibTorch.NewDisposeScope();
        var path = Path.Combine(RepoPaths.NewTempDir("state-cuda"), "4.state");
        TrainingStateFile.Save(path, Minimal(LibTorch.GetRngState()));
        TrainingStateFile.Read(path, s =>
        {
            Assert.Null(s.CudaRngState);
            Assert.Null(s.GradScalers);
            Assert.NotNull(s.RngState);
            return 0;
        });
    }

    [Fact]
    public void PresentFieldsRoundTrip()
    {
        using var scope = LibTorch.NewDisposeScope();
        var path = Path.Combine(RepoPaths.NewTempDir("state-cuda"), "4.state");
        // A CUDA generator's state is a uint8 tensor like the CPU one's; its length does not matter to the file.
        var cudaRng = Tensor.From(Enumerable.Range(0, 16).Select(i => (byte)(i * 7)).ToArray(), [16]);
        var g = new GradScaler();
        g.Update(true);
        var d = new GradScaler();
        for (int i = 0; i < 5; i++) d.Update(false);
        TrainingStateFile.Save(path, Minimal(LibTorch.GetRngState()) with
        {
            CudaRngState = cudaRng,
            GradScalers = new Dictionary<string, object?> { ["net_g"] = g.StateDict(), ["net_d"] = d.StateDict() },
        });
        TrainingStateFile.Read(path, s =>
        {
            TensorAssert.Equal(cudaRng, s.CudaRngState!, "cuda_rng_state");
            var g2 = new GradScaler();
            g2.LoadStateDict((System.Collections.IDictionary)s.GradScalers!["net_g"]!);
            var d2 = new GradScaler();
            d2.LoadStateDict((System.Collections.IDictionary)s.GradScalers!["net_d"]!);
            Assert.Equal((32768f, 0), (g2.Scale, g2.GrowthTracker));
            Assert.Equal((65536f, 5), (d2.Scale, d2.GrowthTracker));
            return 0;
        });
    }
}
