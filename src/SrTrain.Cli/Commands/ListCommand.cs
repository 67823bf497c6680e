using System.CommandLine;
using SrTrain.Abstractions.Registry;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain list archs|losses|datasets|models|metrics|optimizers|schedulers [pattern]</c>.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = "archs, losses, datasets, models, metrics, optimizers or schedulers" };
        var pattern = new Argument<string>("pattern") { Description = "name filter with * wildcards", DefaultValueFactory = _ => "*" };
        var command = new Command("list", "list registered types with their option keys and defaults") { kind, pattern };
        command.SetAction(result =>
        {
            var text = result.GetValue(kind)!;
            var k = text.TrimEnd('s').ToLowerInvariant() switch
            {
                "arch" => RegistryKind.Arch,
                "loss" or "losse" => RegistryKind.Loss,
                "dataset" => RegistryKind.Dataset,
                "model" => RegistryKind.Model,
                "metric" => RegistryKind.Metric,
                "optimizer" => RegistryKind.Optimizer,
                "scheduler" => RegistryKind.Scheduler,
                _ => throw new OptionException($"list: unknown kind '{text}': use archs, losses, datasets, models, metrics, optimizers or schedulers"),
            };
            foreach (var t in TypeRegistry.List(k, result.GetValue(pattern)!))
            {
                Console.WriteLine(t.Name);
                foreach (var p in t.Parameters) Console.WriteLine($"    {p}");
            }
            return 0;
        });
        return command;
    }
}
