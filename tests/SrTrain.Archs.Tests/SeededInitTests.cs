using SrTrain.TestSupport;
using SrTrain.Torch;
using SrTrain.Torch.Nn;
using Xunit;

namespace SrTrain.Archs.Tests;

/// <summary>Each arch built right after a manual seed starts from the same weights as BasicSR's, bit for bit: every
/// layer draws its random numbers in BasicSR's order (construction, then each default_init_weights call), and a
/// second network built after it (net_g_ema, net_d) draws on from there. Reference made at test time by
/// tests/fixtures/make_seeded_init.py's seeded_init_fixture() (<see cref="LiveFixture"/>: seeded draws are compared
/// bit for bit, on this machine's kernels).</summary>
public sealed class SeededInitTests
{
    private static readonly Dictionary<string, (Func<Module> Make, ulong Seed)> Cases = new()
    {
        ["MSRResNet_x4"] = (() => new MsrResNet(numFeat: 8, numBlock: 2, upscale: 4), 11),
        ["MSRResNet_x3"] = (() => new MsrResNet(numFeat: 8, numBlock: 2, upscale: 3), 12),
        ["EDSR_x4"] = (() => new Edsr(numFeat: 8, numBlock: 2, upscale: 4, resScale: 0.1), 13),
        ["RRDBNet_x4"] = (() => new RrdbNet(numFeat: 8, numBlock: 2, numGrowCh: 4, scale: 4), 14),
        ["RRDBNet_x2"] = (() => new RrdbNet(numFeat: 8, numBlock: 1, numGrowCh: 4, scale: 2), 15),
        ["MDSR"] = (() => new Mdsr(numFeat: 8, numBlock: 2), 16),
        ["SRResNet_x4"] = (() => new SrResNet(numFeat: 8, numBlock: 2, upscale: 4), 17),
        ["VDSR"] = (() => new Vdsr(numFeat: 8, numLayer: 5), 18),
        ["SRCNN"] = (() => new Srcnn(numFeat1: 8, numFeat2: 4), 19),
        ["ESPCN"] = (() => new Espcn(numFeat1: 8, numFeat2: 4), 20),
        ["VGGStyleDiscriminator"] = (() => new VggStyleDiscriminator(numFeat: 4, inputSize: 128), 21),
        ["UNetDiscriminatorSN"] = (() => new UNetDiscriminatorSN(numFeat: 4), 22),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void SameSeedGivesBasicSRsInitialWeights(string name)
    {
        using var fx = LiveFixture.Load("make_seeded_init", "seeded_init_fixture", "archs/seeded_init.json");
        using var scope = LibTorch.NewDisposeScope();
        var (make, seed) = Cases[name];
        LibTorch.ManualSeed(seed);
        using var net = make();
        var state = net.StateDict();
        var expectedKeys = fx.Names.Where(k => k.StartsWith(name + "/", StringComparison.Ordinal) && !k.StartsWith(name + "/second/", StringComparison.Ordinal))
                                   .Select(k => k[(name.Length + 1)..]).ToList();
        Assert.Equal(expectedKeys.Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));
        foreach (var key in expectedKeys)
            TensorAssert.Equal(fx[$"{name}/{key}"], state[key], $"{name} {key} after manual_seed({seed})");

        using var second = make();
        var secondKey = fx.Names.Single(k => k.StartsWith(name + "/second/", StringComparison.Ordinal));
        TensorAssert.Equal(fx[secondKey], second.StateDict()[secondKey[(name.Length + "/second/".Length)..]], $"{name}: a second network built after it");
    }
}
