using System.CommandLine;
using SrTrain.Engine.Degradations;
using SrTrain.Engine.Training;
using SrTrain.Data;
using SrTrain.Data.Pipeline;
using SrTrain.Torch;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain train -opt file.yml [--set k=v] [--debug] [--auto-resume] [--launcher none|pytorch|slurm] [--debug-degradations N]</c>.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var opt = CommonOptions.OptionFile();
        var set = CommonOptions.Set();
        var debug = new Option<bool>("--debug") { Description = "name the run debug_<name>; log and validate often" };
        var autoResume = new Option<bool>("--auto-resume") { Description = "resume from the latest training state of this experiment" };
        var launcher = new Option<string>("--launcher")
        {
            Description = "none (one process) | pytorch (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT as torchrun sets them) | slurm (srun's SLURM_* variables)",
            DefaultValueFactory = _ => "none",
        };
        var degradations = new Option<int?>("--debug-degradations")
        {
            Description = "Real-ESRGAN models: write N synthesised LQ/GT training pairs as PNG to experiments/<name>/debug_degradations and stop",
        };
        var command = new Command("train", "train a model from a BasicSR-format option file") { opt, set, debug, autoResume, launcher, degradations };
        command.SetAction(result =>
        {
            var o = CommonOptions.Load(result.GetValue(opt)!, result.GetValue(set), isTrain: true, result.GetValue(debug));
            if (result.GetValue(autoResume)) o = o with { AutoResume = true };
            if (o.Debug)
                o = o with { Logger = o.Logger with { PrintFreq = 1, SaveCheckpointFreq = 8 }, Val = o.Val is null ? null : o.Val with { ValFreq = 8 } };
            if (result.GetValue(degradations) is { } pairs)
            {
                var folder = Path.Combine(ExperimentPaths.ForTraining(o).ExperimentRoot, "debug_degradations");
                int n = DegradationPreview.Write(o, new DataPipeline(), new ImageFileWriter(), pairs, folder);
                Console.WriteLine($"wrote {n} LQ/GT pairs to {folder}");
                return 0;
            }
            var launch = DistributedLaunch.From(result.GetValue(launcher)!, o, Environment.GetEnvironmentVariable,
                                                w => Console.Error.WriteLine($"srtrain: warning: {w}"));
            // One GPU per rank on a machine: cuda:LOCAL_RANK unless the options name a device.
            if (launch is not null && o.Device is null && o.NumGpu is not "0" && Device.CudaIsAvailable) o = o with { Device = $"cuda:{launch.LocalRank}" };
            DataParallel? dp = null;
            using var signals = new TrainingSignals(m => Console.Error.WriteLine($"srtrain: {m}"));
            try
            {
                dp = launch?.Connect();
                var trainer = new Trainer(o, new DataPipeline(), new ImageFileWriter(), result.GetValue(opt)!.FullName) { Parallel = dp };
                var r = trainer.Run(signals.Token);
                if (dp?.IsMain ?? true) Console.WriteLine($"trained {r.LastIter} iterations; experiment folder: {r.ExperimentRoot}");
                return 0;
            }
            catch (TrainingStoppedException e)
            {
                Console.Error.WriteLine($"srtrain: {e.Message}");
                if (e.ResumableState is not null)
                    Console.Error.WriteLine($"srtrain: resume with: {ResumeCommand(result.GetValue(opt)!.FullName, result.GetValue(set), result.GetValue(debug), result.GetValue(launcher)!)}");
                return e.Reason == StopReason.Interrupted && signals.Signal is { } signal ? TrainingSignals.ExitCodeFor(signal) : e.ExitCode;
            }
            catch (TorchOutOfMemoryException e)
            {
                // An allocation failed (CUDA or host): what to shrink, without a stack trace.
                Console.Error.WriteLine($"srtrain: {OutOfMemoryAdvice.For(o, e).Replace("\n", "\nsrtrain: ", StringComparison.Ordinal)}");
                return OutOfMemoryAdvice.ExitCode;
            }
            catch (TorchException e) when (launch is not null && e.Message.StartsWith("rank ", StringComparison.Ordinal))
            {
                // A collective failed (a rank died, a timeout): one line naming this rank, the operation and the lost rank.
                Console.Error.WriteLine($"srtrain: {e.Message}");
                return 1;
            }
            finally
            {
                dp?.Dispose();
            }
        });
        return command;
    }

    /// <summary>The command line that continues this run: the same option file and overrides, plus --auto-resume.</summary>
    private static string ResumeCommand(string optionFile, string[]? sets, bool debug, string launcher)
    {
        var words = new List<string> { "srtrain", "train", "-opt", optionFile };
        foreach (var s in sets ?? []) words.AddRange(["--set", s]);
        if (debug) words.Add("--debug");
        if (launcher != "none") words.AddRange(["--launcher", launcher]);
        words.Add("--auto-resume");
        return string.Join(' ', words.Select(Quote));
    }

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
