using System.Globalization;
using System.Text.Json;
using SrTrain.TestSupport;
using SrTrain.Torch.Amp;
using SrTrain.Torch.Optim;

namespace SrTrain.Torch.Tests.Amp;

/// <summary><see cref="GradScaler"/> follows torch.cuda.amp.GradScaler step for step: the defaults of the real class,
/// and against tests/fixtures/grad_scaler_ref.py (a float32 restatement of GradScaler's unscale, skip and update,
/// since torch 1.13 has no CPU kernels for them) the scale, growth tracker, skipped steps and SGD weights of a
/// run with clean steps, overflowing gradients under a finite loss, a NaN loss, growth after growth_interval clean
/// steps, and a resume from the state dict half way. All values compared bit for bit (the factors are powers of two).</summary>
public class GradScalerTests
{
    // Step inputs x_t of loss = sum(w * x_t): 1e36 overflows float32 once scaled (2^10 x 1e36) while the loss stays finite.
    private static readonly string[][] Steps =
    [
        ["0.3", "-1.5", "2.0", "0.7"], ["0.3", "0.1", "-0.2", "0.3"], ["0.5", "0.5", "0.5", "0.5"], ["-0.3", "0.25", "1.5", "-0.7"],
        ["1e36", "0.1", "0.2", "0.3"], ["0.1", "0.2", "0.3", "0.4"], ["NaN", "0.1", "0.1", "0.1"], ["0.2", "-0.2", "0.2", "-0.2"],
        ["1.0", "1.0", "-1.0", "1.0"], ["0.6", "0.6", "0.6", "-0.6"], ["Infinity", "1", "1", "1"], ["0.3", "0.3", "0.3", "0.3"],
        ["0.7", "-0.1", "0.1", "0.2"], ["0.9", "0.8", "0.7", "0.6"],
    ];

    private const double InitScale = 1024;
    private const int GrowthInterval = 3;

    private sealed record Step(float Scale, int Tracker, bool FoundInf, float[] W);

    private static (JsonElement Defaults, List<Step> Steps) Reference()
    {
        var json = JsonSerializer.Serialize(Steps);
        var root = JsonDocument.Parse(PythonReference.Run("import grad_scaler_ref; grad_scaler_ref.main()", json,
            InitScale.ToString(CultureInfo.InvariantCulture), GrowthInterval.ToString(CultureInfo.InvariantCulture))).RootElement;
        var steps = root.GetProperty("steps").EnumerateArray().Select(s => new Step(
            (float)s.GetProperty("scale").GetDouble(), s.GetProperty("tracker").GetInt32(), s.GetProperty("found_inf").GetBoolean(),
            s.GetProperty("w").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray())).ToList();
        return (root.GetProperty("defaults").Clone(), steps);
    }

    /// <summary>Runs <see cref="Steps"/> [from, to) with SGD(lr 0.1) on <paramref name="w"/>, as the reference's loop.</summary>
    private static List<Step> Run(GradScaler scaler, Tensor w, Sgd sgd, int from, int to)
    {
        var result = new List<Step>();
        for (int t = from; t < to; t++)
        {
            using var scope = LibTorch.NewDisposeScope();
            sgd.ZeroGrad();
            var x = Tensor.From(Steps[t].Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray(), [4]);
            var loss = (w * x).Sum();
            scaler.ScaleLoss(loss).Backward();
            bool found = scaler.Unscale([w]);
            if (!found) sgd.Step();
            scaler.Update(found);
            result.Add(new Step(scaler.Scale, scaler.GrowthTracker, found, w.Detach().ToArray<float>()));
        }
        return result;
    }

    private static Tensor Weights() => Tensor.From(new[] { 0.5f, -0.25f, 1.0f, 2.0f }, [4]).DetachFromDisposeScope().RequiresGrad_();

    private static void AssertSame(IReadOnlyList<Step> expected, IReadOnlyList<Step> actual, int offset = 0)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.True(e.Scale == a.Scale && e.Tracker == a.Tracker && e.FoundInf == a.FoundInf && e.W.SequenceEqual(a.W),
                $"step {i + offset}: expected scale {e.Scale} tracker {e.Tracker} inf {e.FoundInf} w [{string.Join(", ", e.W)}], " +
                $"got scale {a.Scale} tracker {a.Tracker} inf {a.FoundInf} w [{string.Join(", ", a.W)}]");
        }
    }

    [Fact]
    public void DefaultsAreTorchCudaAmpGradScalers()
    {
        var defaults = Reference().Defaults;
        var scaler = new GradScaler();
        Assert.Equal(defaults.GetProperty("init_scale").GetDouble(), scaler.Scale);
        Assert.Equal(65536f, scaler.Scale);
        Assert.Equal(defaults.GetProperty("growth_factor").GetDouble(), scaler.GrowthFactor);
        Assert.Equal(defaults.GetProperty("backoff_factor").GetDouble(), scaler.BackoffFactor);
        Assert.Equal(defaults.GetProperty("growth_interval").GetInt32(), scaler.GrowthInterval);
        Assert.Equal(2000, scaler.GrowthInterval);
    }

    [Fact]
    public void SkipsBacksOffAndGrowsAsTheReference()
    {
        var expected = Reference().Steps;
        // The scenario exercises what it claims: skips on overflow (finite loss), NaN and inf; growth; backoff.
        Assert.Equal(3, expected.Count(s => s.FoundInf));
        Assert.Contains(expected, s => s.Scale > InitScale);
        Assert.Contains(expected, s => s.Scale < InitScale);
        using var w = Weights();
        using var sgd = new Sgd([w], lr: 0.1);
        AssertSame(expected, Run(new GradScaler(InitScale, growthInterval: GrowthInterval), w, sgd, 0, Steps.Length));
    }

    [Fact]
    public void ResumesFromItsStateDictExactly()
    {
        var expected = Reference().Steps;
        using var w = Weights();
        using var sgd = new Sgd([w], lr: 0.1);
        var first = new GradScaler(InitScale, growthInterval: GrowthInterval);
        const int Split = 6;   // after a clean step, tracker 1: the tracker must survive the resume
        var before = Run(first, w, sgd, 0, Split);
        var state = first.StateDict();
        Assert.Equal(1L, state["_growth_tracker"]);
        var resumed = new GradScaler();
        resumed.LoadStateDict(state);
        var after = Run(resumed, w, sgd, Split, Steps.Length);
        AssertSame(expected, [.. before, .. after]);
    }

    [Fact]
    public void UnscaleDividesGradientsAndReportsInfAndNan()
    {
        using var scope = LibTorch.NewDisposeScope();
        var scaler = new GradScaler(8);
        var a = Tensor.From(new[] { 1f, 2f }, [2]).RequiresGrad_();
        var b = Tensor.From(new[] { 3f }, [1]).RequiresGrad_();
        var c = Tensor.Scalar(2.0, DType.Float32).RequiresGrad_();   // a 0-dim parameter (PReLU-like) unscales in place too
        scaler.ScaleLoss((a * 0.5).Sum() + (b * 0.25).Sum() + c * 3.0).Backward();
        Assert.False(scaler.Unscale([a, b, c]));
        Assert.Equal(new[] { 0.5f, 0.5f }, a.Grad!.ToArray<float>());
        Assert.Equal(new[] { 0.25f }, b.Grad!.ToArray<float>());
        Assert.Equal(new[] { 3f }, c.Grad!.ToArray<float>());
        b.Grad = Tensor.From(new[] { float.NegativeInfinity }, [1]);
        Assert.True(scaler.Unscale([a, b]));
        b.Grad = Tensor.From(new[] { float.NaN }, [1]);
        Assert.True(scaler.Unscale([b]));
        Assert.False(scaler.Unscale([Tensor.Zeros([2]).RequiresGrad_()]));   // no gradient yet: nothing to unscale, nothing found
    }

    [Fact]
    public void GrowthStopsWhereFloat32WouldOverflow()
    {
        var scaler = new GradScaler(initScale: 2e38, growthInterval: 1);
        scaler.Update(false);
        Assert.Equal(2e38f, scaler.Scale);
        Assert.Equal(0, scaler.GrowthTracker);
    }

    [Fact]
    public void RejectsAStateThatIsNoGradScalers()
    {
        var state = new GradScaler().StateDict();
        state["scale"] = -1.0;
        Assert.Throws<InvalidDataException>(() => new GradScaler().LoadStateDict(state));
        var missing = new GradScaler().StateDict();
        missing.Remove("_growth_tracker");
        Assert.Throws<KeyNotFoundException>(() => new GradScaler().LoadStateDict(missing));
    }
}
