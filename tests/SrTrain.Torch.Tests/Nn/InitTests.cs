using SrTrain.Torch.Nn;

namespace SrTrain.Torch.Tests.Nn;

/// <summary>With the same seed and construction order, default layer init, Kaiming and BasicSR's
/// scaled MSRA give bit-identical weights to PyTorch's. Reference: nn/init.json, made at test time by
/// tests/fixtures/make_nn.py's init_fixture() on this machine's kernels (<see cref="LiveFixture"/>): the samplers are
/// vectorised differently per kernel set, so committed bits would hold only where they were made. Runs serially: it relies on
/// the process-wide generator, which parallel tests would draw from.</summary>
[Collection(SerialCollection.Name)]
public class InitTests
{
    private static void AssertStateEqual(TensorFixture fx, string prefix, Module module)
    {
        foreach (var (key, value) in module.StateDict())
            TensorAssert.Equal(fx[prefix + key], value, prefix + key);
    }

    [Fact]
    public void DefaultLayerInitEqualsPyTorchsForTheSameSeed()
    {
        using var fx = LiveFixture.Load("make_nn", "init_fixture", "nn/init.json");
        LibTorch.ManualSeed(1234);
        using var conv = new Conv2d(3, 16, 3);
        using var lin = new Linear(10, 6);
        using var convt = new ConvTranspose2d(4, 6, 3, stride: 2);
        using var convG = new Conv2d(8, 4, 5, groups: 2, bias: false);
        AssertStateEqual(fx, "default.conv.", conv);
        AssertStateEqual(fx, "default.lin.", lin);
        AssertStateEqual(fx, "default.convt.", convt);
        AssertStateEqual(fx, "default.conv_g.", convG);
    }

    [Fact]
    public void KaimingInitialisersEqualPyTorchsForTheSameSeed()
    {
        using var fx = LiveFixture.Load("make_nn", "init_fixture", "nn/init.json");
        using var w = Tensor.Empty([16, 8, 3, 3]);
        LibTorch.ManualSeed(99);
        TensorAssert.Equal(fx["kaiming_normal"], Init.KaimingNormal_(w), "kaiming_normal_(w)");
        TensorAssert.Equal(fx["kaiming_normal_a_fanout"], Init.KaimingNormal_(w, a: 0.2, fanIn: false), "kaiming_normal_(w, 0.2, fan_out)");
        TensorAssert.Equal(fx["kaiming_uniform"], Init.KaimingUniform_(w), "kaiming_uniform_(w)");
        TensorAssert.Equal(fx["kaiming_uniform_a_fanout"], Init.KaimingUniform_(w, a: Math.Sqrt(5), fanIn: false),
                           "kaiming_uniform_(w, sqrt(5), fan_out)");
    }

    [Fact]
    public void ScaledMsraEqualsBasicSrsDefaultInitWeights()
    {
        using var fx = LiveFixture.Load("make_nn", "init_fixture", "nn/init.json");
        LibTorch.ManualSeed(2024);
        using var net = new MsraNet();
        Init.ScaledMsra(net, 0.1);
        AssertStateEqual(fx, "msra.", net);
        Assert.Equal(fx.Names.Count(n => n.StartsWith("msra.")), net.StateDict().Count);
    }

    /// <summary>Twin of MsraNet in make_nn.py: the transposed conv is left alone by default_init_weights.</summary>
    private sealed class MsraNet : Module
    {
        public MsraNet()
        {
            Register("conv1", new Conv2d(3, 8, 3, padding: 1));
            Register("convt", new ConvTranspose2d(8, 4, 2, stride: 2));
            Register("bn", new BatchNorm2d(4));
            Register("body", new Sequential(new Conv2d(4, 4, 3, padding: 1, bias: false), new LeakyReLU(0.2)));
            Register("fc", new Linear(4, 3));
        }
    }
}
