using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs;

/// <summary>The VGG-style discriminator of SRGAN/ESRGAN as BasicSR's discriminator_arch: conv0_0 + LeakyReLU,
/// then pairs (3x3 stride-1 conv, 4x4 stride-2 conv), each bias-free conv followed by BN and LeakyReLU 0.2,
/// down to 4x4 (five stride-2 steps for 128 input, six for 256), then linear 100, LeakyReLU, linear 1
/// (a logit per image). The input must be <c>input_size</c> square.</summary>
[Arch("VGGStyleDiscriminator")]
public sealed class VggStyleDiscriminator : Module
{
    private readonly Conv2d conv00;
    private readonly List<(Conv2d Conv, BatchNorm2d Bn)> stages = [];
    private readonly Linear linear1;
    private readonly Linear linear2;

    public VggStyleDiscriminator(int numInCh = 3, int numFeat = 64, int inputSize = 128)
    {
        if (inputSize is not (128 or 256))
            throw new ArgumentException($"VGGStyleDiscriminator supports input_size 128 or 256, not {inputSize}");
        InputSize = inputSize;
        conv00 = Register("conv0_0", new Conv2d(numInCh, numFeat, 3, padding: 1));
        // (name, in, out, kernel) of each conv after conv0_0, in BasicSR's registration order.
        int f = numFeat;
        var spec = new List<(string, int, int, int)>
        {
            ("0_1", f, f, 4), ("1_0", f, 2 * f, 3), ("1_1", 2 * f, 2 * f, 4), ("2_0", 2 * f, 4 * f, 3),
            ("2_1", 4 * f, 4 * f, 4), ("3_0", 4 * f, 8 * f, 3), ("3_1", 8 * f, 8 * f, 4), ("4_0", 8 * f, 8 * f, 3),
            ("4_1", 8 * f, 8 * f, 4),
        };
        if (inputSize == 256) spec.AddRange([("5_0", 8 * f, 8 * f, 3), ("5_1", 8 * f, 8 * f, 4)]);
        foreach (var (name, cin, cout, k) in spec)
        {
            var conv = Register($"conv{name}", new Conv2d(cin, cout, k, stride: k == 4 ? 2 : 1, padding: 1, bias: false));
            var bn = Register($"bn{name}", new BatchNorm2d(cout));
            stages.Add((conv, bn));
        }
        linear1 = Register("linear1", new Linear(8 * f * 4 * 4, 100));
        linear2 = Register("linear2", new Linear(100, 1));
    }

    public int InputSize { get; }

    public override Tensor Forward(Tensor x)
    {
        if (x.Dim != 4 || x.Size(2) != InputSize || x.Size(3) != InputSize)
            throw new ArgumentException(
                $"VGGStyleDiscriminator(input_size={InputSize}) needs (N, C, {InputSize}, {InputSize}) input, got [{string.Join(", ", x.Shape)}]; crop or set input_size (gt_size)");
        using var scope = LibTorch.NewDisposeScope();
        var feat = F.LeakyRelu(conv00.Forward(x), 0.2);
        foreach (var (conv, bn) in stages) feat = F.LeakyRelu(bn.Forward(conv.Forward(feat)), 0.2);
        feat = feat.Reshape(feat.Size(0), -1);
        return linear2.Forward(F.LeakyRelu(linear1.Forward(feat), 0.2)).MoveToOuterScope();
    }
}
