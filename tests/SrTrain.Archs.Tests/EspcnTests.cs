using Xunit;

namespace SrTrain.Archs.Tests;

/// <summary>ESPCN against the PyTorch reference in tests/fixtures/archs_ref.py; fixtures from
/// <c>/usr/bin/python3 tests/fixtures/make_archs.py</c> (tests/fixtures/archs/ESPCN.json).</summary>
public sealed class EspcnTests
{
    [Theory]
    [MemberData(nameof(ArchCases.Espcn), MemberType = typeof(ArchCases))]
    public void MatchesPytorchReference(string caseName) =>
        ArchParity.Run(ArchFixture.Load("ESPCN")[caseName]);
}
