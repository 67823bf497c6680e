using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Archs;
using SrTrain.Engine.Checkpoints;
using SrTrain.Engine.Training;
using SrTrain.Torch.Nn;

namespace SrTrain.Engine.Tests.Models;

/// <summary>Scale transfer (EDSR paper, section 4.2: x3 and x4 start from the trained x2 model):
/// <c>path.pretrain_network_g</c> with <c>strict_load_g: false</c> loads every key whose name and shape match, bit
/// for bit, and the model's load notes (which the trainer logs) name each key it left out, with its shapes.</summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class ScaleTransferTests
{
    private static string SaveX2(Module net)
    {
        var dir = RepoPaths.NewTempDir("srtrain-transfer");
        var path = Path.Combine(dir, "net_g_x2.pth");
        NetworkFile.Save(path, net, null);
        return path;
    }

    private static ExperimentOptions Options(string network, int scale, string pretrained, bool strict) =>
        OptionFile.Bind(YamlOptionReader.ReadText($$"""
            name: transfer
            model_type: SRModel
            scale: {{scale}}
            num_gpu: 0
            network_g: {{network}}
            path: {pretrain_network_g: {{pretrained}}, strict_load_g: {{(strict ? "true" : "false")}}}
            train:
              total_iter: 1
              optim_g: {type: Adam, lr: 1.0e-4}
              pixel_opt: {type: L1Loss}
            """, "transfer.yml"), "transfer.yml");

    [Theory]
    [InlineData("EDSR", 3, "upsample.0.weight [32, 8, 3, 3] in the checkpoint, [72, 8, 3, 3] in the network", null)]
    [InlineData("EDSR", 4, null, "upsample.2.weight [32, 8, 3, 3], upsample.2.bias [32]")]
    [InlineData("MSRResNet", 3, "upconv1.weight [32, 8, 3, 3] in the checkpoint, [72, 8, 3, 3] in the network", null)]
    [InlineData("MSRResNet", 4, null, "upconv2.weight [32, 8, 3, 3], upconv2.bias [32]")]
    public void X2WeightsInitialiseTheLargerScale(string arch, int scale, string? skipped, string? missing)
    {
        using var scope = LibTorch.NewDisposeScope();
        LibTorch.ManualSeed(3);
        using Module x2 = arch == "EDSR" ? new Edsr(numFeat: 8, numBlock: 2, upscale: 2) : new MsrResNet(numFeat: 8, numBlock: 2, upscale: 2);
        var path = SaveX2(x2);
        string network = arch == "EDSR" ? $"{{type: EDSR, num_feat: 8, num_block: 2, upscale: {scale}}}" : $"{{type: MSRResNet, num_feat: 8, num_block: 2, upscale: {scale}}}";
        using var model = Trainer.CreateModel(Options(network, scale, path, strict: false), Device.Cpu);

        var source = x2.StateDict();
        var notes = string.Join("\n", model.LoadNotes);
        int transferred = 0;
        foreach (var (key, value) in model.NetG.StateDict())
        {
            if (source.TryGetValue(key, out var from) && from.Shape.SequenceEqual(value.Shape))
            {
                TensorAssert.Equal(from, value, key);
                transferred++;
            }
            else Assert.Contains(key, notes);
        }
        Assert.True(transferred >= source.Count - 2, $"only {transferred} of {source.Count} keys transferred");
        Assert.Contains($"loaded {transferred} key(s) non-strictly", notes);
        if (skipped is not null) Assert.Contains(skipped, notes);
        if (missing is not null) Assert.Contains(missing, notes);
        Assert.Contains("path.pretrain_network_g: " + path, notes);
    }

    [Fact]
    public void StrictLoadingStillRefusesAnotherScale()
    {
        using var scope = LibTorch.NewDisposeScope();
        using var x2 = new Edsr(numFeat: 8, numBlock: 2, upscale: 2);
        var path = SaveX2(x2);
        var e = Assert.ThrowsAny<Exception>(() => Trainer.CreateModel(Options("{type: EDSR, num_feat: 8, num_block: 2, upscale: 3}", 3, path, strict: true), Device.Cpu));
        Assert.Contains("upsample.0.weight", e.Message);
    }
}
