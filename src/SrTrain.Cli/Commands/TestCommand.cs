using System.CommandLine;
using Spectre.Console;
using SrTrain.Engine.Training;
using SrTrain.Data;
using SrTrain.Data.Pipeline;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain test -opt options/test/....yml</c>: SR images and a PSNR/SSIM table per test set.</summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var opt = CommonOptions.OptionFile();
        var set = CommonOptions.Set();
        var command = new Command("test", "run a trained model over test sets; save images and a metric table") { opt, set };
        command.SetAction(result =>
        {
            var o = CommonOptions.Load(result.GetValue(opt)!, result.GetValue(set), isTrain: false);
            var rows = new Tester(o, new DataPipeline(), new ImageFileWriter()).Run(Console.Error.WriteLine);
            var table = new Table().AddColumn("set");
            var metrics = rows.Select(r => r.Metric).Distinct().ToList();
            foreach (var m in metrics) table.AddColumn(m);
            foreach (var s in rows.Select(r => r.Set).Distinct())
                table.AddRow([s, .. metrics.Select(m => rows.FirstOrDefault(r => r.Set == s && r.Metric == m)?.Mean.ToString("F6") ?? "")]);
            AnsiConsole.Write(table);
            Console.WriteLine($"results: {ExperimentPaths.ForTest(o).ExperimentRoot}");
            return 0;
        });
        return command;
    }
}
