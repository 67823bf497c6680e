namespace SrTrain.Archs.Tests;

/// <summary>MDSR against the PyTorch reference in tests/fixtures/archs_ref.py; fixtures from
/// <c>/usr/bin/python3 tests/fixtures/make_archs.py</c> (tests/fixtures/archs/MDSR.json): one weight set,
/// each scale's branch.</summary>
public sealed class MdsrTests
{
    [Theory]
    [MemberData(nameof(ArchCases.Mdsr), MemberType = typeof(ArchCases))]
    public void ForwardWithScaleMatchesPytorchReference(string caseName)
    {
        var c = ArchFixture.Load("MDSR")[caseName];
        ArchParity.Run(c, (net, x) => ((Mdsr)net).Forward(x, c.Scale!.Value));
    }

    [Theory]
    [MemberData(nameof(ArchCases.Mdsr), MemberType = typeof(ArchCases))]
    public void ForwardUsesTheCurrentUpscale(string caseName)
    {
        var c = ArchFixture.Load("MDSR")[caseName];
        ArchParity.Run(c, (net, x) =>
        {
            ((Mdsr)net).Upscale = c.Scale!.Value;
            return net.Forward(x);
        });
    }

    [Fact]
    public void RejectsAScaleWithoutABranch()
    {
        using var net = new Mdsr(numFeat: 4, numBlock: 1, upscales: [2, 4]);
        var e = Assert.Throws<ArgumentException>(() => net.Upscale = 3);
        Assert.Contains("2, 4", e.Message);
    }
}
