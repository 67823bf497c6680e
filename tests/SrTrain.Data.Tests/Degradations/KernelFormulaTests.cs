using SrTrain.Data.Degradations;
using SrTrain.Torch;

namespace SrTrain.Data.Tests.Degradations;

/// <summary>Real-ESRGAN's kernels against tests/fixtures/realesrgan_ref.py (BasicSR's numpy formulas, scipy's j1), made
/// at test time by make_realesrgan.kernels() with the parameters repeated here: max abs difference 1e-6 (the issue's
/// bound; the kernels are computed in float64 on both sides and rounded to float32).</summary>
public sealed class KernelFormulaTests
{
    public static TheoryData<string> Cases => new() { "iso", "aniso", "generalized_iso", "generalized_aniso", "plateau_iso", "plateau_aniso",
                                                      "sinc_7", "sinc_21", "sinc_11_pad21" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelEqualsTheReference(string name)
    {
        var kernel = name switch
        {
            "iso" => KernelFormulas.Gaussian(21, 2.3, 2.3, 0, isotropic: true),
            "aniso" => KernelFormulas.Gaussian(15, 0.7, 2.9, 0.6, isotropic: false),
            "generalized_iso" => KernelFormulas.GeneralizedGaussian(13, 1.7, 1.7, 0, 0.55, isotropic: true),
            "generalized_aniso" => KernelFormulas.GeneralizedGaussian(21, 3.0, 0.4, -2.1, 3.7, isotropic: false),
            "plateau_iso" => KernelFormulas.Plateau(9, 1.2, 1.2, 0, 1.6, isotropic: true),
            "plateau_aniso" => KernelFormulas.Plateau(17, 2.2, 1.1, 1.3, 1.05, isotropic: false),
            "sinc_7" => KernelFormulas.CircularLowpass(2.5, 7),
            "sinc_21" => KernelFormulas.CircularLowpass(0.7, 21),
            "sinc_11_pad21" => KernelFormulas.CircularLowpass(1.9, 11, padTo: 21),
            _ => throw new ArgumentException(name),
        };
        using var scope = LibTorch.NewDisposeScope();
        var expected = LiveFixture.Load("make_realesrgan", "kernels", "realesrgan/kernels.json")[name];
        Assert.Equal(expected.Shape, new long[] { kernel.Size, kernel.Size });
        var actual = Tensor.From(kernel.Values, [kernel.Size, kernel.Size]);
        double maxAbs = (actual - expected).Abs().Max().Item();
        Assert.True(maxAbs <= 1e-6, $"{name}: max |C# - reference| = {maxAbs:E2}");
        Assert.Equal(1.0, kernel.Values.Sum(v => (double)v), 5);
    }

    [Fact]
    public void BesselJ1MatchesKnownValues()
    {
        // Abramowitz & Stegun table 9.1: J1(1), J1(5), J1(10); the first zero 3.8317059702.
        Assert.Equal(0.4400505857, BesselJ1.Value(1), 9);
        Assert.Equal(-0.3275791376, BesselJ1.Value(5), 9);
        Assert.Equal(0.0434727462, BesselJ1.Value(10), 9);
        Assert.Equal(0.0, BesselJ1.Value(3.8317059702), 9);
    }

    [Fact]
    public void SamplerIsDeterministicPerSampleAndCoversItsTypes()
    {
        var s = new KernelSettings(KernelSettings.Types, [0.45, 0.25, 0.12, 0.03, 0.12, 0.03], 0.1, [0.2, 3], [0.5, 4], [1, 2], 21);
        var a = KernelSampler.Blur(s, SampleRng.For(3, 1, 7), 21);
        var b = KernelSampler.Blur(s, SampleRng.For(3, 1, 7), 21);
        var c = KernelSampler.Blur(s, SampleRng.For(3, 1, 8), 21);
        Assert.Equal(a.Values, b.Values);
        Assert.NotEqual(a.Values, c.Values);
        for (int i = 0; i < 200; i++)
        {
            var k = KernelSampler.Blur(s, SampleRng.For(9, 0, i), 21);
            Assert.Equal(21, k.Size);
            Assert.Equal(1.0, k.Values.Sum(v => (double)v), 4);
            Assert.True(k.Values.All(float.IsFinite));
        }
        var pulse = KernelSampler.FinalSinc(0, 21, SampleRng.For(1, 0, 0), 21);
        Assert.Equal(1f, pulse[10, 10]);
        Assert.Equal(1f, pulse.Values.Sum());
    }

    [Fact]
    public void BadSettingsNameTheKey()
    {
        var e = Assert.Throws<ArgumentException>(() => new KernelSettings(["iso", "gauss"], [1, 1], 0, [0.2, 3], [0.5, 4], [1, 2], 21, "2"));
        Assert.Contains("kernel_list2", e.Message);
        Assert.Contains("gauss", e.Message);
        e = Assert.Throws<ArgumentException>(() => new KernelSettings(["iso"], [1, 1], 0, [0.2, 3], [0.5, 4], [1, 2], 21));
        Assert.Contains("kernel_prob", e.Message);
    }
}
