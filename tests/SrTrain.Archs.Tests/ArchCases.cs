using Xunit;

namespace SrTrain.Archs.Tests;

/// <summary>Case names of the parity fixtures, for [MemberData].</summary>
public static class ArchCases
{
    public static TheoryData<string> Of(string arch)
    {
        var data = new TheoryData<string>();
        foreach (var c in ArchFixture.Load(arch).Cases) data.Add(c.Name);
        return data;
    }

    public static TheoryData<string> Srcnn => Of("SRCNN");
    public static TheoryData<string> Espcn => Of("ESPCN");
    public static TheoryData<string> Vdsr => Of("VDSR");
    public static TheoryData<string> MsrResNet => Of("MSRResNet");
    public static TheoryData<string> SrResNet => Of("SRResNet");
    public static TheoryData<string> Edsr => Of("EDSR");
    public static TheoryData<string> Mdsr => Of("MDSR");
    public static TheoryData<string> RrdbNet => Of("RRDBNet");
    public static TheoryData<string> VggStyleDiscriminator => Of("VGGStyleDiscriminator");
    public static TheoryData<string> UNetDiscriminatorSN => Of("UNetDiscriminatorSN");
}
