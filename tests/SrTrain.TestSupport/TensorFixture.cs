using System.Text.Json;
using SrTrain.Torch;

namespace SrTrain.TestSupport;

/// <summary>Reads the JSON tensor fixtures written by tests/fixtures/fixture_io.py:
/// <c>{"name": {"dtype": "float32", "shape": [..], "data": [..]}, ...}</c>. Values are written
/// with full precision, so float32 and float64 data round-trip exactly.</summary>
public sealed class TensorFixture : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors = [];
    private readonly Dictionary<string, JsonElement> raw = [];

    private TensorFixture() { }

    /// <summary>Loads tests/fixtures/<paramref name="relative"/>.</summary>
    public static TensorFixture Load(string relative)
    {
        var path = RepoPaths.Fixture(relative);
        if (!File.Exists(path))
            throw new FileNotFoundException($"fixture {path} is missing: regenerate it with the script in tests/fixtures/", path);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var fixture = new TensorFixture();
        foreach (var entry in doc.RootElement.EnumerateObject())
            fixture.raw[entry.Name] = entry.Value.Clone();
        return fixture;
    }

    /// <summary>Names of all entries.</summary>
    public IEnumerable<string> Names => raw.Keys;

    /// <summary>The tensor stored under <paramref name="name"/> (owned by the fixture).</summary>
    public Tensor this[string name]
    {
        get
        {
            if (tensors.TryGetValue(name, out var t)) return t;
            if (!raw.TryGetValue(name, out var e)) throw new KeyNotFoundException($"fixture has no entry '{name}'");
            var shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            var dtype = e.GetProperty("dtype").GetString();
            var data = e.GetProperty("data");
            t = dtype switch
            {
                "float32" => Tensor.From(data.EnumerateArray().Select(ReadFloat).Select(v => (float)v).ToArray(), shape),
                "float64" => Tensor.From(data.EnumerateArray().Select(ReadFloat).ToArray(), shape),
                "int64" => Tensor.From(data.EnumerateArray().Select(v => v.GetInt64()).ToArray(), shape),
                "uint8" => Tensor.From(data.EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray(), shape),
                "bool" => Tensor.From(data.EnumerateArray().Select(v => v.GetBoolean()).ToArray(), shape),
                _ => throw new NotSupportedException($"fixture dtype {dtype}"),
            };
            t.DetachFromDisposeScope();
            tensors[name] = t;
            return t;
        }
    }

    /// <summary>A scalar (number) entry.</summary>
    public double Number(string name) => raw[name].GetDouble();

    /// <summary>A string entry.</summary>
    public string Text(string name) => raw[name].GetString() ?? "";

    private static double ReadFloat(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.String => v.GetString() switch
        {
            "nan" => double.NaN,
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            var s => throw new FormatException($"bad float '{s}'"),
        },
        _ => throw new FormatException($"bad float {v}"),
    };

    public void Dispose()
    {
        foreach (var t in tensors.Values) t.Dispose();
        tensors.Clear();
    }
}
