using System.Globalization;
using Microsoft.Extensions.Configuration;
using SrTrain.Abstractions.Registry;

namespace SrTrain.Abstractions.Options;

/// <summary>Layers an option tree: the YAML file, then environment variables
/// (<c>SRTRAIN_OPT_train__total_iter=1000</c>), then command-line overrides
/// (<c>--set train.total_iter=1000</c>), through Microsoft.Extensions.Configuration. The result keeps
/// the file's key order; overridden values are text and get their type when bound. A <c>--set</c> value in YAML
/// flow form (<c>[1, 2]</c>, <c>{type: L1Loss}</c>) replaces the whole list or mapping at its key.</summary>
public static class OptionLayers
{
    /// <summary>Environment variables with this prefix override options (<c>__</c> separates levels).</summary>
    public const string EnvironmentPrefix = "SRTRAIN_OPT_";

    public static Dictionary<string, object?> Compose(Dictionary<string, object?> fileTree, IEnumerable<string> sets,
                                                       bool useEnvironment = true)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var ordered = new List<(string[] Path, object? Value, bool WholeNode)>();
        foreach (var s in sets)
        {
            int eq = s.IndexOf('=');
            if (eq <= 0) throw new OptionException($"--set '{s}': expected key.path=value, e.g. train.total_iter=1000");
            var key = s[..eq].Trim();
            var value = s[(eq + 1)..].Trim();
            // A YAML flow list or mapping (train.scheduler.milestones=[1000, 2000]) replaces the whole node. Through the
            // configuration layer it would be one leaf beside the file's list items, and dropped there.
            var node = FlowNode(value, s);
            ordered.Add((key.Split('.'), node ?? value, node is not null));
            if (node is null) overrides[key.Replace('.', ':')] = value;
        }

        var builder = new ConfigurationBuilder().AddInMemoryCollection(Flatten(fileTree));
        if (useEnvironment) builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.AddInMemoryCollection(overrides);
        var config = builder.Build();

        var result = DeepCopy(fileTree);
        foreach (var (key, value) in config.AsEnumerable(makePathsRelative: false))
        {
            // Interior sections carry no value; leaves that only exist as containers in the file are skipped.
            if (config.GetSection(key).GetChildren().Any()) continue;
            Set(result, key.Split(':'), value);
        }
        // From the first whole-node --set on, the --set values are applied again in their order, so the later one wins.
        int firstWhole = ordered.FindIndex(o => o.WholeNode);
        if (firstWhole >= 0)
            foreach (var (path, value, _) in ordered.Skip(firstWhole)) Set(result, path, value);
        return result;
    }

    /// <summary>The list or mapping a <c>--set</c> value writes in YAML flow form, or null for a plain value. A value
    /// in braces that is not a non-empty mapping stays text: BasicSR's <c>filename_tmpl</c> is <c>{}</c> or <c>{}x4</c>.</summary>
    private static object? FlowNode(string value, string set)
    {
        if (value.StartsWith('['))
            return YamlOptionReader.ReadText($"value: {value}", $"--set '{set}'")["value"];
        if (!value.StartsWith('{')) return null;
        try
        {
            return YamlOptionReader.ReadText($"value: {value}", set)["value"] is Dictionary<string, object?> { Count: > 0 } map ? map : null;
        }
        catch (OptionException)
        {
            return null;
        }
    }

    private static IEnumerable<KeyValuePair<string, string?>> Flatten(object? node, string prefix = "")
    {
        switch (node)
        {
            case Dictionary<string, object?> map:
                foreach (var (k, v) in map)
                    foreach (var kv in Flatten(v, prefix.Length == 0 ? k : $"{prefix}:{k}")) yield return kv;
                break;
            case List<object?> list:
                for (int i = 0; i < list.Count; i++)
                    foreach (var kv in Flatten(list[i], $"{prefix}:{i}")) yield return kv;
                break;
            default:
                yield return new(prefix, node as string ?? (node is null ? null : Convert.ToString(node, CultureInfo.InvariantCulture)));
                break;
        }
    }

    private static void Set(Dictionary<string, object?> root, string[] path, object? value)
    {
        object container = root;
        for (int i = 0; i < path.Length; i++)
        {
            bool last = i == path.Length - 1;
            var segment = path[i];
            switch (container)
            {
                case Dictionary<string, object?> map:
                {
                    // Keys from the environment arrive in any case: reuse the file's spelling when it exists.
                    var existing = map.Keys.FirstOrDefault(k => string.Equals(k, segment, StringComparison.OrdinalIgnoreCase)) ?? segment;
                    if (last) { if (!Equals(map.GetValueOrDefault(existing), value) || !map.ContainsKey(existing)) map[existing] = value; return; }
                    if (map.GetValueOrDefault(existing) is not (Dictionary<string, object?> or List<object?>))
                        map[existing] = NewContainer(path[i + 1]);
                    container = map[existing]!;
                    break;
                }
                case List<object?> list when int.TryParse(segment, out var index) && index >= 0:
                {
                    while (list.Count <= index) list.Add(null);
                    if (last) { list[index] = value; return; }
                    if (list[index] is not (Dictionary<string, object?> or List<object?>)) list[index] = NewContainer(path[i + 1]);
                    container = list[index]!;
                    break;
                }
                default:
                    throw new OptionException($"cannot set '{string.Join('.', path)}': '{segment}' is not a key of a mapping or an index of a list");
            }
        }
    }

    private static object NewContainer(string nextSegment) =>
        int.TryParse(nextSegment, out _) ? new List<object?>() : new Dictionary<string, object?>();

    /// <summary>A deep copy of an option tree.</summary>
    public static Dictionary<string, object?> DeepCopy(Dictionary<string, object?> tree) =>
        tree.ToDictionary(kv => kv.Key, kv => CopyNode(kv.Value));

    private static object? CopyNode(object? node) => node switch
    {
        Dictionary<string, object?> map => DeepCopy(map),
        List<object?> list => list.Select(CopyNode).ToList(),
        _ => node,
    };
}
