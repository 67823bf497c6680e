using SrTrain.Abstractions.Registry;

namespace SrTrain.Abstractions.Options;

/// <summary>Loads an option file the way the CLI does: YAML, environment and <c>--set</c> layers,
/// strict binding, then the derived settings (debug naming, scale propagation).</summary>
public static class OptionFile
{
    /// <summary>Parses the file, applies the environment (<paramref name="useEnvironment"/>) and <paramref name="sets"/>
    /// layers, and binds the result strictly.</summary>
    public static ExperimentOptions Load(string path, IEnumerable<string>? sets = null, bool isTrain = true, bool debug = false,
                                         bool useEnvironment = true)
    {
        var tree = OptionLayers.Compose(YamlOptionReader.ReadFile(path), sets ?? [], useEnvironment);
        return Bind(tree, path, isTrain, debug);
    }

    /// <summary>Binds an already composed tree; <paramref name="source"/> names it in messages.</summary>
    public static ExperimentOptions Bind(Dictionary<string, object?> tree, string source, bool isTrain = true, bool debug = false)
    {
        ExperimentOptions options;
        try
        {
            options = (ExperimentOptions)ConstructorBinder.Bind(typeof(ExperimentOptions), tree, "options");
        }
        catch (OptionException e)
        {
            throw new OptionException($"{source}: {e.Message}");
        }
        options = options with { IsTrain = isTrain, Debug = options.Debug || debug };
        if (options.Debug && !options.Name.StartsWith("debug"))
            options = options with { Name = "debug_" + options.Name };
        if (isTrain && options.Train is null)
            throw new OptionException($"{source}: a training option file needs a 'train' section (total_iter, optim_g, ...)");
        return options;
    }
}
