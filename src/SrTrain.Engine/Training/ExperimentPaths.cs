using SrTrain.Abstractions.Options;
using SrTrain.Engine.Checkpoints;

namespace SrTrain.Engine.Training;

/// <summary>Where an experiment lives on disk, in BasicSR's layout:
/// <c>experiments/&lt;name&gt;/{models, training_states, visualization, train_&lt;name&gt;_&lt;time&gt;.log}</c>
/// and <c>results/&lt;name&gt;/</c> for test runs.</summary>
public sealed record ExperimentPaths(string Root, string ExperimentRoot)
{
    public string Models => Path.Combine(ExperimentRoot, "models");
    public string TrainingStates => Path.Combine(ExperimentRoot, "training_states");
    public string Visualization => Path.Combine(ExperimentRoot, "visualization");
    public string TensorBoard => Path.Combine(Root, "tb_logger", Path.GetFileName(ExperimentRoot));

    /// <summary>Paths of a training run.</summary>
    public static ExperimentPaths ForTraining(ExperimentOptions o)
    {
        var root = Path.GetFullPath(o.Path.Root ?? Directory.GetCurrentDirectory());
        return new ExperimentPaths(root, o.Path.ExperimentsRoot ?? Path.Combine(root, "experiments", o.Name));
    }

    /// <summary>Paths of a test run (results/&lt;name&gt;).</summary>
    public static ExperimentPaths ForTest(ExperimentOptions o)
    {
        var root = Path.GetFullPath(o.Path.Root ?? Directory.GetCurrentDirectory());
        return new ExperimentPaths(root, o.Path.ResultsRoot ?? Path.Combine(root, "results", o.Name));
    }

    /// <summary>Moves an existing folder aside to &lt;name&gt;_archived_&lt;time&gt; (BasicSR's mkdir_and_rename)
    /// so a new run never mixes with or destroys an old one, then creates the folders.</summary>
    public void CreateFresh()
    {
        if (Directory.Exists(ExperimentRoot) && Directory.EnumerateFileSystemEntries(ExperimentRoot).Any())
        {
            var archived = $"{ExperimentRoot}_archived_{DateTime.Now:yyyyMMdd_HHmmss}";
            Directory.Move(ExperimentRoot, archived);
        }
        Create();
    }

    /// <summary>Creates the folders if missing.</summary>
    public void Create()
    {
        Directory.CreateDirectory(ExperimentRoot);
        Directory.CreateDirectory(Models);
        Directory.CreateDirectory(TrainingStates);
        Directory.CreateDirectory(Visualization);
    }

    /// <summary>The training state with the highest iteration, or null (<see cref="TrainingStateFile.Latest"/>).</summary>
    public string? LatestTrainingState() => TrainingStateFile.Latest(TrainingStates);
}
