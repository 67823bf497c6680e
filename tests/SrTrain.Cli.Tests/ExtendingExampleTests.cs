using System.Globalization;
using SrTrain.Cli.Tests.Extending;
using SrTrain.Abstractions.Registry;
using SrTrain.Data;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Tests;

/// <summary>docs/extending.md's example (ExtendingExample.cs) works: the three types register by their
/// attributes, bind from YAML keys, and train together through <c>srtrain train</c>.</summary>
[Collection(SerialCliCollection.Name)]
public class ExtendingExampleTests
{
    static ExtendingExampleTests() => TypeRegistry.Register(typeof(TinySr).Assembly);

    [Fact]
    public void TheExampleFileIsTheOneTheDocsShow()
    {
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "extending.md"));
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "SrTrain.Cli.Tests", "ExtendingExample.cs"));
        foreach (var marker in new[] { "[Arch(\"TinySR\")]", "[Loss(\"EdgeAwareL1Loss\")]", "[Dataset(\"NoisyBicubicDataset\")]" })
        {
            Assert.Contains(marker, source);
            Assert.Contains(marker, docs);
        }
        // Every C# block of the docs is a verbatim piece of the compiled file.
        foreach (var block in CodeBlocks(docs, "csharp"))
            Assert.True(source.Contains(block, StringComparison.Ordinal), $"docs/extending.md shows code that ExtendingExample.cs does not contain:\n{block}");
    }

    [Fact]
    public void ArchBindsFromSnakeCaseKeysWithPyTorchStyleStateDictKeys()
    {
        using var net = TypeRegistry.Create<Torch.Nn.Module>(RegistryKind.Arch,
            new Dictionary<string, object?> { ["type"] = "TinySR", ["num_feat"] = "8", ["num_conv"] = "3", ["upscale"] = "2" }, "network_g");
        Assert.Equal(["conv_first.weight", "conv_first.bias", "body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias",
                      "body.2.weight", "body.2.bias", "conv_up.weight", "conv_up.bias"], net.StateDict().Keys);
        using var scope = LibTorch.NewDisposeScope();
        Assert.Equal([1L, 3, 10, 12], net.Forward(Tensor.Rand([1, 3, 5, 6])).Shape);
        var error = Assert.Throws<OptionException>(() => TypeRegistry.Create<Torch.Nn.Module>(RegistryKind.Arch,
            new Dictionary<string, object?> { ["type"] = "TinySR", ["num_feats"] = 8 }, "network_g"));
        Assert.Contains("did you mean 'num_feat'", error.Message);
    }

    [Fact]
    public void LossAddsTheEdgeTermToL1()
    {
        var loss = TypeRegistry.Create<Abstractions.Contracts.IPixelLoss>(RegistryKind.Loss,
            new Dictionary<string, object?> { ["type"] = "EdgeAwareL1Loss", ["loss_weight"] = 2.0, ["edge_weight"] = 0.5 }, "train.pixel_opt");
        using var scope = LibTorch.NewDisposeScope();
        // pred - target is a ramp along x: |diff| = x, so L1 = mean(0, 1, 2) = 1; x-gradients differ by 1 everywhere, y-gradients by 0.
        var target = Tensor.Zeros([1, 1, 2, 3]);
        var pred = Tensor.From(new float[] { 0, 1, 2, 0, 1, 2 }, [1, 1, 2, 3]);
        Assert.Equal(2.0 * (1.0 + 0.5 * (1.0 + 0.0)), loss.Forward(pred, target).Item(), 6);
    }

    [Fact]
    public void AllThreeTrainTogetherThroughTheCli()
    {
        var data = new SmokeData(scale: 2, trainImages: 3, valImages: 1, hrSize: 48);
        var root = RepoPaths.NewTempDir("srtrain-extending");
        var options = Path.Combine(root, "tiny.yml");
        File.WriteAllText(options, $$"""
            name: extending_example
            model_type: SRModel
            scale: 2
            num_gpu: 0
            manual_seed: 3
            datasets:
              train:
                type: NoisyBicubicDataset
                dataroot_gt: {{data.Hr("train")}}
                gt_size: 32
                use_hflip: true
                use_rot: true
                noise_sigma: 2
                batch_size_per_gpu: 2
                num_worker_per_gpu: 0
              val:
                name: noisy_val
                type: NoisyBicubicDataset
                dataroot_gt: {{data.Hr("val")}}
            network_g: {type: TinySR, num_feat: 8, num_conv: 1, upscale: 2}
            path: {root: {{root}}}
            train:
              total_iter: 6
              optim_g: {type: Adam, lr: !!float 1e-3}
              pixel_opt: {type: EdgeAwareL1Loss, edge_weight: 0.5}
            val:
              val_freq: 6
              metrics:
                psnr: {type: calculate_psnr, crop_border: 2}
            logger: {print_freq: 1, save_checkpoint_freq: 6}
            """);
        var (rc, output, error) = CliRun.Capture("train", "-opt", options);
        Assert.True(rc == 0, error + output);
        var exp = Path.Combine(root, "experiments", "extending_example");
        using (var state = new DisposableStateDict(PthFile.LoadStateDict(Path.Combine(exp, "models", "net_g_6.pth"), "params")))
            Assert.Equal(["conv_first.weight", "conv_first.bias", "body.0.weight", "body.0.bias", "conv_up.weight", "conv_up.bias"], state.State.Keys);
        var lines = File.ReadAllLines(Path.Combine(exp, "scalars.csv"));
        var header = lines[0].Split(',');
        int pix = Array.IndexOf(header, "l_pix"), psnr = Array.IndexOf(header, "metrics/noisy_val/psnr");
        var losses = lines.Skip(1).Select(l => l.Split(',')[pix]).Where(c => c.Length > 0).Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(6, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0));
        Assert.Contains(lines.Skip(1), l => l.Split(',')[psnr].Length > 0);
    }

    private static IEnumerable<string> CodeBlocks(string markdown, string language)
    {
        var fence = "```" + language + "\n";
        for (int i = markdown.IndexOf(fence, StringComparison.Ordinal); i >= 0; i = markdown.IndexOf(fence, i, StringComparison.Ordinal))
        {
            int start = i + fence.Length, end = markdown.IndexOf("\n```", start, StringComparison.Ordinal);
            yield return markdown[start..end];
            i = end;
        }
    }
}
