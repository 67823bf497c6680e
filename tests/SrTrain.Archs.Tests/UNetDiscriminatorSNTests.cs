namespace SrTrain.Archs.Tests;

/// <summary>UNetDiscriminatorSN against the PyTorch reference in tests/fixtures/archs_ref.py (BasicSR's structure
/// with torch.nn.utils.spectral_norm); fixtures from <c>/usr/bin/python3 tests/fixtures/make_archs.py</c>
/// (tests/fixtures/archs/UNetDiscriminatorSN.json). Eval cases use u, v as loaded; the train cases run three
/// training-mode forwards (one power iteration each) and compare the last output and every weight_u / weight_v.</summary>
public sealed class UNetDiscriminatorSNTests
{
    [Theory]
    [MemberData(nameof(ArchCases.UNetDiscriminatorSN), MemberType = typeof(ArchCases))]
    public void Matches_pytorch_reference(string caseName) =>
        ArchParity.Run(ArchFixture.Load("UNetDiscriminatorSN")[caseName]);

    [Fact]
    public void Eval_forward_leaves_u_and_v_unchanged()
    {
        var c = ArchFixture.Load("UNetDiscriminatorSN")["skip_16x16_eval"];
        using var scope = LibTorch.NewDisposeScope();
        using var net = c.Build();
        var state = c.State();
        ArchCheckpoint.Load(net, state);
        net.Eval();
        using (LibTorch.NoGrad()) net.Forward(c.Input());
        foreach (var (key, t) in net.StateDict())
            if (key.EndsWith("_u") || key.EndsWith("_v")) TensorAssert.Equal(state[key], t, key);
    }
}
