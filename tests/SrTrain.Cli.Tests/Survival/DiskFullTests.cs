using System.Security.Cryptography;
using static SrTrain.Cli.Tests.Survival.ExperimentFiles;

namespace SrTrain.Cli.Tests.Survival;

/// <summary>A checkpoint write that fails for want of room, for real: `srtrain train` under a file-size limit
/// (RLIMIT_FSIZE via bash's ulimit, with SIGXFSZ ignored so the write gets EFBIG instead of killing the process),
/// as a full disk fails a write part-way. The previous checkpoint survives whole, the error is one line naming the
/// file, and the run resumes from the previous checkpoint once there is room.</summary>
[Collection(SerialCliCollection.Name)]
public class DiskFullTests
{
    private static readonly SmokeData Data = new();

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    [Fact]
    public void AFailedCheckpointWriteKeepsThePreviousCheckpointAndPrintsOneLine()
    {
        var root = RepoPaths.NewTempDir("srtrain-fsize");
        var file = Data.PsnrOptions("fsize", totalIter: 4, root, checkpointFreq: 2);
        var (rc, output, error) = CliRun.Capture("train", "-opt", file);
        Assert.True(rc == 0, output + error);
        var exp = Experiment(root, "fsize");
        string models = Path.Combine(exp, "models"), states = Path.Combine(exp, "training_states");
        string[] previous = [Path.Combine(models, "net_g_4.pth"), Path.Combine(states, "4.state")];
        var hashes = previous.Select(Hash).ToList();
        Assert.All(previous, f => Assert.True(new FileInfo(f).Length > 96 * 1024, $"{f} fits the limit; the test would prove nothing"));

        // Resumed for 4 more iterations with files capped at 96 KiB: the checkpoint of iter 6 cannot be written.
        file = Data.PsnrOptions("fsize", totalIter: 8, root, checkpointFreq: 2);
        // The runtime's W^X double mapping sizes a memfd past any small RLIMIT_FSIZE and crashes at start (SIGSEGV),
        // so it is turned off: the limit then only meets srtrain's own writes.
        using (var child = new SrtrainChild(["train", "-opt", file, "--auto-resume"], "trap '' XFSZ\nulimit -f 96\nexport DOTNET_EnableWriteXorExecute=0"))
        {
            Assert.Equal(2, child.Wait(TimeSpan.FromMinutes(3)));
            var line = Assert.Single(child.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"srtrain: could not write {Path.Combine(models, "net_g_6.pth")}: file too large", line);
            Assert.DoesNotContain("   at ", child.Output + child.Error);
            Assert.Contains("Could not save a training state: could not write", child.Output);   // the retry before stopping fails alike
        }
        Assert.Equal(hashes, previous.Select(Hash).ToList());
        Assert.Equal(4, AssertAllFinite(exp));   // iters 2 and 4 load back whole
        Assert.False(File.Exists(Path.Combine(models, "net_g_6.pth")));
        Assert.False(File.Exists(Path.Combine(states, "6.state")));
        Assert.Empty(Directory.GetFiles(models, ".*.tmp"));

        // With room again, the run resumes from the checkpoint that survived.
        (rc, output, error) = CliRun.Capture("train", "-opt", file, "--auto-resume");
        Assert.True(rc == 0, output + error);
        Assert.Contains($"iter 4 ({Path.Combine(states, "4.state")})", LogText(exp));
        Assert.True(File.Exists(Path.Combine(models, "net_g_8.pth")));
    }
}
