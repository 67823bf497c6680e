using Xunit;

namespace SrTrain.Archs.Tests;

/// <summary>VDSR against the PyTorch reference in tests/fixtures/archs_ref.py; fixtures from
/// <c>/usr/bin/python3 tests/fixtures/make_archs.py</c> (tests/fixtures/archs/VDSR.json).</summary>
public sealed class VdsrTests
{
    [Theory]
    [MemberData(nameof(ArchCases.Vdsr), MemberType = typeof(ArchCases))]
    public void MatchesPytorchReference(string caseName) =>
        ArchParity.Run(ArchFixture.Load("VDSR")[caseName]);
}
