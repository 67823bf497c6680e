using Xunit;

namespace SrTrain.Archs.Tests;

/// <summary>SRCNN against the PyTorch reference in tests/fixtures/archs_ref.py; fixtures from
/// <c>/usr/bin/python3 tests/fixtures/make_archs.py</c> (tests/fixtures/archs/SRCNN.json).</summary>
public sealed class SrcnnTests
{
    [Theory]
    [MemberData(nameof(ArchCases.Srcnn), MemberType = typeof(ArchCases))]
    public void MatchesPytorchReference(string caseName) =>
        ArchParity.Run(ArchFixture.Load("SRCNN")[caseName]);
}
