using System.Text.Json;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs.Tests;

/// <summary>State-dict keys (in order, with shapes) and parameter counts of the published configurations equal
/// the reference's (tests/fixtures/archs/keys/*.txt from <c>/usr/bin/python3 tests/fixtures/make_archs.py</c>;
/// archs_ref.py mirrors BasicSR's module names and order), and the counts equal those measured with BasicSR.</summary>
public sealed class KeyListTests
{
    public static TheoryData<string> Configs()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RepoPaths.Fixture("archs/keys"), "*.txt").Order())
            data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    private static Module Build(string header)
    {
        // "# RRDBNet {json options} params=N"
        var arch = header.Split(' ')[1];
        int start = header.IndexOf('{'), end = header.LastIndexOf('}');
        using var doc = JsonDocument.Parse(header[start..(end + 1)]);
        var options = doc.RootElement.EnumerateObject()
            .Select(p => new KeyValuePair<string, object?>(p.Name, p.Value.ToString())).ToList();
        return ArchInfo.Get(arch).Create(options);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void KeysShapesAndParameterCountEqualTheReference(string config)
    {
        var (header, lines) = ArchParity.KeyFixture(config);
        using var net = Build(header);
        Assert.Equal(lines, ArchParity.KeyLines(net));
        long expected = long.Parse(header[(header.LastIndexOf("params=") + 7)..]);
        Assert.Equal(expected, net.NumParameters());
    }

    [Theory]
    [InlineData("RRDBNet_x4_f64_b23_g32", 16_697_987)]
    [InlineData("MSRResNet_x4_f64_b16", 1_517_571)]
    [InlineData("EDSR_x4_f64_b16", 1_517_571)]
    [InlineData("EDSR_x4_f256_b32", 43_089_923)]
    [InlineData("EDSR_x2_f64_b16", 1_369_859)]
    [InlineData("VGGStyleDiscriminator_in128_f64", 14_499_401)]
    [InlineData("UNetDiscriminatorSN_f64", 4_376_897)]
    public void ParameterCountEqualsBasicsr(string config, long basicsrCount)
    {
        var (header, _) = ArchParity.KeyFixture(config);
        using var net = Build(header);
        Assert.Equal(basicsrCount, net.NumParameters());
    }
}
