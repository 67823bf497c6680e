using Xunit;

namespace SrTrain.Archs.Tests;

/// <summary>MSRResNet against the PyTorch reference in tests/fixtures/archs_ref.py; fixtures from
/// <c>/usr/bin/python3 tests/fixtures/make_archs.py</c> (tests/fixtures/archs/MSRResNet.json).</summary>
public sealed class MsrResNetTests
{
    [Theory]
    [MemberData(nameof(ArchCases.MsrResNet), MemberType = typeof(ArchCases))]
    public void MatchesPytorchReference(string caseName) =>
        ArchParity.Run(ArchFixture.Load("MSRResNet")[caseName]);
}
