using System.Diagnostics;
using System.Globalization;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Tests;

/// <summary>Data-parallel training over Gloo on 127.0.0.1: 2 ranks of batch 2 train like 1 rank of batch 4 over the
/// same samples (BasicSR's EnlargedSampler shards, gradients averaged), exact resume stays exact with 2 ranks, and a
/// lost rank ends the others within the c10d timeout with a message naming it.</summary>
[Collection(SerialCliCollection.Name)]
public class DistributedTrainingTests
{
    private static readonly SmokeData Data = new(trainImages: 8, valImages: 1);

    private static int Cli(params string[] args) => Program.Main(args);

    /// <summary>A tiny MSRResNet (or, with <paramref name="gan"/>, SRGAN with a U-Net discriminator) smoke run. The
    /// discriminator steps with SGD: with Adam its tiny gradients (about 1e-6) are divided by their own running RMS, so
    /// the float rounding of batch 4 vs 2 x 2 (5e-8 relative at iteration 1) grew to 1e-3 by iteration 20 (measured);
    /// SGD keeps the comparison about the gradients, not about that amplification. The same holds for the generator
    /// under the adversarial loss: with Adam its weights differed by 6.3e-4 after 20 iterations (measured, this sample
    /// order; a thread-count change alone moved them 3.8e-6), with SGD (lr 5e-2, momentum 0.9) by 8.2e-6. Crops and
    /// flips come from <c>random_stream: per_sample</c> (drawn per global position), so 2 ranks x batch 2 see the samples of 1 x 4;
    /// BasicSR's own streams are per rank and differ by design.</summary>
    private static string Options(string name, string root, int batch, long totalIter, bool gan = false, bool val = false,
                                  int checkpointFreq = 1000, double timeout = 60)
    {
        var text = $$"""
            name: {{name}}
            model_type: {{(gan ? "SRGANModel" : "SRModel")}}
            scale: 4
            num_gpu: 0
            num_threads: 1
            manual_seed: 11
            datasets:
              train:
                type: PairedImageDataset
                dataroot_gt: {{Data.Hr("train")}}
                dataroot_lq: {{Data.Lr("train")}}
                gt_size: 32
                use_hflip: true
                use_rot: true
                num_worker_per_gpu: 0
                random_stream: per_sample
                batch_size_per_gpu: {{batch}}
            {{(val ? $"  val:\n    name: smoke_val\n    type: PairedImageDataset\n    dataroot_gt: {Data.Hr("val")}\n    dataroot_lq: {Data.Lr("val")}\n" : "")}}
            network_g: {type: MSRResNet, num_feat: 8, num_block: 1, upscale: 4}
            {{(gan ? "network_d: {type: UNetDiscriminatorSN, num_in_ch: 3, num_feat: 4}" : "")}}
            path:
              root: {{root}}
            train:
              ema_decay: 0.9
              optim_g: {{(gan ? "{type: SGD, lr: !!float 1e-2, momentum: 0.9}" : "{type: Adam, lr: !!float 2e-3, betas: [0.9, 0.99]}")}}
              {{(gan ? "optim_d: {type: SGD, lr: !!float 1e-2, momentum: 0.9}" : "")}}
              scheduler: {type: MultiStepLR, milestones: [10], gamma: 0.5}
              total_iter: {{totalIter}}
              pixel_opt: {type: L1Loss, loss_weight: 1.0}
              {{(gan ? "gan_opt: {type: GANLoss, gan_type: vanilla, loss_weight: !!float 5e-2}" : "")}}
            {{(val ? "val:\n  val_freq: 5\n  metrics:\n    psnr: {type: calculate_psnr, crop_border: 4}\n" : "")}}
            logger:
              print_freq: 1
              save_checkpoint_freq: {{checkpointFreq}}
              use_tb_logger: {{(val ? "true" : "false")}}
            dist_params: {backend: gloo, timeout: {{timeout.ToString(CultureInfo.InvariantCulture)}}}
            """;
        Directory.CreateDirectory(root);
        var path = Path.Combine(root, name + ".yml");
        File.WriteAllText(path, string.Join('\n', text.Split('\n').Where(l => l.Trim().Length > 0)));
        return path;
    }

    /// <summary>A port that was free a moment ago (the OS picks it) for rank 0's store.</summary>
    private static string Port()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port.ToString(CultureInfo.InvariantCulture);
    }

    private static List<Dictionary<string, double>> Scalars(string experiment)
    {
        var lines = File.ReadAllLines(Path.Combine(experiment, "scalars.csv"));
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).Where(p => p.Second.Length > 0)
            .ToDictionary(p => p.First, p => double.Parse(p.Second, CultureInfo.InvariantCulture))).ToList();
    }

    private static double RelDiff(double a, double b) => Math.Abs(a - b) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(b)), 1e-12);

    /// <summary>The largest relative difference of two checkpoints' tensors (each tensor: max |a - b| / max |a|).</summary>
    private static double WorstRelative(string fileA, string fileB, string key)
    {
        using var a = new DisposableStateDict(PthFile.LoadStateDict(fileA, key));
        using var b = new DisposableStateDict(PthFile.LoadStateDict(fileB, key));
        using var scope = LibTorch.NewDisposeScope();
        double worst = 0;
        foreach (var (name, t) in a.State)
        {
            double scale = Math.Max(t.Abs().Max().Item(), 1e-12);
            worst = Math.Max(worst, (t - b.State[name]).Abs().Max().Item() / scale);
        }
        return worst;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TwoRanksOfBatch2TrainLikeOneRankOfBatch4(bool gan)
    {
        var name = gan ? "ddp_gan" : "ddp_sr";
        var one = RepoPaths.NewTempDir("srtrain-ddp1");
        var two = RepoPaths.NewTempDir("srtrain-ddp2");
        Assert.Equal(0, Cli("train", "-opt", Options(name, one, batch: 4, totalIter: 20, gan)));
        Assert.Equal(0, Cli("launch", "--nproc", "2", "--master-port", Port(), "train", "-opt", Options(name, two, batch: 2, totalIter: 20, gan)));

        var a = Scalars(Path.Combine(one, "experiments", name));
        var b = Scalars(Path.Combine(two, "experiments", name));
        Assert.Equal(20, a.Count);
        Assert.Equal(a.Select(r => r["iter"]), b.Select(r => r["iter"]));
        double worstLoss = 0;
        foreach (var (ra, rb) in a.Zip(b))
            foreach (var key in ra.Keys.Where(k => k.StartsWith("l_", StringComparison.Ordinal)))
                worstLoss = Math.Max(worstLoss, RelDiff(ra[key], rb[key]));
        var models = (Path.Combine(one, "experiments", name, "models"), Path.Combine(two, "experiments", name, "models"));
        double worstG = WorstRelative(Path.Combine(models.Item1, "net_g_20.pth"), Path.Combine(models.Item2, "net_g_20.pth"), "params");
        double worstEma = WorstRelative(Path.Combine(models.Item1, "net_g_20.pth"), Path.Combine(models.Item2, "net_g_20.pth"), "params_ema");
        double worstD = gan ? WorstRelative(Path.Combine(models.Item1, "net_d_20.pth"), Path.Combine(models.Item2, "net_d_20.pth"), "params") : 0;
        var measured = $"worst relative difference: losses {worstLoss:E2}, net_g {worstG:E2}, net_g_ema {worstEma:E2}, net_d {worstD:E2}";
        Console.WriteLine(measured);
        // Every rank ended with the same weights (and EMA), checked by the trainer itself across the ranks.
        var log = File.ReadAllText(Directory.GetFiles(Path.Combine(two, "experiments", name), "train_*.log").Single());
        Assert.Contains("Weights identical on all 2 ranks", log);
        Assert.True(worstLoss <= 1e-5 && worstG <= 1e-5 && worstEma <= 1e-5 && worstD <= 1e-5, measured);
    }

    [Fact]
    public void ExactResumeStaysExactWithTwoRanksAndAnotherWorldSizeResumes()
    {
        var straight = RepoPaths.NewTempDir("srtrain-ddp-straight");
        var split = RepoPaths.NewTempDir("srtrain-ddp-split");
        Assert.Equal(0, Cli("launch", "--nproc", "2", "--master-port", Port(), "train", "-opt", Options("r", straight, 2, 12, val: true)));
        Assert.Equal(0, Cli("launch", "--nproc", "2", "--master-port", Port(), "train", "-opt", Options("r", split, 2, 6, val: true, checkpointFreq: 6)));
        var state = Path.Combine(split, "experiments", "r", "training_states", "6.state");
        Assert.Equal(0, Cli("launch", "--nproc", "2", "--master-port", Port(), "train", "-opt", Options("r", split, 2, 12, val: true),
                            "--set", $"path.resume_state={state}"));
        var a = Scalars(Path.Combine(straight, "experiments", "r")).Where(r => r["iter"] > 6 && r.ContainsKey("l_pix")).ToList();
        var b = Scalars(Path.Combine(split, "experiments", "r")).Where(r => r["iter"] > 6 && r.ContainsKey("l_pix")).ToList();
        Assert.Equal(6, a.Count);
        Assert.Equal(a.Select(r => r["l_pix"]), b.Select(r => r["l_pix"]));
        Assert.Equal(0, WorstRelative(Path.Combine(straight, "experiments", "r", "models", "net_g_12.pth"),
                                      Path.Combine(split, "experiments", "r", "models", "net_g_12.pth"), "params"));
        // Rank 0 alone validated and wrote TensorBoard files: one psnr row per validation (iters 5, 10, 12).
        Assert.Equal(3, Scalars(Path.Combine(straight, "experiments", "r")).Count(r => r.ContainsKey("metrics/smoke_val/psnr")));

        // The 2-rank state resumes on one rank (the sampler re-shards; samples of the epoch already seen are skipped).
        var single = RepoPaths.NewTempDir("srtrain-ddp-single");
        Assert.Equal(0, Cli("train", "-opt", Options("r", single, 4, 8), "--set", $"path.resume_state={state}"));
        Assert.Equal([7.0, 8.0], Scalars(Path.Combine(single, "experiments", "r")).Select(r => r["iter"]));
    }

    [Fact]
    public void TorchrunStyleRanksAndALostRankEndTheOtherNamingIt()
    {
        var root = RepoPaths.NewTempDir("srtrain-ddp-kill");
        var options = Options("kill", root, 2, 100000, timeout: 10);
        var port = Port();
        var ranks = Enumerable.Range(0, 2).Select(r => StartRank(r, port, options)).ToArray();
        try
        {
            var csv = Path.Combine(root, "experiments", "kill", "scalars.csv");
            var wait = Stopwatch.StartNew();
            while (!(File.Exists(csv) && File.ReadAllLines(csv).Length >= 4))
            {
                Assert.True(wait.Elapsed < TimeSpan.FromSeconds(120), "the 2 ranks did not start training");
                if (ranks[0].HasExited) Assert.Fail("rank 0 stopped: " + ranks[0].StandardError.ReadToEnd());
                Thread.Sleep(200);
            }
            ranks[1].Kill();
            var watch = Stopwatch.StartNew();
            Assert.True(ranks[0].WaitForExit(TimeSpan.FromSeconds(10 + 20)), "rank 0 did not exit after rank 1 died");
            var stderr = ranks[0].StandardError.ReadToEnd();
            Assert.Equal(1, ranks[0].ExitCode);
            Assert.Contains("rank 0 of 2 (gloo)", stderr);
            Assert.Contains("lost rank 1", stderr);
            Console.WriteLine($"rank 0 exited {watch.Elapsed.TotalSeconds:F1} s after rank 1 was killed: {stderr.Trim()}");
        }
        finally
        {
            foreach (var p in ranks) if (!p.HasExited) p.Kill();
        }
    }

    [Fact]
    public async Task LaunchStopsTheOtherRanksWhenOneDies()
    {
        var root = RepoPaths.NewTempDir("srtrain-ddp-launch-kill");
        var options = Options("lk", root, 2, 100000, timeout: 60);
        var csv = Path.Combine(root, "experiments", "lk", "scalars.csv");
        var killer = Task.Run(() =>
        {
            var wait = Stopwatch.StartNew();
            while (!(File.Exists(csv) && File.ReadAllLines(csv).Length >= 3) && wait.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(200);
            var rank1 = ChildWithRank(1) ?? throw new InvalidOperationException("no child with RANK=1");
            Process.GetProcessById(rank1).Kill();
        });
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        var watch = Stopwatch.StartNew();
        int code;
        try { code = Cli("launch", "--nproc", "2", "--master-port", Port(), "--grace", "5", "train", "-opt", options); }
        finally { Console.SetError(previous); }
        await killer;
        Assert.NotEqual(0, code);
        Assert.Contains("rank 1 (pid", error.ToString());
        Assert.Contains("stopping rank(s) 0", error.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(120 + 15), $"took {watch.Elapsed}");
    }

    private static Process StartRank(int rank, string port, string options)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "srtrain.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = false };
        foreach (var a in new[] { dll, "train", "-opt", options, "--launcher", "pytorch" }) info.ArgumentList.Add(a);
        info.Environment["RANK"] = info.Environment["LOCAL_RANK"] = rank.ToString(CultureInfo.InvariantCulture);
        info.Environment["WORLD_SIZE"] = "2";
        info.Environment["MASTER_ADDR"] = "127.0.0.1";
        info.Environment["MASTER_PORT"] = port;
        info.Environment["OMP_NUM_THREADS"] = "1";
        return Process.Start(info)!;
    }

    /// <summary>The pid of this process's child (a rank srtrain launch started) whose environment says RANK=<paramref name="rank"/>.</summary>
    private static int? ChildWithRank(int rank)
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (ppid != Environment.ProcessId) continue;
                if (File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains($"RANK={rank}")) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }
}
