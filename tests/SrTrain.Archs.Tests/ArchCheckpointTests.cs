using SrTrain.Torch.Nn;
using SrTrain.Torch.Serialization;

namespace SrTrain.Archs.Tests;

/// <summary>Key conversion on load: DataParallel 'module.' prefix, ESRGAN release layouts, clear errors.
/// Weights from tests/fixtures/archs/RRDBNet.json (<c>/usr/bin/python3 tests/fixtures/make_archs.py</c>).</summary>
public sealed class ArchCheckpointTests
{
    private static RrdbNet SmallRrdb() => new(scale: 4, numFeat: 4, numBlock: 2, numGrowCh: 2);

    [Fact]
    public void StripsTheDataparallelModulePrefix()
    {
        using var scope = LibTorch.NewDisposeScope();
        var state = ArchFixture.Load("RRDBNet").State("x4");
        using var net = SmallRrdb();
        ArchCheckpoint.Load(net, state.ToDictionary(p => "module." + p.Key, p => p.Value), strict: true, out var note);
        Assert.Contains("module.", note);
        foreach (var (key, t) in net.StateDict()) TensorAssert.Equal(state[key], t, key);
    }

    [Fact]
    public void ConvertsTheEsrganRepositoryLayout()
    {
        using var scope = LibTorch.NewDisposeScope();
        var state = ArchFixture.Load("RRDBNet").State("x4");
        // The ESRGAN repository's RRDBNet_arch.py names: RRDB_trunk.N.RDBk, trunk_conv, upconv1/2, HRconv.
        string Rename(string k) => k.StartsWith("body.")
            ? "RRDB_trunk." + k["body.".Length..].Replace(".rdb", ".RDB")
            : k.Replace("conv_body", "trunk_conv").Replace("conv_up1", "upconv1").Replace("conv_up2", "upconv2").Replace("conv_hr", "HRconv");
        var repo = state.ToDictionary(p => Rename(p.Key), p => p.Value);
        Assert.Contains("RRDB_trunk.1.RDB3.conv5.weight", repo.Keys);
        using var net = SmallRrdb();
        ArchCheckpoint.Load(net, repo, strict: true, out var note);
        Assert.Contains("EsrganRepository", note);
        foreach (var (key, t) in net.StateDict()) TensorAssert.Equal(state[key], t, key);
    }

    [Fact]
    public void ReleaseLayoutKeyOutsideTheLayoutIsNamed()
    {
        using var scope = LibTorch.NewDisposeScope();
        var state = ArchFixture.Load("RRDBNet").State("x4_esrgan_release");
        state["model.5.weight"] = Tensor.Zeros([1]);
        using var net = SmallRrdb();
        var e = Assert.Throws<ArgumentException>(() => ArchCheckpoint.Load(net, state));
        Assert.Contains("model.5.weight", e.Message);
    }

    [Fact]
    public void StrictLoadNamesMissingAndUnexpectedKeys()
    {
        using var scope = LibTorch.NewDisposeScope();
        var state = ArchFixture.Load("RRDBNet").State("x4");
        state.Remove("conv_hr.bias");
        state["conv_extra.weight"] = Tensor.Zeros([1]);
        using var net = SmallRrdb();
        var e = Assert.Throws<StateDictMismatchException>(() => ArchCheckpoint.Load(net, state, strict: true));
        Assert.Contains("conv_hr.bias", e.Message);
        Assert.Contains("conv_extra.weight", e.Message);
        var result = ArchCheckpoint.Load(net, state, strict: false);
        Assert.Equal(["conv_hr.bias"], result.MissingKeys);
    }

    [Fact]
    public void OtherArchsKeepModelKeysUnconverted()
    {
        // Only RRDBNet has a release layout; an EDSR given model.* keys must fail, not be renamed.
        using var scope = LibTorch.NewDisposeScope();
        using var net = new Edsr(numFeat: 4, numBlock: 1);
        var state = new Dictionary<string, Tensor> { ["model.0.weight"] = Tensor.Zeros([1]), ["model.1.sub.0.weight"] = Tensor.Zeros([1]) };
        var e = Assert.Throws<StateDictMismatchException>(() => ArchCheckpoint.Load(net, state));
        Assert.Contains("model.0.weight", e.Message);
    }

    private static string Save(object tree)
    {
        var path = Path.Combine(RepoPaths.NewTempDir("archs-ckpt"), "net_g.pth");
        PthFile.Save(path, tree);
        return path;
    }

    [Fact]
    public void PathOverloadSelectsParamsOrParamsEma()
    {
        using var scope = LibTorch.NewDisposeScope();
        var state = ArchFixture.Load("RRDBNet").State("x4");
        var ema = state.ToDictionary(p => p.Key, p => p.Value * 2);
        var path = Save(new Dictionary<string, object?> { ["params"] = state, ["params_ema"] = ema });
        using var net = SmallRrdb();
        ArchCheckpoint.Load(net, path, "params_ema", strict: true, out var note);
        Assert.Null(note);
        foreach (var (key, t) in net.StateDict()) TensorAssert.Equal(ema[key], t, key);
        ArchCheckpoint.Load(net, path);
        foreach (var (key, t) in net.StateDict()) TensorAssert.Equal(state[key], t, key);
    }

    [Fact]
    public void PathOverloadFallsBackToParamsWhenParamsEmaIsAbsent()
    {
        using var scope = LibTorch.NewDisposeScope();
        var state = ArchFixture.Load("RRDBNet").State("x4");
        var path = Save(new Dictionary<string, object?> { ["params"] = state });
        using var net = SmallRrdb();
        ArchCheckpoint.Load(net, path, "params_ema", strict: true, out var note);
        Assert.Contains("no 'params_ema' entry; loaded 'params'", note);
        foreach (var (key, t) in net.StateDict()) TensorAssert.Equal(state[key], t, key);
    }

    [Fact]
    public void PathOverloadLoadsAFlatEsrganReleaseFileAndMatchesTheReferenceOutput()
    {
        var fixture = ArchFixture.Load("RRDBNet");
        var c = fixture["x4_esrgan_release"];
        using var scope = LibTorch.NewDisposeScope();
        var path = Save(fixture.State("x4_esrgan_release"));
        using var net = c.Build();
        ArchCheckpoint.Load(net, path, "params", strict: true, out var note);
        Assert.Contains("only state dict", note);
        Assert.Contains("OriginalRelease", note);
        net.Eval();
        using var _ = LibTorch.NoGrad();
        TensorAssert.Close(c.Output(), net.Forward(c.Input()), ArchParity.Output, "output after loading");
    }

    [Fact]
    public void PathOverloadErrorNamesTheFileAndItsKeys()
    {
        using var scope = LibTorch.NewDisposeScope();
        var path = Save(new Dictionary<string, object?> { ["iter"] = 5L, ["optimizers"] = new List<object?>() });
        using var net = SmallRrdb();
        var e = Assert.Throws<CheckpointFormatException>(() => ArchCheckpoint.Load(net, path, "params_ema"));
        Assert.Contains(path, e.Message);
        Assert.Contains("iter", e.Message);
        Assert.Throws<FileNotFoundException>(() => ArchCheckpoint.Load(net, path + ".missing"));
    }

    [Fact]
    public void PathOverloadMismatchNamesTheFile()
    {
        using var scope = LibTorch.NewDisposeScope();
        var path = Save(new Dictionary<string, object?> { ["params"] = ArchFixture.Load("RRDBNet").State("x2") });
        using var net = SmallRrdb();
        var e = Assert.Throws<InvalidDataException>(() => ArchCheckpoint.Load(net, path));
        Assert.Contains(path, e.Message);
        Assert.Contains("conv_first.weight", e.Message);
    }
}
