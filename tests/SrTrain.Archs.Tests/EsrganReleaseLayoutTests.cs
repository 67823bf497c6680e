using SrTrain.Torch.Serialization;

namespace SrTrain.Archs.Tests;

/// <summary>RRDBNet loads the ESRGAN release files' key layouts through its <c>ICheckpointKeyAdapter</c> and then
/// computes what the ESRGAN code computes. The .pth files are bare state dicts of tiny generators (num_feat 8,
/// num_block 1, num_grow_ch 4) written in the ESRGAN code's own module structure, not renamed from BasicSR's,
/// with their outputs on a fixed input: tests/fixtures/esrgan_release/, made by
/// <c>/usr/bin/python3 tests/fixtures/make_esrgan_release.py</c>.</summary>
public sealed class EsrganReleaseLayoutTests
{
    public static TheoryData<string, string> Layouts => new()
    {
        { "original_release", "OriginalRelease" },
        { "esrgan_repository", "EsrganRepository" },
    };

    private static RrdbNet TinyRrdb() => new(scale: 4, numFeat: 8, numBlock: 1, numGrowCh: 4);

    internal static string ReleaseFile(string layout) => RepoPaths.Fixture($"esrgan_release/{layout}.pth");

    private static void AssertMatchesEsrganCode(RrdbNet net, string layout)
    {
        using var expected = TensorFixture.Load("esrgan_release/expected.json");
        net.Eval();
        using var _ = LibTorch.NoGrad();
        // A whole (tiny) RRDBNet forward: the network tolerance, relative to the output's magnitude.
        TensorAssert.Close(expected[$"output_{layout}"], net.Forward(expected["input"]), ArchParity.Output, $"{layout}: output vs the ESRGAN code's");
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void AdapterRenamesTheReleaseLayoutAndTheNetMatchesTheEsrganCode(string layout, string layoutName)
    {
        using var scope = LibTorch.NewDisposeScope();
        var state = PthFile.LoadStateDict(ReleaseFile(layout));
        using var net = TinyRrdb();
        var adapted = net.AdaptCheckpointKeys(state, out var conversion);
        Assert.Equal($"converted the ESRGAN {layoutName} key layout to RRDBNet's", conversion);
        Assert.Equal(net.StateDict().Keys.Order(), adapted.Keys.Order());
        // Re-keyed, not copied: the loader disposes the file's tensors once, after loading.
        Assert.All(adapted.Values, t => Assert.Contains(t, state.Values));
        net.LoadStateDict(adapted, strict: true);
        AssertMatchesEsrganCode(net, layout);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void InferLoaderReadsTheBareReleaseFileWithTheDefaultParamKey(string layout, string layoutName)
    {
        // srtrain infer's path: ArchCheckpoint with param key 'params' falls back to the file's only state dict.
        using var scope = LibTorch.NewDisposeScope();
        using var net = TinyRrdb();
        ArchCheckpoint.Load(net, ReleaseFile(layout), "params", strict: true, out var note);
        Assert.Contains("only state dict", note);
        Assert.Contains($"converted the ESRGAN {layoutName} key layout", note);
        AssertMatchesEsrganCode(net, layout);
    }

    [Fact]
    public void AdapterPassesBasicsrKeysThroughUnchanged()
    {
        using var scope = LibTorch.NewDisposeScope();
        using var net = TinyRrdb();
        var state = net.StateDict();
        Assert.Same(state, net.AdaptCheckpointKeys(state, out var conversion));
        Assert.Null(conversion);
    }
}
