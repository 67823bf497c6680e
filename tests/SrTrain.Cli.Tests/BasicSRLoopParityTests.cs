using System.Globalization;
using System.Text.Json;

namespace SrTrain.Cli.Tests;

/// <summary>`srtrain train` and BasicSR's training pipeline, given the same option file and seed, train the same
/// model: the same loss at every iteration, the same net_g and net_g_ema, the same validation PSNR. BasicSR's side is
/// scripts/bench/basicsr_loop.py (its train.py, EnlargedSampler, DataLoader workers with worker_init_fn,
/// PairedImageDataset, SRModel with EMA, MultiStepRestartLR with warm-up, tensor2img + calculate_psnr), run by
/// /usr/bin/python3 with this process's thread count, so both sides run the same libtorch kernels on the same
/// inputs and nothing but the pipeline could make them differ. SrTrain runs NCHW (<c>memory_format: contiguous</c>) as
/// PyTorch does by default, whatever <c>auto</c> would pick: channels_last convolutions round differently, and with
/// libtorch's direct convolutions (<c>conv_algorithm: direct</c>), not oneDNN's Winograd ones, for the same reason,
/// and torch.optim.Adam's op-by-op update (<c>fused: false</c>), not the fused one, whose multiply-adds round
/// differently.</summary>
[Collection(SerialCliCollection.Name)]
public sealed class BasicSRLoopParityTests
{
    private static readonly SmokeData Data = new();

    [Fact]
    public void SameOptionFileSameSeedTrainsBasicSRsModel()
    {
        const int Iterations = 12;
        var root = RepoPaths.NewTempDir("srtrain-basicsr-loop");
        var options = Data.PsnrOptions("basicsr_loop", totalIter: Iterations, root, printFreq: 1, checkpointFreq: Iterations,
                                       valFreq: Iterations, workers: 2);
        var reference = Path.Combine(root, "reference");
        PythonReference.Run($"import runpy, sys\nsys.argv = sys.argv[1:]\nrunpy.run_path(sys.argv[0], run_name='__main__')",
            Path.Combine(RepoPaths.Root, "scripts", "bench", "basicsr_loop.py"), "-opt", options, "--out", reference,
            "--threads", LibTorch.NumThreads.ToString(CultureInfo.InvariantCulture));
        var (rc, output, error) = CliRun.Capture("train", "-opt", options, "--set", "memory_format=contiguous", "--set", "conv_algorithm=direct",
                                                   "--set", "train.optim_g.fused=false");
        Assert.True(rc == 0, output + error);

        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(reference, "result.json")));
        var experiment = Path.Combine(root, "experiments", "basicsr_loop");
        var rows = File.ReadAllLines(Path.Combine(experiment, "scalars.csv"));
        var header = rows[0].Split(',');
        var cells = rows.Skip(1).Select(r => r.Split(',')).ToList();
        double Cell(string[] row, string column) => double.Parse(row[Array.IndexOf(header, column)], CultureInfo.InvariantCulture);
        var losses = cells.Where(c => c[Array.IndexOf(header, "l_pix")].Length > 0).ToDictionary(c => (int)Cell(c, "iter"), c => Cell(c, "l_pix"));
        var lrs = cells.Where(c => c[Array.IndexOf(header, "l_pix")].Length > 0).ToDictionary(c => (int)Cell(c, "iter"), c => Cell(c, "lr"));
        var logged = result.RootElement.GetProperty("log").EnumerateArray().ToList();
        Assert.Equal(Iterations, logged.Count);
        foreach (var entry in logged)
        {
            int iter = entry.GetProperty("iter").GetInt32();
            Assert.True(entry.GetProperty("l_pix").GetDouble() == losses[iter],
                $"iteration {iter}: l_pix {losses[iter]:R}, BasicSR's pipeline {entry.GetProperty("l_pix").GetDouble():R}");
            Assert.Equal(entry.GetProperty("lr").GetDouble(), lrs[iter], 12);
        }
        var psnr = cells.Where(c => c[Array.IndexOf(header, "metrics/smoke_val/psnr")].Length > 0).Select(c => Cell(c, "metrics/smoke_val/psnr")).Single();
        Assert.Equal(result.RootElement.GetProperty("val")[0].GetProperty("val").GetDouble(), psnr, 9);

        var weights = PythonReference.Run("""
            import sys, torch
            a, b = torch.load(sys.argv[1]), torch.load(sys.argv[2])
            print(max((a[k][n] - b[k][n]).abs().max().item() for k in ("params", "params_ema") for n in a[k]))
            """, Path.Combine(reference, "net_g_latest.pth"), Path.Combine(experiment, "models", $"net_g_{Iterations}.pth"));
        Assert.Equal(0.0, double.Parse(weights.Trim(), CultureInfo.InvariantCulture));
    }
}
