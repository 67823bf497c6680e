using SrTrain.Torch.Nn;

namespace SrTrain.Archs.Tests;

/// <summary>RRDBNet against the PyTorch reference in tests/fixtures/archs_ref.py (BasicSR's structure); fixtures
/// from <c>/usr/bin/python3 tests/fixtures/make_archs.py</c> (tests/fixtures/archs/RRDBNet.json). The
/// <c>x4_esrgan_release</c> case holds the x4 weights under the original ESRGAN release's keys
/// (<c>model.1.sub.N.RDB1.conv1.0.weight</c>, ...) and expects the BasicSR-layout output.</summary>
public sealed class RrdbNetTests
{
    [Theory]
    [MemberData(nameof(ArchCases.RrdbNet), MemberType = typeof(ArchCases))]
    public void MatchesPytorchReference(string caseName) =>
        ArchParity.Run(ArchFixture.Load("RRDBNet")[caseName]);

    [Fact]
    public void EsrganReleaseLayoutGivesTheSameOutputAsBasicsrLayout()
    {
        var fixture = ArchFixture.Load("RRDBNet");
        var c = fixture["x4_esrgan_release"];
        using var scope = LibTorch.NewDisposeScope();
        using var basic = c.Build();
        using var release = c.Build();
        ArchCheckpoint.Load(basic, fixture.State("x4"));
        ArchCheckpoint.Load(release, fixture.State("x4_esrgan_release"), strict: true, out var note);
        Assert.Contains("OriginalRelease", note);
        basic.Eval();
        release.Eval();
        var x = c.Input();
        using var _ = LibTorch.NoGrad();
        TensorAssert.Equal(basic.Forward(x), release.Forward(x), "release-layout output");
    }

    [Fact]
    public void RejectsInputTheUnshuffleCannotSplit()
    {
        using var net = new RrdbNet(scale: 2, numFeat: 4, numBlock: 1, numGrowCh: 2);
        using var scope = LibTorch.NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => net.Forward(Tensor.Zeros([1, 3, 5, 6])));
        Assert.Contains("multiples of 2", e.Message);
    }

    [Fact]
    public void RejectsScale3()
    {
        var e = Assert.Throws<ArgumentException>(() => new RrdbNet(scale: 3, numFeat: 4, numBlock: 1));
        Assert.Contains("1, 2 or 4", e.Message);
    }

    [Fact]
    public void RdbConvsGetScaledMsraInit()
    {
        // kaiming_normal_ (fan_in, gain sqrt 2) x 0.1: std = 0.1 * sqrt(2 / fan_in); biases 0.
        LibTorch.ManualSeed(0);
        using var net = new RrdbNet(numFeat: 64, numBlock: 1, numGrowCh: 32);
        var sd = net.StateDict();
        using var scope = LibTorch.NewDisposeScope();
        var w = sd["body.0.rdb1.conv5.weight"];
        double expected = 0.1 * Math.Sqrt(2.0 / (192 * 9));
        Assert.InRange(w.Std().Item() / expected, 0.97, 1.03);
        Assert.Equal(0, sd["body.0.rdb1.conv5.bias"].Abs().Max().Item());
    }
}
