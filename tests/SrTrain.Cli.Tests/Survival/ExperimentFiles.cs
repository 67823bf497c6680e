using SrTrain.Engine.Training;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Tests.Survival;

/// <summary>What a training run left in its experiment folder, read back for the survival tests.</summary>
internal static class ExperimentFiles
{
    /// <summary>experiments/&lt;name&gt; under <paramref name="root"/>.</summary>
    public static string Experiment(string root, string name) => Path.Combine(root, "experiments", name);

    /// <summary>Every train_*.log of the experiment, oldest first, read while a logger may still hold it.</summary>
    public static string LogText(string experiment) =>
        string.Join("\n", Directory.GetFiles(experiment, "train_*.log").Order().Select(f =>
        {
            using var s = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(s).ReadToEnd();
        }));

    /// <summary>Loads every file under models/ and training_states/ back, every tensor and number in it, and fails
    /// naming the first that holds a non-finite value; returns how many files were read.</summary>
    public static int AssertAllFinite(string experiment)
    {
        int files = 0;
        foreach (var dir in new[] { "models", "training_states" })
            foreach (var f in Directory.GetFiles(Path.Combine(experiment, dir)).Where(f => f.EndsWith(".pth", StringComparison.Ordinal) || f.EndsWith(".state", StringComparison.Ordinal)))
            {
                var tree = PthFile.Load(f);
                try { Assert.True(FiniteCheck.Tree(tree), $"{f} holds a non-finite value"); }
                finally { PthFile.DisposeTensors(tree); }
                files++;
            }
        return files;
    }
}
