using System.Text.Json;
using SrTrain.Archs;
using SrTrain.Abstractions.Registry;
using SrTrain.TestSupport;
using SrTrain.Torch;
using SrTrain.Torch.Nn;
using Xunit;

namespace SrTrain.Archs.Tests;

/// <summary>Reads tests/fixtures/archs/&lt;Arch&gt;.json written by tests/fixtures/make_archs.py (regenerate:
/// <c>/usr/bin/python3 tests/fixtures/make_archs.py</c>): weight sets and cases (options, seeded input,
/// expected output, buffers after the forwards), tensors as base64 little-endian bytes.</summary>
public sealed class ArchFixture
{
    private readonly JsonElement root;

    private ArchFixture(string arch, JsonElement root) => (Arch, this.root) = (arch, root);

    public string Arch { get; }

    public static ArchFixture Load(string arch)
    {
        var path = RepoPaths.Fixture($"archs/{arch}.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: run /usr/bin/python3 tests/fixtures/make_archs.py", path);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return new ArchFixture(arch, doc.RootElement.Clone());
    }

    public IEnumerable<Case> Cases => root.GetProperty("cases").EnumerateArray().Select(c => new Case(this, c));

    public Case this[string name] => Cases.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"{Arch}.json has no case '{name}'");

    /// <summary>A weight set as tensors (caller-owned; create inside a dispose scope).</summary>
    public Dictionary<string, Tensor> State(string name) =>
        root.GetProperty("states").GetProperty(name).EnumerateObject().ToDictionary(p => p.Name, p => Decode(p.Value));

    public static Tensor Decode(JsonElement e)
    {
        var shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var dtype = e.GetProperty("dtype").GetString() switch
        {
            "float32" => DType.Float32,
            "int64" => DType.Int64,
            var d => throw new NotSupportedException($"fixture dtype {d}"),
        };
        return Tensor.FromBytes(Convert.FromBase64String(e.GetProperty("b64").GetString()!), dtype, shape);
    }

    /// <summary>One reference run.</summary>
    public sealed class Case(ArchFixture fixture, JsonElement c)
    {
        public string Name => c.GetProperty("name").GetString()!;
        public string StateName => c.GetProperty("state").GetString()!;
        public bool Train => c.GetProperty("train").GetBoolean();
        public int Forwards => c.GetProperty("forwards").GetInt32();
        public int? Scale => c.TryGetProperty("scale", out var s) ? s.GetInt32() : null;
        public long[] InputShape => c.GetProperty("input_shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();

        /// <summary>The option section as a YAML file would give it (type plus keys).</summary>
        public List<KeyValuePair<string, object?>> Options
        {
            get
            {
                var list = new List<KeyValuePair<string, object?>> { new("type", fixture.Arch) };
                foreach (var p in c.GetProperty("options").EnumerateObject())
                    list.Add(new(p.Name, p.Value.ValueKind switch
                    {
                        JsonValueKind.Array => p.Value.EnumerateArray().Select(v => (object?)v.ToString()).ToList(),
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => p.Value.ToString(),
                    }));
                return list;
            }
        }

        /// <summary>Builds the arch from the case's options through the registry, as the engine does.</summary>
        public Module Build()
        {
            TypeRegistry.Register(typeof(RrdbNet).Assembly);
            return TypeRegistry.Create<Module>(RegistryKind.Arch, Options, $"{fixture.Arch}/{Name}");
        }

        public Dictionary<string, Tensor> State() => fixture.State(StateName);

        /// <summary>torch.manual_seed(input_seed); torch.rand(input_shape), checked against the stored sum.</summary>
        public Tensor Input()
        {
            LibTorch.ManualSeed((ulong)c.GetProperty("input_seed").GetInt64());
            var x = Tensor.Rand(InputShape);
            double sum = x.ToArray<float>().Sum(v => (double)v);
            Assert.True(Math.Abs(sum - c.GetProperty("input_sum").GetDouble()) < 1e-3,
                $"{Name}: seeded input differs from PyTorch's (sum {sum} vs {c.GetProperty("input_sum").GetDouble()}); regenerate the fixtures");
            return x;
        }

        public Tensor Output() => Decode(c.GetProperty("output"));

        /// <summary>Buffers after the forwards (batch-norm statistics, spectral-norm u and v), if recorded.</summary>
        public Dictionary<string, Tensor> After() =>
            c.TryGetProperty("after", out var a) ? a.EnumerateObject().ToDictionary(p => p.Name, p => Decode(p.Value)) : [];
    }
}
