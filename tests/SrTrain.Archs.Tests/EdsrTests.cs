using Xunit;

namespace SrTrain.Archs.Tests;

/// <summary>EDSR against the PyTorch reference in tests/fixtures/archs_ref.py; fixtures from
/// <c>/usr/bin/python3 tests/fixtures/make_archs.py</c> (tests/fixtures/archs/EDSR.json).</summary>
public sealed class EdsrTests
{
    [Theory]
    [MemberData(nameof(ArchCases.Edsr), MemberType = typeof(ArchCases))]
    public void MatchesPytorchReference(string caseName) =>
        ArchParity.Run(ArchFixture.Load("EDSR")[caseName]);
}
