using Xunit;

namespace SrTrain.Archs.Tests;

/// <summary>VGGStyleDiscriminator against the PyTorch reference in tests/fixtures/archs_ref.py; fixtures from
/// <c>/usr/bin/python3 tests/fixtures/make_archs.py</c> (tests/fixtures/archs/VGGStyleDiscriminator.json).</summary>
public sealed class VggStyleDiscriminatorTests
{
    [Theory]
    [MemberData(nameof(ArchCases.VggStyleDiscriminator), MemberType = typeof(ArchCases))]
    public void MatchesPytorchReference(string caseName) =>
        ArchParity.Run(ArchFixture.Load("VGGStyleDiscriminator")[caseName]);

    [Fact]
    public void RejectsInputOfTheWrongSize()
    {
        using var scope = SrTrain.Torch.LibTorch.NewDisposeScope();
        using var net = new VggStyleDiscriminator(3, 2, 128);
        var e = Assert.Throws<ArgumentException>(() => net.Forward(SrTrain.Torch.Tensor.Zeros([1, 3, 96, 96])));
        Assert.Contains("input_size=128", e.Message);
    }
}
