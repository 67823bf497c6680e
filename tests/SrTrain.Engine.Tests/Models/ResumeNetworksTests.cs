using SrTrain.Abstractions.Options;
using SrTrain.Engine.Models;
using SrTrain.Engine.Training;

namespace SrTrain.Engine.Tests.Models;

/// <summary>Resume reloads every saved network except those path.ignore_resume_networks names (BasicSR's check_resume).</summary>
public class ResumeNetworksTests
{
    private static ExperimentOptions Options(string? ignore)
    {
        var yaml = """
            name: resume_networks
            model_type: SRModel
            scale: 2
            num_gpu: 0
            network_g: {type: MSRResNet, num_in_ch: 3, num_out_ch: 3, num_feat: 4, num_block: 1, upscale: 2}
            train:
              optim_g: {type: Adam, lr: !!float 1e-4}
              total_iter: 1
              pixel_opt: {type: L1Loss, loss_weight: 1.0}
            """;
        var tree = YamlOptionReader.ReadText(yaml, "resume_networks.yml");
        if (ignore is not null)
            tree["path"] = new Dictionary<string, object?> { ["ignore_resume_networks"] = new List<object?> { ignore } };
        return OptionFile.Bind(tree, "resume_networks.yml");
    }

    private static float FirstWeight(TrainingModel model)
    {
        using var scope = LibTorch.NewDisposeScope();
        return model.NetG.Parameters().First().Flatten().ToArray<float>()[0];
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("network_g", false)]
    public void ResumeReloadsNetGUnlessIgnored(string? ignore, bool reloaded)
    {
        var dir = RepoPaths.NewTempDir("resume-networks");
        using var model = Trainer.CreateModel(Options(ignore), Device.Cpu);
        model.SaveNetworks(dir, 1);
        float saved = FirstWeight(model);
        using (LibTorch.NoGrad())
            model.NetG.Parameters().First().Add_(1.0);
        model.LoadNetworks(dir, 1);
        Assert.Equal(reloaded, FirstWeight(model) == saved);
    }
}
