using System.CommandLine;
using SrTrain.Engine.Training;
using SrTrain.Data;
using SrTrain.Data.Pipeline;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain train -opt file.yml [--set k=v] [--debug] [--auto-resume]</c>.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var opt = CommonOptions.OptionFile();
        var set = CommonOptions.Set();
        var debug = new Option<bool>("--debug") { Description = "name the run debug_<name>; log and validate often" };
        var autoResume = new Option<bool>("--auto-resume") { Description = "resume from the latest training state of this experiment" };
        var command = new Command("train", "train a model from a BasicSR-format option file") { opt, set, debug, autoResume };
        command.SetAction(result =>
        {
            var o = CommonOptions.Load(result.GetValue(opt)!, result.GetValue(set), isTrain: true, result.GetValue(debug));
            if (result.GetValue(autoResume)) o = o with { AutoResume = true };
            if (o.Debug)
                o = o with { Logger = o.Logger with { PrintFreq = 1, SaveCheckpointFreq = 8 }, Val = o.Val is null ? null : o.Val with { ValFreq = 8 } };
            var trainer = new Trainer(o, new DataPipeline(), new ImageFileWriter(), result.GetValue(opt)!.FullName);
            var r = trainer.Run();
            Console.WriteLine($"trained {r.LastIter} iterations; experiment folder: {r.ExperimentRoot}");
            return 0;
        });
        return command;
    }
}
