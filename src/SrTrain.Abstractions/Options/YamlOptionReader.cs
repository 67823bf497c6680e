using SrTrain.Abstractions.Registry;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SrTrain.Abstractions.Options;

/// <summary>Reads a BasicSR-format YAML option file into a plain tree: mappings become
/// <c>Dictionary&lt;string, object?&gt;</c> (in file order), sequences <c>List&lt;object?&gt;</c>, scalars
/// strings (typed later, against the key they bind to), and <c>~</c>/<c>null</c> null. YAML 1.1 tags
/// such as <c>!!float 1e-4</c> only mark a scalar, so the text is kept and converted on binding.</summary>
public static class YamlOptionReader
{
    public static Dictionary<string, object?> ReadFile(string path)
    {
        if (!File.Exists(path)) throw new OptionException($"option file not found: {path}");
        return ReadText(File.ReadAllText(path), path);
    }

    public static Dictionary<string, object?> ReadText(string yaml, string source = "<text>")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new OptionException($"{source}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count == 0) return [];
        var root = Convert(stream.Documents[0].RootNode, source);
        return root as Dictionary<string, object?>
               ?? throw new OptionException($"{source}: the top level must be a mapping of option keys");
    }

    private static object? Convert(YamlNode node, string source) => node switch
    {
        YamlMappingNode map => ConvertMap(map, source),
        YamlSequenceNode seq => seq.Children.Select(c => Convert(c, source)).ToList(),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new OptionException($"{source}:{node.Start.Line}: unsupported YAML node (aliases are resolved; tags other than scalars are not)"),
    };

    private static Dictionary<string, object?> ConvertMap(YamlMappingNode map, string source)
    {
        var result = new Dictionary<string, object?>();
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? throw new OptionException($"{source}:{k.Start.Line}: keys must be plain scalars");
            if (!result.TryAdd(key, Convert(v, source)))
                throw new OptionException($"{source}:{k.Start.Line}: key '{key}' appears twice in the same mapping");
        }
        return result;
    }

    private static object? ConvertScalar(YamlScalarNode scalar)
    {
        // Only an untagged, unquoted ~ / null / empty value is null; '~' in quotes is text.
        if (scalar.Style is ScalarStyle.Plain && scalar.Tag.IsEmpty &&
            (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL"))
            return null;
        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:null") return null;
        return scalar.Value;
    }
}
