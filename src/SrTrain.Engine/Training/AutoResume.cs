using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Checkpoints;
using SrTrain.Engine.Models;
using SrTrain.Torch.Serialization;

namespace SrTrain.Engine.Training;

/// <summary><c>--auto-resume</c>: resumes from the newest training state that is whole, skipping (with a warning
/// naming it) one that is truncated or corrupt or whose network files are missing, e.g. after a crash on a file
/// system that lost the last writes. Leftover temporary files of interrupted atomic writes are removed.</summary>
public static class AutoResume
{
    /// <summary>Tries <paramref name="candidates"/> (newest first) with <paramref name="resume"/> and returns the first
    /// that loads, with what <paramref name="resume"/> returned. A state that cannot be read is skipped; any other error
    /// (e.g. the networks no longer match the option file) is thrown, since an older state would fail alike.</summary>
    public static (string Path, T Result) Pick<T>(IReadOnlyList<string> candidates, TrainingModel model, string modelsFallback,
                                                  Func<string, T> resume, Action<string> warn)
    {
        var problems = new List<string>();
        foreach (var statePath in candidates)
        {
            DeleteTemporaryFiles(Path.GetDirectoryName(statePath)!);
            var modelsDir = TrainingStateFile.ModelsDirFor(statePath, modelsFallback);
            DeleteTemporaryFiles(modelsDir);
            string? problem = null;
            if (TrainingStateFile.IterOf(statePath) is { } iter)
            {
                var missing = model.CheckpointNetworks.Select(n => NetworkFile.PathFor(modelsDir, n.Label, iter)).Where(p => !File.Exists(p)).ToList();
                if (missing.Count > 0) problem = $"network file(s) missing: {string.Join(", ", missing)}";
            }
            if (problem is null)
            {
                try
                {
                    return (statePath, resume(statePath));
                }
                catch (Exception e) when (IsDamage(e))
                {
                    problem = e.Message;
                }
            }
            problems.Add($"{statePath}: {problem}");
            warn($"auto-resume: skipping training state {statePath}: {problem}");
        }
        throw new OptionException($"--auto-resume: no usable training state ({string.Join("; ", problems)}); " +
                                  "remove the damaged files to start over, or name a state with --set path.resume_state=FILE");
    }

    /// <summary>Errors that mean a file is truncated, corrupt or gone, rather than a mismatch an older state would share.</summary>
    private static bool IsDamage(Exception e) =>
        e is CheckpointFormatException or InvalidDataException or IOException or EndOfStreamException
          or InvalidCastException or KeyNotFoundException
          || (e is OptionException && e.Message.Contains("not found", StringComparison.Ordinal));

    /// <summary>Removes <c>.&lt;name&gt;.&lt;guid&gt;.tmp</c> files that a write killed before its rename left behind.</summary>
    public static void DeleteTemporaryFiles(string dir)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var f in Directory.EnumerateFiles(dir, ".*.tmp"))
            try { File.Delete(f); } catch (IOException) { /* another process may hold it; harmless */ }
    }
}
