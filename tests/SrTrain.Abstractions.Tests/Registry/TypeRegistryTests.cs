using SrTrain.Abstractions.Registry;

namespace SrTrain.Abstractions.Tests.Registry;

public enum SampleMode { Nearest, BilinearFast }

[Arch("RegistrySampleNet")]
public sealed class RegistrySampleNet(int numInCh = 3, int numFeat = 64, double resScale = 1.0, bool useBn = false,
                                      int[]? milestones = null, SampleMode mode = SampleMode.Nearest, string? name = null,
                                      Dictionary<string, double>? layerWeights = null, int upscale = 4)
{
    public int NumInCh { get; } = numInCh;
    public int NumFeat { get; } = numFeat;
    public double ResScale { get; } = resScale;
    public bool UseBn { get; } = useBn;
    public int[]? Milestones { get; } = milestones;
    public SampleMode Mode { get; } = mode;
    public string? Name { get; } = name;
    public Dictionary<string, double>? LayerWeights { get; } = layerWeights;
    public int Upscale { get; } = upscale;
}

public class TypeRegistryTests
{
    private static Dictionary<string, object?> Section(params (string, object?)[] pairs) =>
        pairs.ToDictionary(p => p.Item1, p => p.Item2);

    [Theory]
    [InlineData("numFeat", "num_feat")]
    [InlineData("numInCh", "num_in_ch")]
    [InlineData("upscale", "upscale")]
    [InlineData("imgRange", "img_range")]
    [InlineData("gtSize", "gt_size")]
    public void ConvertsParameterNamesToSnakeCase(string camel, string snake) => Assert.Equal(snake, NameMatching.ToSnakeCase(camel));

    [Fact]
    public void BindsYamlStringsToTypedParameters()
    {
        var net = TypeRegistry.Create<RegistrySampleNet>(RegistryKind.Arch,
            Section(("type", "RegistrySampleNet"), ("num_feat", "32"), ("res_scale", "1e-1"), ("use_bn", "true"),
                    ("milestones", new List<object?> { "250000", "4e5" }), ("mode", "bilinear_fast"), ("name", "~"),
                    ("layer_weights", new Dictionary<string, object?> { ["conv5_4"] = "1" })),
            "network_g");
        Assert.Equal(32, net.NumFeat);
        Assert.Equal(0.1, net.ResScale);
        Assert.True(net.UseBn);
        Assert.Equal([250000, 400000], net.Milestones!);
        Assert.Equal(SampleMode.BilinearFast, net.Mode);
        Assert.Null(net.Name);
        Assert.Equal(1.0, net.LayerWeights!["conv5_4"]);
        Assert.Equal(3, net.NumInCh);
    }

    [Fact]
    public void MisspelledKeyNamesTheNearestValidKey()
    {
        var ex = Assert.Throws<OptionException>(() => TypeRegistry.Create<RegistrySampleNet>(RegistryKind.Arch,
            Section(("type", "RegistrySampleNet"), ("num_feats", 32)), "network_g"));
        Assert.Contains("'num_feats'", ex.Message);
        Assert.Contains("did you mean 'num_feat'", ex.Message);
        Assert.Contains("network_g", ex.Message);
    }

    [Fact]
    public void UnknownTypeListsRegisteredNames()
    {
        var ex = Assert.Throws<OptionException>(() => TypeRegistry.Get(RegistryKind.Arch, "RegistrySampleNt", "network_g.type"));
        Assert.Contains("did you mean 'RegistrySampleNet'", ex.Message);
    }

    [Fact]
    public void InjectedValuesOverrideAndIgnoredKeysAreSkipped()
    {
        var net = TypeRegistry.Create<RegistrySampleNet>(RegistryKind.Arch,
            Section(("type", "RegistrySampleNet"), ("upscale", 2), ("phase", "train")), "network_g",
            injected: new Dictionary<string, object?> { ["upscale"] = 3, ["not_a_parameter"] = 1 },
            ignoredKeys: new HashSet<string> { "phase" });
        Assert.Equal(3, net.Upscale);
    }

    [Fact]
    public void BadValueNamesKeyAndType()
    {
        var ex = Assert.Throws<OptionException>(() => TypeRegistry.Create<RegistrySampleNet>(RegistryKind.Arch,
            Section(("type", "RegistrySampleNet"), ("num_feat", "sixty")), "network_g"));
        Assert.Contains("network_g.num_feat", ex.Message);
        Assert.Contains("integer", ex.Message);
    }

    [Fact]
    public void ListsParametersWithDefaults()
    {
        var t = TypeRegistry.List(RegistryKind.Arch, "registry*").Single();
        Assert.Contains("num_feat: int = 64", t.ToString());
        Assert.Contains("res_scale: float = 1", t.ToString());
    }
}
