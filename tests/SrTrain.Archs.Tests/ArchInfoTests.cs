using SrTrain.Abstractions.Registry;

namespace SrTrain.Archs.Tests;

/// <summary>The registry view the CLI uses: every arch is registered under BasicSR's name, reports its
/// scale option, and is built with --scale set through whatever BasicSR calls that option.</summary>
public sealed class ArchInfoTests
{
    [Theory]
    [InlineData("RRDBNet", "scale")]
    [InlineData("EDSR", "upscale")]
    [InlineData("MSRResNet", "upscale")]
    [InlineData("SRResNet", "upscale")]
    [InlineData("MDSR", "upscale")]
    [InlineData("SRCNN", "upscale")]
    [InlineData("ESPCN", "upscale")]
    [InlineData("VDSR", "upscale")]
    [InlineData("VGGStyleDiscriminator", null)]
    [InlineData("UNetDiscriminatorSN", null)]
    public void ReportsTheScaleOption(string arch, string? key)
    {
        var info = ArchInfo.Get(arch);
        Assert.Equal(key, info.ScaleKey);
        if (key is not null) Assert.Contains(info.Parameters, p => p.Key == key);
    }

    [Fact]
    public void CreateSetsTheScaleThroughTheArchSpecificKey()
    {
        using var rrdb = (RrdbNet)ArchInfo.Get("RRDBNet").Create([new("num_feat", "4"), new("num_block", "1"), new("num_grow_ch", "2")], scale: 2);
        Assert.Equal(2, rrdb.Scale);
        using var edsr = (Edsr)ArchInfo.Get("EDSR").Create([new("num_feat", "4"), new("num_block", "1"), new("upscale", "4")], scale: 3);
        Assert.Equal(3, edsr.Upscale);
    }

    [Fact]
    public void CreateRejectsAnUnsupportedScale()
    {
        var e = Assert.Throws<OptionException>(() => ArchInfo.Get("RRDBNet").Create([], scale: 3));
        Assert.Contains("1, 2, 4", e.Message);
        Assert.Throws<OptionException>(() => ArchInfo.Get("UNetDiscriminatorSN").Create([], scale: 4));
    }

    [Fact]
    public void ListsParametersWithBasicsrDefaults()
    {
        var rrdb = ArchInfo.Get("RRDBNet");
        Assert.Equal(["num_in_ch", "num_out_ch", "scale", "num_feat", "num_block", "num_grow_ch", "use_checkpoint"], rrdb.Parameters.Select(p => p.Key));
        Assert.Equal(23, rrdb.Parameters.Single(p => p.Key == "num_block").Default);
        var edsr = ArchInfo.Get("EDSR");
        Assert.Equal(["num_in_ch", "num_out_ch", "num_feat", "num_block", "upscale", "res_scale", "img_range", "rgb_mean", "use_checkpoint"],
                     edsr.Parameters.Select(p => p.Key));
        Assert.Contains(ArchInfo.List("*"), a => a.Name == "UNetDiscriminatorSN");
    }

    [Fact]
    public void MisspelledOptionNamesTheNearestKey()
    {
        var e = Assert.Throws<OptionException>(() => ArchInfo.Get("RRDBNet").Create([new("num_blocks", "2")]));
        Assert.Contains("num_block", e.Message);
    }
}
