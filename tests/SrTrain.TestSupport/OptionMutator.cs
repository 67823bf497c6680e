using System.Globalization;
using System.Text.Json;

namespace SrTrain.TestSupport;

/// <summary>Seeded random mutations of an option tree (mappings as <c>Dictionary&lt;string, object?&gt;</c>, sequences as
/// <c>List&lt;object?&gt;</c>, scalars as strings, as YamlOptionReader gives them): deleted keys and list items,
/// misspelled keys, values of another type, boundary values (0, -1, null) and changed values (scaled, negated, misspelled). The option
/// fuzz test and its bench run SrTrain on the results; each must run or fail with an SrTrain message.</summary>
public static class OptionMutator
{
    private static readonly object?[] OtherTypes =
    [
        "abc", "7", "-3", "0", "0.5", "1e30", "-1e30", "true", null, "", "nan", ".inf", "99999999999",
        new List<object?> { "1", "2" }, new List<object?>(), new Dictionary<string, object?> { ["x"] = "1" },
    ];

    private static readonly string?[] Boundary = ["0", "-1", null];

    /// <summary>Applies <paramref name="count"/> mutations to <paramref name="tree"/> in place, never at or under a path of
    /// <paramref name="keep"/> (dotted, e.g. "path.root"); returns what was done, one line each.</summary>
    public static List<string> Mutate(Dictionary<string, object?> tree, Random rng, int count, IReadOnlySet<string> keep)
    {
        var done = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var paths = Paths(tree, "").Where(p => !keep.Any(k => p.Path == k || p.Path.StartsWith(k + ".", StringComparison.Ordinal) || k.StartsWith(p.Path + ".", StringComparison.Ordinal))).ToList();
            if (paths.Count == 0) break;
            var (path, parent, key) = paths[rng.Next(paths.Count)];
            var current = Get(parent, key);
            switch (rng.Next(5))
            {
                case 4 when current is string or null:
                {
                    // Boundary values: what a zero frequency, a negative count or a null does deep in the loop.
                    var value = Boundary[rng.Next(Boundary.Length)];
                    Set(parent, key, value);
                    done.Add($"set {path} = {Show(value)}");
                    break;
                }
                case 0:
                    Remove(parent, key);
                    done.Add($"delete {path}");
                    break;
                case 1 when parent is Dictionary<string, object?> map && key is string name && name.Length > 1:
                {
                    var misspelt = Misspell(name, rng);
                    if (map.ContainsKey(misspelt)) goto default;
                    map.Remove(name);
                    map[misspelt] = current;
                    done.Add($"rename {path} -> {misspelt}");
                    break;
                }
                case 2:
                {
                    var value = Copy(OtherTypes[rng.Next(OtherTypes.Length)]);
                    Set(parent, key, value);
                    done.Add($"set {path} = {Show(value)}");
                    break;
                }
                default:
                {
                    var value = Change(current, rng);
                    Set(parent, key, value);
                    done.Add($"change {path}: {Show(current)} -> {Show(value)}");
                    break;
                }
            }
        }
        return done;
    }

    /// <summary>The tree as JSON, which is YAML: strings quoted, null as null.</summary>
    public static string ToYaml(Dictionary<string, object?> tree) => JsonSerializer.Serialize(tree, new JsonSerializerOptions { WriteIndented = true });

    /// <summary>A deep copy of an option tree.</summary>
    public static Dictionary<string, object?> DeepCopy(Dictionary<string, object?> tree) => (Dictionary<string, object?>)Copy(tree)!;

    private static object? Change(object? value, Random rng) => value switch
    {
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => rng.Next(6) switch
        {
            0 => Num(d * 10),
            1 => Num(-d),
            2 => "0",
            3 => Num(d + 1),
            4 => Num(d / 3),
            _ => "1e9",
        },
        string s when s is "true" or "false" => rng.Next(2) == 0 ? (s == "true" ? "false" : "true") : "maybe",
        string s => rng.Next(3) switch { 0 => Misspell(s, rng), 1 => s.ToUpperInvariant(), _ => s + "x" },
        List<object?> list => rng.Next(3) switch
        {
            0 when list.Count > 0 => list.Take(list.Count - 1).ToList(),
            1 when list.Count > 0 => list.Prepend(Copy(list[0])).ToList(),
            _ => new List<object?>(),
        },
        Dictionary<string, object?> map => WithExtraKey(map),
        _ => "1",
    };

    private static Dictionary<string, object?> WithExtraKey(Dictionary<string, object?> map)
    {
        var copy = DeepCopy(map);
        copy["extra_key"] = "1";
        return copy;
    }

    private static string Misspell(string s, Random rng)
    {
        if (s.Length < 2) return s + "_";
        int i = rng.Next(s.Length);
        return rng.Next(2) == 0 ? s.Remove(i, 1) : s.Insert(i, s[i].ToString());
    }

    private static string Num(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static IEnumerable<(string Path, object Parent, object Key)> Paths(object node, string prefix)
    {
        switch (node)
        {
            case Dictionary<string, object?> map:
                foreach (var (k, v) in map.ToList())
                {
                    var path = prefix.Length == 0 ? k : $"{prefix}.{k}";
                    yield return (path, map, k);
                    if (v is not null) foreach (var p in Paths(v, path)) yield return p;
                }
                break;
            case List<object?> list:
                for (int i = 0; i < list.Count; i++)
                {
                    var path = $"{prefix}.{i}";
                    yield return (path, list, i);
                    if (list[i] is { } v) foreach (var p in Paths(v, path)) yield return p;
                }
                break;
        }
    }

    private static object? Get(object parent, object key) =>
        parent is Dictionary<string, object?> map ? map[(string)key] : ((List<object?>)parent)[(int)key];

    private static void Set(object parent, object key, object? value)
    {
        if (parent is Dictionary<string, object?> map) map[(string)key] = value;
        else ((List<object?>)parent)[(int)key] = value;
    }

    private static void Remove(object parent, object key)
    {
        if (parent is Dictionary<string, object?> map) map.Remove((string)key);
        else ((List<object?>)parent).RemoveAt((int)key);
    }

    private static object? Copy(object? node) => node switch
    {
        Dictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Copy(kv.Value)),
        List<object?> list => list.Select(Copy).ToList(),
        _ => node,
    };

    private static string Show(object? v) => v switch
    {
        null => "~",
        string s => $"'{s}'",
        List<object?> l => "[" + string.Join(", ", l.Select(Show)) + "]",
        Dictionary<string, object?> m => "{" + string.Join(", ", m.Select(kv => $"{kv.Key}: {Show(kv.Value)}")) + "}",
        _ => v.ToString() ?? "",
    };
}
