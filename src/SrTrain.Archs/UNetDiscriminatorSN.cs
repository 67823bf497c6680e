using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs;

/// <summary>The U-Net discriminator with spectral normalisation of Real-ESRGAN (Wang et al., 2021), as
/// BasicSR's discriminator_arch: conv0, three 4x4 stride-2 downsampling convs, three (bilinear x2, 3x3 conv)
/// upsampling steps with skip connections from the matching encoder features (<c>skip_connection</c>),
/// two more convs and a 1-channel per-pixel output; LeakyReLU 0.2 throughout; conv1..conv8 are
/// <see cref="SpectralNorm"/>-wrapped and bias-free. Input sides must be multiples of 8.</summary>
[Arch("UNetDiscriminatorSN")]
public sealed class UNetDiscriminatorSN : Module
{
    private readonly Conv2d conv0;
    private readonly SpectralNorm[] sn = new SpectralNorm[8];
    private readonly Conv2d conv9;

    public UNetDiscriminatorSN(int numInCh = 3, int numFeat = 64, bool skipConnection = true)
    {
        SkipConnection = skipConnection;
        int f = numFeat;
        conv0 = Register("conv0", new Conv2d(numInCh, f, 3, padding: 1));
        var spec = new (int In, int Out, int K)[]
        {
            (f, 2 * f, 4), (2 * f, 4 * f, 4), (4 * f, 8 * f, 4),     // downsample
            (8 * f, 4 * f, 3), (4 * f, 2 * f, 3), (2 * f, f, 3),     // upsample
            (f, f, 3), (f, f, 3),                                     // extra convolutions
        };
        for (int i = 0; i < spec.Length; i++)
        {
            var (cin, cout, k) = spec[i];
            sn[i] = Register($"conv{i + 1}", new SpectralNorm(new Conv2d(cin, cout, k, stride: k == 4 ? 2 : 1, padding: 1, bias: false)));
        }
        conv9 = Register("conv9", new Conv2d(f, 1, 3, padding: 1));
    }

    public bool SkipConnection { get; }

    public override Tensor Forward(Tensor x)
    {
        if (x.Dim != 4 || x.Size(2) % 8 != 0 || x.Size(3) % 8 != 0)
            throw new ArgumentException($"UNetDiscriminatorSN needs NCHW input with height and width multiples of 8, got [{string.Join(", ", x.Shape)}]");
        using var scope = LibTorch.NewDisposeScope();
        static Tensor Act(Tensor t) => F.LeakyRelu(t, 0.2);
        static Tensor Up(Tensor t) => F.Interpolate(t, 2.0, InterpolationMode.Bilinear);
        var x0 = Act(conv0.Forward(x));
        var x1 = Act(sn[0].Forward(x0));
        var x2 = Act(sn[1].Forward(x1));
        var x3 = Act(sn[2].Forward(x2));
        var x4 = Act(sn[3].Forward(Up(x3)));
        if (SkipConnection) x4 = x4 + x2;
        var x5 = Act(sn[4].Forward(Up(x4)));
        if (SkipConnection) x5 = x5 + x1;
        var x6 = Act(sn[5].Forward(Up(x5)));
        if (SkipConnection) x6 = x6 + x0;
        var output = Act(sn[6].Forward(x6));
        output = Act(sn[7].Forward(output));
        return conv9.Forward(output).MoveToOuterScope();
    }
}
