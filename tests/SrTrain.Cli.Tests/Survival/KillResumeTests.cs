using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SrTrain.Torch.Serialization;
using Xunit.Abstractions;

namespace SrTrain.Cli.Tests.Survival;

/// <summary>`srtrain train` as a child process, killed: SIGKILL at 20 random moments (checkpoints are written every
/// iteration, so many land inside a write), each followed by --auto-resume, and SIGTERM followed by the resume command
/// it prints, both end with weights equal bit for bit to an uninterrupted run's (CPU, same seed, one thread).</summary>
[Collection(SerialCliCollection.Name)]
public partial class KillResumeTests(ITestOutputHelper output)
{
    private const int TotalIter = 80;
    private static readonly SmokeData Data = new();
    private static readonly Lazy<string> Straight = new(() =>
    {
        var root = RepoPaths.NewTempDir("srtrain-straight");
        var file = Options("survive", root, checkpointFreq: 1000);
        // In a child process too: num_threads would otherwise change the test host's thread count for later tests.
        using (var child = Train(file))
            Assert.True(child.Wait(RunLimit) == 0, child.Output + child.Error);
        return Path.Combine(root, "experiments", "survive", "models", $"net_g_{TotalIter}.pth");
    });

    /// <summary>The smoke PSNR options with one intra-op thread, so every process computes alike, and a network wide
    /// enough that an iteration takes tens of milliseconds: the test sees the child's log lines late (pipe and thread
    /// pool, in bursts of up to 30 lines of the 8-feature net's 1 ms iterations on an idle CPU), so kills aimed a few
    /// iterations ahead need iterations longer than that delay.</summary>
    private static string Options(string name, string root, int checkpointFreq)
    {
        var file = Data.PsnrOptions(name, TotalIter, root, printFreq: 1, checkpointFreq: checkpointFreq, workers: 1);
        var text = File.ReadAllText(file);
        Assert.Contains("num_feat: 8\n", text);
        File.WriteAllText(file, text.Replace("num_feat: 8\n", "num_feat: 32\n", StringComparison.Ordinal)
                                    .Replace("num_grow_ch: 4\n", "num_grow_ch: 16\n", StringComparison.Ordinal) + "\nnum_threads: 1\n");
        return file;
    }

    [GeneratedRegex(@"iter:\s*([\d,]+)")]
    private static partial Regex IterPattern();

    /// <summary>`srtrain train -opt FILE --auto-resume` as a child process.</summary>
    private static SrtrainChild Train(string optionFile) => new(["train", "-opt", optionFile, "--auto-resume"]);

    /// <summary>The iteration of the last training log line in <paramref name="text"/> (0: none yet).</summary>
    private static long LastIter(string text) =>
        IterPattern().Matches(text).LastOrDefault() is { } m
            ? long.Parse(m.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)
            : 0;

    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);

    private static void AssertSameWeights(string expected, string actual)
    {
        foreach (var key in new[] { "params", "params_ema" })
        {
            using var a = new DisposableStateDict(PthFile.LoadStateDict(expected, key));
            using var b = new DisposableStateDict(PthFile.LoadStateDict(actual, key));
            Assert.Equal(a.State.Keys.Order(), b.State.Keys.Order());
            foreach (var (name, value) in a.State) TensorAssert.Equal(value, b.State[name], $"{key}.{name}");
        }
    }

    /// <summary>The iteration of the newest whole training state in <paramref name="folder"/> (0: none yet).</summary>
    private static long NewestState(string folder) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.state").Select(f => long.TryParse(Path.GetFileNameWithoutExtension(f), out var i) ? i : 0)
                .DefaultIfEmpty(0).Max()
            : 0;

    [Fact]
    public void TwentySigkillsEachFollowedByAutoResumeEndBitIdentical()
    {
        var straight = Straight.Value;
        var root = RepoPaths.NewTempDir("srtrain-kill");
        var file = Options("survive", root, checkpointFreq: 1);
        var exp = Path.Combine(root, "experiments", "survive");
        var random = new Random(20261204);
        var watch = Stopwatch.StartNew();
        int kills = 0, tempFilesSeen = 0;
        var states = Path.Combine(exp, "training_states");
        for (int round = 0; round < 20; round++)
        {
            long resumeAt = NewestState(states);
            if (resumeAt >= TotalIter) break;   // the last kill came after the final save: nothing is left to train
            using var child = Train(file);
            // Kill points are read from the checkpoints on disk, not from the log: the child's log lines reach the test
            // late and in bursts (20 lines at once were seen), so a kill aimed by them lands many iterations late on a
            // fast CPU. Kill 2-3 iterations after the resume point, a random fraction of one iteration after that
            // iteration's state appeared; with a checkpoint every iteration many kills land inside a write.
            long target = resumeAt + random.Next(2, 4);
            double fraction = random.NextDouble();
            var clock = Stopwatch.StartNew();
            TimeSpan lastAt = TimeSpan.Zero, iteration = TimeSpan.Zero;
            long seen = resumeAt;
            while (seen < target && !child.Process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                long newest = NewestState(states);
                if (newest > seen)
                {
                    // Only the time between two states seen one iteration apart is an iteration's time.
                    if (newest == seen + 1 && seen > resumeAt) iteration = clock.Elapsed - lastAt;
                    (seen, lastAt) = (newest, clock.Elapsed);
                }
                else Thread.Sleep(1);
            }
            Thread.Sleep(TimeSpan.FromTicks((long)(fraction * iteration.Ticks)));
            if (!child.Process.HasExited)
            {
                child.Process.Kill();
                kills++;
            }
            else Assert.True(child.Wait(RunLimit) == 0, $"round {round}: srtrain failed before the kill:\n{child.Output}{child.Error}");
            child.Wait(RunLimit);
            tempFilesSeen += Directory.GetFiles(Path.Combine(exp, "models"), ".*.tmp").Length
                             + Directory.GetFiles(states, ".*.tmp").Length;
            output.WriteLine($"round {round}: resumed at {resumeAt}, aimed after {target}, state {NewestState(states)} on disk after the kill " +
                             $"(iteration {iteration.TotalMilliseconds:F0} ms, log said {LastIter(child.Output)})");
        }
        using (var last = Train(file))
            Assert.True(last.Wait(RunLimit) == 0, last.Output + last.Error);
        output.WriteLine($"{kills} SIGKILLs, {tempFilesSeen} temporary file(s) left by writes cut short, {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(kills >= 15, $"only {kills} of 20 rounds were killed mid-run");
        AssertSameWeights(straight, Path.Combine(exp, "models", $"net_g_{TotalIter}.pth"));
    }

    [Fact]
    public void SigtermSavesTheCurrentIterationAndTheResumeCommandContinuesExactly()
    {
        var straight = Straight.Value;
        var root = RepoPaths.NewTempDir("srtrain-term");
        var file = Options("survive", root, checkpointFreq: 1000);
        var exp = Path.Combine(root, "experiments", "survive");
        string text;
        using (var child = Train(file))
        {
            Assert.True(child.WaitFor((o, _) => LastIter(o) >= 10, TimeSpan.FromMinutes(2)), child.Output + child.Error);
            child.Signal(15);
            Assert.Equal(143, child.Wait(RunLimit));
            text = child.Output + child.Error;
        }
        output.WriteLine(text[Math.Max(0, text.Length - 1500)..]);
        Assert.Contains("SIGTERM received: saving a training state after the current step", text);
        var stopped = Regex.Match(text, @"training stopped at iter (\d+) on request; training state: (\S+)");
        Assert.True(stopped.Success, text);
        long iter = long.Parse(stopped.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(iter, 10, TotalIter - 1);
        Assert.Equal(Path.Combine(exp, "training_states", $"{iter}.state"), stopped.Groups[2].Value);
        Assert.True(File.Exists(Path.Combine(exp, "models", $"net_g_{iter}.pth")));
        Assert.Contains($"resume with: srtrain train -opt {file} --auto-resume", text);
        Assert.DoesNotContain("   at ", text);

        using (var resumed = Train(file))
        {
            Assert.True(resumed.Wait(RunLimit) == 0, resumed.Output + resumed.Error);
            Assert.Contains($"iter {iter.ToString(CultureInfo.InvariantCulture)} (", resumed.Output + resumed.Error);   // "Resuming training from epoch E, iter N (path)"
        }
        AssertSameWeights(straight, Path.Combine(exp, "models", $"net_g_{TotalIter}.pth"));
    }
}
