using System.CommandLine;
using SrTrain.Core.Options;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain options --schema</c>: every option key with type, default and meaning.</summary>
internal static class OptionsCommand
{
    public static Command Create()
    {
        var schema = new Option<bool>("--schema") { Description = "print every option key with its type, default and meaning" };
        var check = new Option<FileInfo?>("--check") { Description = "parse and bind an option file, reporting errors and warnings" };
        var command = new Command("options", "describe or check option files") { schema, check };
        command.SetAction(result =>
        {
            if (result.GetValue(check) is { } file)
            {
                var o = OptionFile.Load(file.FullName, isTrain: file.FullName.Contains("train", StringComparison.OrdinalIgnoreCase));
                foreach (var w in Core.Registry.ConstructorBinder.TakeWarnings()) Console.WriteLine($"warning: {w}");
                Console.WriteLine($"{file.Name}: OK ({o.ModelType}, {o.NetworkG?["type"]})");
                return 0;
            }
            Console.Write(OptionSchema.Describe());
            return 0;
        });
        return command;
    }
}
