using SrTrain.Tools.Interpolation;
using SrTrain.Data;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Tests;

/// <summary><c>srtrain interp</c>: ESRGAN network interpolation (eq. 7) of two checkpoints, and the alpha sweep grid.</summary>
[Collection(SerialCliCollection.Name)]
public class InterpCommandTests
{
    [Fact]
    public void Alpha0And1ReproduceTheInputsExactlyAndHalfGivesTheMean()
    {
        var dir = RepoPaths.NewTempDir("srtrain-interp");
        var a = InferTestData.Checkpoint(dir, seed: 11, "psnr.pth");
        var b = InferTestData.Checkpoint(dir, seed: 12, "esrgan.pth");
        foreach (var alpha in new[] { "0", "1", "0.5" })
            Assert.Equal(0, InferTestData.Cli("interp", "--a", a, "--b", b, "--alpha", alpha, "-o", Path.Combine(dir, $"interp_{alpha}.pth")).Code);

        using var sa = new DisposableStateDict(PthFile.LoadStateDict(a, "params"));
        using var sb = new DisposableStateDict(PthFile.LoadStateDict(b, "params"));
        using var s0 = new DisposableStateDict(PthFile.LoadStateDict(Path.Combine(dir, "interp_0.pth"), "params"));
        using var s1 = new DisposableStateDict(PthFile.LoadStateDict(Path.Combine(dir, "interp_1.pth"), "params"));
        using var sHalf = new DisposableStateDict(PthFile.LoadStateDict(Path.Combine(dir, "interp_0.5.pth"), "params"));
        Assert.Equal(sa.State.Keys, s0.State.Keys);
        Assert.Equal(sa.State.Keys, sHalf.State.Keys);
        using var scope = LibTorch.NewDisposeScope();
        foreach (var key in sa.State.Keys)
        {
            Assert.False(TensorEqual(sa.State[key], sb.State[key]) && key.EndsWith("weight"), $"{key}: the two nets must differ for the test to mean anything");
            TensorAssert.Equal(sa.State[key], s0.State[key], $"alpha 0: {key}");
            TensorAssert.Equal(sb.State[key], s1.State[key], $"alpha 1: {key}");
            TensorAssert.Equal((sa.State[key] + sb.State[key]) / 2.0, sHalf.State[key], $"alpha 0.5: {key}");
        }
    }

    private static bool TensorEqual(Tensor x, Tensor y) => (x - y).Abs().Max().Item() == 0;

    [Fact]
    public void MismatchedKeysAndShapesAreListed()
    {
        var dir = RepoPaths.NewTempDir("srtrain-interp-bad");
        var a = InferTestData.Checkpoint(dir, seed: 13, "a.pth");
        var b = Path.Combine(dir, "b.pth");
        using (var state = new DisposableStateDict(PthFile.LoadStateDict(a, "params")))
        using (var scope = LibTorch.NewDisposeScope())
        {
            var changed = state.State.Where(p => p.Key != "conv_hr.bias").ToDictionary(p => p.Key, p => p.Value);
            changed["conv_last.weight"] = Tensor.Zeros([3, 8, 1, 1]);
            changed["extra.weight"] = Tensor.Zeros([2]);
            PthFile.Save(b, new Dictionary<string, object?> { ["params"] = changed });
        }
        var (code, stderr) = InferTestData.Cli("interp", "--a", a, "--b", b, "--alpha", "0.8", "-o", Path.Combine(dir, "out.pth"));
        Assert.Equal(2, code);
        Assert.Contains("only in", stderr);
        Assert.Contains("conv_hr.bias", stderr);
        Assert.Contains("extra.weight", stderr);
        Assert.Contains("conv_last.weight [3, 8, 3, 3]", stderr);
        Assert.Contains("[3, 8, 1, 1]", stderr);
        Assert.False(File.Exists(Path.Combine(dir, "out.pth")));
    }

    [Fact]
    public void SweepAlphasParseInclusiveOfTheStop()
    {
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1], InterpolationSweep.ParseAlphas("0:0.2:1"));
        Assert.Equal([0, 0.5, 0.8, 1], InterpolationSweep.ParseAlphas("0,0.5,0.8,1"));
        Assert.Contains("'x'", Assert.Throws<ArgumentException>(() => InterpolationSweep.ParseAlphas("0:x:1")).Message);
    }

    [Fact]
    public void SweepWritesOneLabelledGridPerInputWhoseColumnsAreTheAlphaOutputs()
    {
        var dir = RepoPaths.NewTempDir("srtrain-interp-sweep");
        var a = InferTestData.Checkpoint(dir, seed: 14, "psnr.pth");
        var b = InferTestData.Checkpoint(dir, seed: 15, "esrgan.pth");
        var input = Path.Combine(dir, "in");
        ImageIO.Write(Path.Combine(input, "x.png"), InferTestData.Picture(12, 24));
        ImageIO.Write(Path.Combine(input, "y.png"), InferTestData.Picture(10, 26));
        string[] arch = [.. InferTestData.ArchArgs];
        Assert.Equal(0, InferTestData.Cli(["interp", "--a", a, "--b", b, "--sweep", "0:0.5:1", .. arch, "-i", input, "-o", Path.Combine(dir, "grids")]).Code);
        Assert.Equal(0, InferTestData.Cli(["infer", "--model", a, .. arch, "-i", input, "-o", Path.Combine(dir, "a")]).Code);
        Assert.Equal(0, InferTestData.Cli(["infer", "--model", b, .. arch, "-i", input, "-o", Path.Combine(dir, "b")]).Code);

        var grid = ImageIO.Read(Path.Combine(dir, "grids", "x_sweep.png"));
        // 3 columns of 96 pixels (24 x4) with 2 gaps, under a label strip.
        Assert.Equal($"{LabelledGrid.LabelHeight + 48}x{3 * 96 + 2 * LabelledGrid.Gap}x3", grid.SizeText);
        Assert.True(File.Exists(Path.Combine(dir, "grids", "y_sweep.png")));
        var srA = ImageIO.Read(Path.Combine(dir, "a", "x.png"));
        var srB = ImageIO.Read(Path.Combine(dir, "b", "x.png"));
        Assert.Equal(0, InferTestData.MaxDiff(srA, grid.Crop(LabelledGrid.LabelHeight, 0, 48, 96)));
        Assert.Equal(0, InferTestData.MaxDiff(srB, grid.Crop(LabelledGrid.LabelHeight, 2 * (96 + LabelledGrid.Gap), 48, 96)));
        var middle = grid.Crop(LabelledGrid.LabelHeight, 96 + LabelledGrid.Gap, 48, 96);
        Assert.True(InferTestData.MaxDiff(srA, middle) > 0 && InferTestData.MaxDiff(srB, middle) > 0, "alpha 0.5 is neither end");
        // Each label strip holds dark text on white.
        for (int col = 0; col < 3; col++)
        {
            var strip = grid.Crop(0, col * (96 + LabelledGrid.Gap), LabelledGrid.LabelHeight, 96);
            int ink = strip.Data.Count(v => v < 0.5f);
            Assert.InRange(ink, 30, strip.Data.Length / 3);
        }
    }
}
