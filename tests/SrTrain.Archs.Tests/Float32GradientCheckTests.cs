using SrTrain.Archs.Blocks;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs.Tests;

/// <summary>The float32 gradients of the layers SR networks are made of, against the same layer in float64 on the same
/// inputs and weights: conv chains 3->64, 64->3 and 64->64->3 (3x3, with and without bias), the sub-pixel upsampler
/// (conv to 4C, pixel shuffle 2) and the RRDB block, at batch 1 and 4. Newer oneDNN releases have been seen to return
/// wrong float32 convolution gradients for exactly such channel counts on some CPUs; float64 takes ATen's own kernels,
/// so a wrong float32 kernel of the libtorch we link shows here, named with the layer and the CPU.
/// Tolerance: <see cref="Tolerance.Network"/> (weight gradients sum over batch x height x width products and the
/// RRDB block chains 15 convs); a gradient off by 1e-3 relative fails it.</summary>
public sealed class Float32GradientCheckTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in Layers.Keys)
            foreach (var batch in new[] { 1, 4 })
                data.Add(name, batch);
        return data;
    }

    private static readonly Dictionary<string, (Func<Module> Make, int InChannels)> Layers = new()
    {
        ["conv 3->64"] = (() => new Conv2d(3, 64, 3, padding: 1), 3),
        ["conv 3->64 no bias"] = (() => new Conv2d(3, 64, 3, padding: 1, bias: false), 3),
        ["conv 64->3"] = (() => new Conv2d(64, 3, 3, padding: 1), 64),
        ["conv 64->3 no bias"] = (() => new Conv2d(64, 3, 3, padding: 1, bias: false), 64),
        ["conv chain 64->64->3"] = (() => new Sequential(new Conv2d(64, 64, 3, padding: 1), new LeakyReLU(0.2), new Conv2d(64, 3, 3, padding: 1)), 64),
        ["conv chain 64->64->3 no bias"] = (() => new Sequential(new Conv2d(64, 64, 3, padding: 1, bias: false), new LeakyReLU(0.2),
                                                                  new Conv2d(64, 3, 3, padding: 1, bias: false)), 64),
        ["sub-pixel upsampler x2 (conv 64->256, pixel shuffle)"] = (() => SubPixelUpsample.Create(2, 64), 64),
        ["RRDB block (64 features, growth 32)"] = (() => new Rrdb(64, 32), 64),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32_gradients_match_float64(string layer, int batch)
    {
        using var scope = LibTorch.NewDisposeScope();
        var (make, inChannels) = Layers[layer];
        LibTorch.ManualSeed((ulong)(20 + batch));
        using var net32 = make();
        using var net64 = make();
        net64.To(DType.Float64);
        net64.LoadStateDict(net32.StateDict().ToDictionary(p => p.Key, p => p.Value.To(DType.Float64)));

        var x32 = Tensor.Randn([batch, inChannels, 16, 16]).RequiresGrad_();
        var x64 = x32.Detach().To(DType.Float64).RequiresGrad_();
        var y32 = net32.Forward(x32);
        var y64 = net64.Forward(x64);
        var upstream = Tensor.Randn(y32.Shape);
        y32.Backward(upstream);
        y64.Backward(upstream.To(DType.Float64));

        string where = $"{layer}, batch {batch}";
        TensorAssert.Close(y64, y32, Tolerance.Network, $"{where}: float32 output vs float64");
        TensorAssert.Close(x64.Grad!, x32.Grad!, Tolerance.Network, $"{where}: float32 input gradient vs float64");
        var grads64 = net64.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.Grad);
        foreach (var (name, p) in net32.NamedParameters())
        {
            Assert.True(p.Grad is not null && grads64[name] is not null, $"{where}: {name} has no gradient");
            TensorAssert.Close(grads64[name]!, p.Grad!, Tolerance.Network, $"{where}: float32 gradient of {name} vs float64");
        }
    }
}
