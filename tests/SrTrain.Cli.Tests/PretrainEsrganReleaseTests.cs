using SrTrain.Archs;
using SrTrain.Abstractions.Options;
using SrTrain.Engine.Training;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Tests;

/// <summary><c>path.pretrain_network_g</c> pointing at an ESRGAN release file (bare state dict, original or
/// ESRGAN-repository keys) builds an RRDBNet model with <c>strict_load_g: true</c>, as <c>srtrain train</c> and
/// <c>srtrain test</c> do: no hand conversion. The files and expected outputs come from the ESRGAN code's own
/// module structure: tests/fixtures/esrgan_release/, <c>/usr/bin/python3 tests/fixtures/make_esrgan_release.py</c>.</summary>
public sealed class PretrainEsrganReleaseTests
{
    private static ExperimentOptions Options(string weights, bool isTrain, bool defaultParamKey = false)
    {
        var yaml = $$"""
            name: release_weights
            model_type: SRModel
            scale: 4
            num_gpu: 0
            network_g: {type: RRDBNet, num_in_ch: 3, num_out_ch: 3, num_feat: 8, num_block: 1, num_grow_ch: 4}
            path:
              pretrain_network_g: {{weights}}
              {{(defaultParamKey ? "" : "param_key_g: ~")}}
              strict_load_g: true
            train:
              ema_decay: 0.999
              optim_g: {type: Adam, lr: !!float 1e-4}
              pixel_opt: {type: L1Loss, loss_weight: 1.0}
              total_iter: 10
            """;
        var tree = OptionLayers.Compose(YamlOptionReader.ReadText(yaml, "release_weights.yml"), [], useEnvironment: false);
        return OptionFile.Bind(tree, "release_weights.yml", isTrain);
    }

    public static TheoryData<string, string, bool, bool> Cases => new()
    {
        { "original_release", "OriginalRelease", true, false },
        { "original_release", "OriginalRelease", false, false },
        { "esrgan_repository", "EsrganRepository", true, false },
        // BasicSR's default param_key_g (params): the bare file has no such entry and loads whole, with a note.
        { "original_release", "OriginalRelease", true, true },
        { "esrgan_repository", "EsrganRepository", false, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ModelLoadsTheReleaseFileStrictlyIntoNetGAndNetGEma(string layout, string layoutName, bool isTrain, bool defaultParamKey)
    {
        var weights = RepoPaths.Fixture($"esrgan_release/{layout}.pth");
        using var scope = LibTorch.NewDisposeScope();
        using var model = Trainer.CreateModel(Options(weights, isTrain, defaultParamKey), Device.Cpu);

        // The file's tensors, by the position each takes in the ESRGAN code's state_dict: the same
        // registration order as RRDBNet's, so this pairs them without the converter under test.
        var file = PthFile.LoadStateDict(weights);
        var nets = isTrain ? new[] { model.NetG, model.NetGEma! } : [model.NetG];
        Assert.Equal(isTrain, model.NetGEma is not null);
        foreach (var net in nets)
        {
            var loaded = net.StateDict();
            Assert.Equal(file.Count, loaded.Count);
            foreach (var ((fileKey, expected), (key, actual)) in file.Zip(loaded))
                TensorAssert.Equal(expected, actual, $"{key} (file: {fileKey})");
        }

        using var reference = TensorFixture.Load("esrgan_release/expected.json");
        TensorAssert.Close(reference[$"output_{layout}"], model.Test(reference["input"]), Tolerance.Network, "output vs the ESRGAN code's");

        // One log line for the conversion, naming the file and the layout, though net_g and net_g_ema both converted it.
        var note = Assert.Single(model.LoadNotes, n => n.Contains("key layout"));
        Assert.Contains(weights, note);
        Assert.Contains($"ESRGAN {layoutName} key layout", note);
        Assert.StartsWith("path.pretrain_network_g", note);
        // Which entry was loaded: with the default key the file has no 'params' entry and loads whole; net_g_ema
        // looks for 'params_ema' first (BasicSR), which a bare file never has. With param_key_g: ~ net_g says nothing.
        var keyNotes = model.LoadNotes.Where(n => !n.Contains("key layout")).ToList();
        Assert.Equal(defaultParamKey, keyNotes.Any(n => n.Contains(weights) && n.Contains("has no 'params' entry; loaded its only state dict")));
        Assert.Equal(isTrain, keyNotes.Any(n => n.Contains(weights) && n.Contains("has no 'params_ema' entry; loaded its only state dict")));
        Assert.Equal((defaultParamKey ? 1 : 0) + (isTrain ? 1 : 0), keyNotes.Count);
    }

    [Fact]
    public void BasicsrCheckpointLoadsWithoutANote()
    {
        // The converter must leave RRDBNet's own keys alone and say nothing.
        var dir = RepoPaths.NewTempDir("pretrain-basicsr");
        var path = Path.Combine(dir, "net_g.pth");
        using var scope = LibTorch.NewDisposeScope();
        using (var net = new RrdbNet(numFeat: 8, numBlock: 1, numGrowCh: 4))
            PthFile.Save(path, net.StateDict());
        using var model = Trainer.CreateModel(Options(path, isTrain: false), Device.Cpu);
        Assert.Empty(model.LoadNotes);
        var saved = PthFile.LoadStateDict(path);
        foreach (var (key, t) in model.NetG.StateDict()) TensorAssert.Equal(saved[key], t, key);
    }
}
