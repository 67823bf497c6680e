using System.Diagnostics;
using System.Globalization;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Tests;

/// <summary>SrTrain as a library for research code: scripts/pack.sh packs the library projects, and
/// examples/ResearchExample, copied outside the repository as a user's own project would be, restores them from that
/// local folder feed (no project references), defines its own arch and loss in C#, and trains them from its YAML
/// file through the engine's API.</summary>
[Collection(SerialCliCollection.Name)]
public sealed class ExampleProjectTests
{
    [Fact]
    public void Research_example_restores_the_packed_packages_and_trains_its_own_arch_and_loss()
    {
        var work = RepoPaths.NewTempDir("srtrain-example");
        var feed = Path.Combine(work, "feed");
        // A version of its own, so NuGet's global cache cannot hand back packages packed by an earlier run.
        var version = $"0.0.0-test.{Guid.NewGuid():N}"[..24];
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        Run("bash", RepoPaths.Root, ["scripts/pack.sh", "--no-build", "--version", version, feed], ("SRTRAIN_CONFIGURATION", configuration));
        Assert.Contains(Path.Combine(feed, $"SrTrain.Torch.{version}.nupkg"), Directory.GetFiles(feed));

        var project = Path.Combine(work, "ResearchExample");
        Directory.CreateDirectory(project);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "examples", "ResearchExample")))
            File.Copy(file, Path.Combine(project, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><add key="srtrain-test" value="{feed}" /></packageSources></configuration>
            """);
        Run("dotnet", project, ["build", "-c", "Release", "-nologo", "-v", "quiet", $"-p:SrTrainVersion={version}"]);
        var output = Path.Combine(project, "bin", "Release", "net10.0");
        Assert.True(File.Exists(Path.Combine(output, "runtimes", "linux-x64", "native", "libsrtorch.so")), "the native shim came with the package");
        Assert.True(File.Exists(Path.Combine(output, "runtimes", "linux-x64", "native", "libsrimage.so")), "the native image library came with the package");
        Assert.False(File.Exists(Path.Combine(output, "SrTrain.Cli.dll")), "the example must not depend on the CLI");

        var data = new SmokeData(scale: 2, trainImages: 3, valImages: 1, hrSize: 48);
        var root = Path.Combine(work, "run");
        var log = Run(Path.Combine(output, "ResearchExample"), output,
            ["train.yml", $"datasets.train.dataroot_gt={data.Hr("train")}", $"datasets.val.dataroot_gt={data.Hr("val")}", $"path.root={root}",
             "datasets.train.num_worker_per_gpu=0", "datasets.train.batch_size_per_gpu=2"]);
        Assert.Contains("research_example: trained 20 iterations", log);

        var experiment = Path.Combine(root, "experiments", "research_example");
        var state = PthFile.LoadStateDict(Path.Combine(experiment, "models", "net_g_20.pth"), "params");
        try
        {
            Assert.Equal(["head.weight", "head.bias", "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                          "layers.2.weight", "layers.2.bias", "tail.weight", "tail.bias"], state.Keys);
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
        var lines = File.ReadAllLines(Path.Combine(experiment, "scalars.csv"));
        int pix = Array.IndexOf(lines[0].Split(','), "l_pix");
        var losses = lines.Skip(1).Select(l => l.Split(',')[pix]).Where(c => c.Length > 0)
            .Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(losses);
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0, $"l_pix {l}"));
    }

    private static string Run(string file, string directory, string[] args, params (string Key, string Value)[] environment)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
