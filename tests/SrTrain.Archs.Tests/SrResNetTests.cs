using Xunit;

namespace SrTrain.Archs.Tests;

/// <summary>SRResNet against the PyTorch reference in tests/fixtures/archs_ref.py; fixtures from
/// <c>/usr/bin/python3 tests/fixtures/make_archs.py</c> (tests/fixtures/archs/SRResNet.json).</summary>
public sealed class SrResNetTests
{
    [Theory]
    [MemberData(nameof(ArchCases.SrResNet), MemberType = typeof(ArchCases))]
    public void MatchesPytorchReference(string caseName) =>
        ArchParity.Run(ArchFixture.Load("SRResNet")[caseName]);
}
