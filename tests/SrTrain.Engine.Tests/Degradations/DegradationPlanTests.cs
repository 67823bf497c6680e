using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Degradations;

namespace SrTrain.Engine.Tests.Degradations;

/// <summary>The degradation keys of BasicSR's Real-ESRNet file bind, their draws are deterministic per (seed, epoch,
/// batch) and stay inside the configured ranges, and a missing or bad key is named.</summary>
public sealed class DegradationPlanTests
{
    private static readonly string NetFile = Path.Combine(RepoPaths.Root, "options", "train", "RealESRGAN", "train_realesrnet_x4plus.yml");

    [Fact]
    public void DrawsAreDeterministicPerBatchAndInRange()
    {
        var o = new DegradationOptions(OptionFile.Load(NetFile, useEnvironment: false));
        var a = DegradationPlan.Draw(o, 12, DegradationPlan.RandomFor(0, 3, 5));
        var b = DegradationPlan.Draw(o, 12, DegradationPlan.RandomFor(0, 3, 5));
        Assert.Equal(a.First.Noise, b.First.Noise);
        Assert.Equal(a.FinalJpeg, b.FinalJpeg);
        Assert.Equal((a.SincFirst, a.FinalMode, a.Second.Scale), (b.SincFirst, b.FinalMode, b.Second.Scale));
        var plans = Enumerable.Range(0, 300).Select(i => DegradationPlan.Draw(o, 4, DegradationPlan.RandomFor(1, 0, i))).ToList();
        Assert.NotEqual(plans[0].FinalJpeg, plans[1].FinalJpeg);
        Assert.All(plans, p =>
        {
            Assert.InRange(p.First.Scale, 0.15, 1.5);
            Assert.InRange(p.Second.Scale, 0.3, 1.2);
            Assert.All(p.First.Jpeg.Concat(p.FinalJpeg), q => Assert.InRange(q, 30, 95));
            Assert.All(p.First.Noise, n => Assert.InRange(n, p.First.Gaussian ? 1 : 0.05, p.First.Gaussian ? 30 : 3));
        });
        // Each choice happens at roughly its configured rate over 300 batches.
        Assert.InRange(plans.Count(p => p.Second.Blur) / 300.0, 0.7, 0.9);
        Assert.InRange(plans.Count(p => p.First.Gaussian) / 300.0, 0.4, 0.6);
        Assert.InRange(plans.Count(p => p.First.Scale < 1) / 300.0, 0.6, 0.8);
    }

    [Fact]
    public void MissingAndBadKeysAreNamed()
    {
        var o = OptionFile.Load(NetFile, ["noise_range2.0=40"], useEnvironment: false);
        Assert.Contains("noise_range2", Assert.Throws<OptionException>(() => new DegradationOptions(o)).Message);
        o = OptionFile.Load(NetFile, ["jpeg_range.1=120"], useEnvironment: false);
        Assert.Contains("jpeg_range", Assert.Throws<OptionException>(() => new DegradationOptions(o)).Message);
        o = OptionFile.Load(NetFile, ["gt_size=250"], useEnvironment: false);
        Assert.Contains("gt_size", Assert.Throws<OptionException>(() => new DegradationOptions(o)).Message);
    }
}
