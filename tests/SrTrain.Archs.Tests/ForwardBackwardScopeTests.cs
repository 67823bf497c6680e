using SrTrain.Torch.Nn;

namespace SrTrain.Archs.Tests;

/// <summary>Forward + backward of every arch inside a dispose scope leaves nothing behind: no tensor escapes
/// to the enclosing scope, the output is freed with the scope, the parameters (and their gradients) and the
/// buffers survive it, and a second iteration still runs (stateful buffers such as spectral-norm u/v and
/// batch-norm statistics were updated in place, not replaced by scope-owned tensors).</summary>
public sealed class ForwardBackwardScopeTests
{
    public static TheoryData<string> Archs() =>
        new("SRCNN", "ESPCN", "VDSR", "MSRResNet", "SRResNet", "EDSR", "MDSR", "RRDBNet", "VGGStyleDiscriminator", "UNetDiscriminatorSN");

    private static Module Small(string arch) => arch switch
    {
        "SRCNN" => new Srcnn(numFeat1: 8, numFeat2: 4, upscale: 2),
        "ESPCN" => new Espcn(numFeat1: 8, numFeat2: 4, upscale: 2),
        "VDSR" => new Vdsr(numFeat: 8, numLayer: 4, upscale: 2),
        "MSRResNet" => new MsrResNet(numFeat: 8, numBlock: 2),
        "SRResNet" => new SrResNet(numFeat: 8, numBlock: 2),
        "EDSR" => new Edsr(numFeat: 8, numBlock: 2),
        "MDSR" => new Mdsr(numFeat: 8, numBlock: 2),
        "RRDBNet" => new RrdbNet(numFeat: 8, numBlock: 2, numGrowCh: 4),
        "VGGStyleDiscriminator" => new VggStyleDiscriminator(numFeat: 4),
        "UNetDiscriminatorSN" => new UNetDiscriminatorSN(numFeat: 8),
        _ => throw new ArgumentException(arch),
    };

    [Theory]
    [MemberData(nameof(Archs))]
    public void ForwardBackwardLeaksNoTensor(string arch)
    {
        using var outer = LibTorch.NewDisposeScope();
        using var net = Small(arch);
        long count = net.NumParameters();
        int side = arch == "VGGStyleDiscriminator" ? 128 : 32;
        for (int iter = 0; iter < 2; iter++)
        {
            Tensor y;
            using (var inner = LibTorch.NewDisposeScope())
            {
                var x = Tensor.Rand([2, 3, side, side]);
                y = net.Forward(x);
                y.Square().Mean().Backward();
                Assert.True(inner.OwnedCount > 0);
            }
            Assert.True(y.IsDisposed, "the output belongs to the scope it was made in");
            Assert.Equal(0, outer.OwnedCount);
        }
        Assert.Equal(count, net.NumParameters());
        foreach (var (name, t) in net.StateDict()) Assert.False(t.IsDisposed, $"{name} was disposed with the scope");
        using var check = LibTorch.NewDisposeScope();
        foreach (var (name, p) in net.NamedParameters())
        {
            // MDSR trains only the branches of the scale it ran (x4 = branch 2); the others get no gradient, as in PyTorch.
            bool otherBranch = arch == "MDSR" && (name.StartsWith("pre_process.") || name.StartsWith("upsample.")) && name.Split('.')[1] != "2";
            Assert.True(otherBranch ? p.Grad is null : p.Grad is not null, $"{name}: gradient {(otherBranch ? "unexpected" : "missing")}");
        }
    }
}
