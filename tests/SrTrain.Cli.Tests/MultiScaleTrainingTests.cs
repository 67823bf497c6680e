using System.Globalization;
using SrTrain.Abstractions.Options;
using SrTrain.Archs;
using SrTrain.Data.Pipeline;
using SrTrain.Engine.Training;
using SrTrain.Torch.Optim;

namespace SrTrain.Cli.Tests;

/// <summary>Multi-scale training (EDSR paper 4.2, MDSR; VDSR): a MultiScalePairedImageDataset gives batches each of one
/// scale drawn per batch; MDSR runs each batch through that scale's branches, so the other branches get no gradient,
/// keep their weights bit for bit and their Adam state does not advance, while the shared body changes; VDSR takes the
/// same data through its bicubic upsampling; a run resumed mid-way sees the same scales and ends with the same weights;
/// validation sets with their own scale log one PSNR each.</summary>
[Collection(SerialCliCollection.Name)]
public class MultiScaleTrainingTests
{
    private static readonly SmokeData X2 = new(scale: 2, trainImages: 6, valImages: 2, hrSize: 48);
    private static readonly SmokeData X3 = new(scale: 3, trainImages: 6, valImages: 2, hrSize: 48);

    private static int Cli(params string[] args) => Program.Main(args);

    /// <summary>Both SmokeData trees draw the same HR images (same seed): X2's HR with X2's and X3's LR.</summary>
    private static string Options(string name, string network, long totalIter, string root, int valFreq = 1000) =>
        Write(root, name + ".yml", $$"""
        name: {{name}}
        model_type: SRModel
        scale: 2
        num_gpu: 0
        manual_seed: 5
        datasets:
          train:
            name: smoke
            type: MultiScalePairedImageDataset
            scales: [2, 3]
            dataroot_gt: {{X2.Hr("train")}}
            dataroot_lq: {2: {{X2.Lr("train")}}, 3: {{X3.Lr("train")}}}
            io_backend: {type: disk}
            gt_size: 24
            use_hflip: true
            use_rot: true
            num_worker_per_gpu: 0
            batch_size_per_gpu: 2
          val_x2:
            name: smoke_val
            type: PairedImageDataset
            scale: 2
            dataroot_gt: {{X2.Hr("val")}}
            dataroot_lq: {{X2.Lr("val")}}
            io_backend: {type: disk}
          val_x3:
            name: smoke_val
            type: PairedImageDataset
            scale: 3
            dataroot_gt: {{X2.Hr("val")}}
            dataroot_lq: {{X3.Lr("val")}}
            io_backend: {type: disk}
        network_g: {{network}}
        path: {root: {{root}}}
        train:
          total_iter: {{totalIter}}
          optim_g: {type: Adam, lr: !!float 1e-3, betas: [0.9, 0.99]}
          pixel_opt: {type: L1Loss}
        val:
          val_freq: {{valFreq}}
          metrics:
            psnr: {type: calculate_psnr, crop_border: 3}
        logger: {print_freq: 1, save_checkpoint_freq: 1000}
        """);

    private const string Mdsr = "{type: MDSR, num_feat: 8, num_block: 2, upscales: [2, 3, 4], upscale: 2}";

    private static string Write(string root, string file, string text)
    {
        var path = Path.Combine(root, file);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void MdsrTrainsOnlyTheDrawnScalesBranchesAndTheSharedBody()
    {
        var root = RepoPaths.NewTempDir("srtrain-multiscale");
        var o = OptionFile.Load(Options("ms_unit", Mdsr, 6, root), isTrain: true, useEnvironment: false);
        LibTorch.ManualSeed(5);
        using var model = Trainer.CreateModel(o, Device.Cpu);
        using var loader = new DataPipeline().CreateTrainLoader("train", (Dictionary<string, object?>)o.Datasets["train"]!, o.Scale, 5, Device.Cpu);
        var net = (Mdsr)model.NetG;
        var adam = (AdamBase)model.OptimizerG!;
        var parameters = net.NamedParameters().ToList();
        var seen = new HashSet<int>();
        foreach (var batch in loader.Epoch(0))
        {
            using var scope = LibTorch.NewDisposeScope();
            using (batch)
            {
                int scale = batch.Scale ?? throw new Xunit.Sdk.XunitException("a multi-scale batch has no scale");
                seen.Add(scale);
                Assert.Equal(batch.Gt!.Size(-1), batch.Lq.Size(-1) * scale);   // LQ patch = gt_size / scale
                Assert.Equal(24, batch.Gt.Size(-1));
                var before = parameters.ToDictionary(p => p.Name, p => p.Tensor.Clone());
                var stepsBefore = parameters.Select((_, i) => adam.StepCount(i)).ToList();
                model.OptimizeAccumulated(1, [batch]);
                var branch = Array.IndexOf([2, 3, 4], scale).ToString(CultureInfo.InvariantCulture);
                for (int i = 0; i < parameters.Count; i++)
                {
                    var (name, p) = parameters[i];
                    var parts = name.Split('.');
                    bool otherBranch = parts[0] is "pre_process" or "upsample" && parts[1] != branch;
                    if (otherBranch)
                    {
                        Assert.Null(p.Grad);
                        TensorAssert.Equal(before[name], p, $"x{scale} step: {name}");
                        Assert.Equal(stepsBefore[i], adam.StepCount(i));
                    }
                    else
                    {
                        Assert.Equal(stepsBefore[i] + 1, adam.StepCount(i));
                        if (parts[0] == "body") Assert.NotEqual(before[name].ToArray<float>(), p.ToArray<float>());
                    }
                }
            }
        }
        Assert.Equal([2, 3], seen.Order());   // both scales were drawn in this epoch
    }

    [Fact]
    public void ScaleSequenceIsTheSameAfterAResume()
    {
        var root = RepoPaths.NewTempDir("srtrain-multiscale-seq");
        var o = OptionFile.Load(Options("ms_seq", Mdsr, 6, root), isTrain: true, useEnvironment: false);
        var section = (Dictionary<string, object?>)o.Datasets["train"]!;
        using var loader = new DataPipeline().CreateTrainLoader("train", section, o.Scale, 5, Device.Cpu);
        List<int> Scales(int epoch, int first) => loader.Epoch(epoch, first).Select(b => { using (b) return b.Scale!.Value; }).ToList();
        var whole = Enumerable.Range(0, 4).SelectMany(e => Scales(e, 0)).ToList();
        Assert.Equal(whole, Enumerable.Range(0, 4).SelectMany(e => Scales(e, 0)));
        Assert.Equal(whole.Skip(loader.BatchesPerEpoch + 1), Scales(1, 1).Concat(Scales(2, 0)).Concat(Scales(3, 0)));
        Assert.Contains(2, whole);
        Assert.Contains(3, whole);
    }

    [Fact]
    public void ResumedMultiScaleRunEqualsUninterruptedAndValidatesEachScale()
    {
        var straightRoot = RepoPaths.NewTempDir("srtrain-ms-straight");
        var splitRoot = RepoPaths.NewTempDir("srtrain-ms-split");
        Assert.Equal(0, Cli("train", "-opt", Options("ms", Mdsr, 6, straightRoot, valFreq: 6)));
        Assert.Equal(0, Cli("train", "-opt", Options("ms", Mdsr, 3, splitRoot), "--set", "logger.save_checkpoint_freq=3"));
        var state = Path.Combine(splitRoot, "experiments", "ms", "training_states", "3.state");
        Assert.Equal(0, Cli("train", "-opt", Options("ms", Mdsr, 6, splitRoot, valFreq: 6), "--set", $"path.resume_state={state}"));

        var a = Path.Combine(straightRoot, "experiments", "ms", "models", "net_g_6.pth");
        var b = Path.Combine(splitRoot, "experiments", "ms", "models", "net_g_6.pth");
        using var wa = new DisposableStateDict(Torch.Serialization.PthFile.LoadStateDict(a, "params"));
        using var wb = new DisposableStateDict(Torch.Serialization.PthFile.LoadStateDict(b, "params"));
        foreach (var (key, value) in wa.State) TensorAssert.Equal(value, wb.State[key], key);

        var log = File.ReadAllText(Directory.GetFiles(Path.Combine(straightRoot, "experiments", "ms"), "train_ms_*.log").Single());
        Assert.Contains("Validation smoke_val_x2", log);
        Assert.Contains("Validation smoke_val_x3", log);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(log, "# psnr: ").Count);
    }

    [Fact]
    public void VdsrTakesTheMultiScaleDataThroughItsUpsampling()
    {
        var root = RepoPaths.NewTempDir("srtrain-ms-vdsr");
        var (rc, output, error) = CliRun.Capture("train", "-opt", Options("ms_vdsr", "{type: VDSR, num_feat: 8, num_layer: 3, upscale: 2}", 4, root, valFreq: 4));
        Assert.True(rc == 0, error + output);
        var log = File.ReadAllText(Directory.GetFiles(Path.Combine(root, "experiments", "ms_vdsr"), "train_ms_vdsr_*.log").Single());
        Assert.Contains("Validation smoke_val_x3", log);
    }

    [Fact]
    public void ASingleScaleNetworkIsAClearError()
    {
        var root = RepoPaths.NewTempDir("srtrain-ms-bad");
        var (rc, output, error) = CliRun.Capture("train", "-opt", Options("ms_bad", "{type: EDSR, num_feat: 8, num_block: 1, upscale: 2}", 4, root));
        Assert.NotEqual(0, rc);
        Assert.Contains("multi-scale data needs MDSR, VDSR or SRCNN", error + output);
        Assert.DoesNotContain("   at ", error + output);
    }
}
