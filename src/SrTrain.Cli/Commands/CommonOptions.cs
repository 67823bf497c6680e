using System.CommandLine;
using SrTrain.Abstractions.Options;

namespace SrTrain.Cli.Commands;

/// <summary>Options shared by the commands that read an option file (BasicSR spells it -opt).</summary>
internal static class CommonOptions
{
    public static Option<FileInfo> OptionFile() => new("--opt", "-opt")
    {
        Description = "YAML option file (BasicSR format)",
        Required = true,
    };

    public static Option<string[]> Set() => new("--set")
    {
        Description = "override an option: --set train.total_iter=1000 (repeatable; dotted keys)",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>Loads the option file with its layers; a problem is an OptionException naming the key.</summary>
    public static ExperimentOptions Load(FileInfo file, string[]? sets, bool isTrain, bool debug = false) =>
        Abstractions.Options.OptionFile.Load(file.FullName, sets ?? [], isTrain, debug);
}
