using System.CommandLine;
using SrTrain.Archs;
using SrTrain.Torch;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain parity-check --inputs in.pth --output out.pth --device cuda --precision bf16</c> (hidden): the SrTrain
/// side of the GPU check kit's op parity (scripts/gpu-check.sh, docs/gpu-check.md). Reads the inputs and weights that
/// scripts/gpu-check/parity.py wrote with torch.save, runs conv2d, pixel_shuffle, bicubic interpolate, leaky_relu, L1 loss,
/// a small RRDBNet and VGG19's features forward and backward on the device (under autocast for bf16/fp16), and saves every
/// output and gradient as float32 for parity.py to compare with the same torch on the same device.</summary>
internal static class ParityCheckCommand
{
    public static Command Create()
    {
        var inputs = new Option<FileInfo>("--inputs") { Description = "inputs written by parity.py (torch.save of a dict of tensors)", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "where to save SrTrain's outputs and gradients (.pth)", Required = true };
        var device = new Option<string>("--device") { Description = "cpu or cuda[:N]", DefaultValueFactory = _ => "cpu" };
        var precision = new Option<string>("--precision") { Description = "fp32, bf16 or fp16 (autocast on the device)", DefaultValueFactory = _ => "fp32" };
        var command = new Command("parity-check", "GPU check kit: ops, RRDBNet and VGG19 forward/backward for parity.py to compare")
        {
            inputs, output, device, precision,
        };
        command.Hidden = true;
        command.SetAction(result =>
        {
            var dev = Device.Parse(result.GetValue(device)!);
            DType? autocast = result.GetValue(precision)!.ToLowerInvariant() switch
            {
                "fp32" => null,
                "bf16" => DType.BFloat16,
                "fp16" => DType.Float16,
                var p => throw new ArgumentException($"--precision must be fp32, bf16 or fp16, got '{p}'"),
            };
            if (dev.Type == DeviceType.Cpu && autocast == DType.Float16)
                throw new ArgumentException("--precision fp16 needs a CUDA device: autocast on the CPU has bfloat16 only");
            var input = PthFile.LoadStateDict(result.GetValue(inputs)!.FullName);
            try
            {
                var outputs = Run(input, dev, autocast);
                PthFile.Save(result.GetValue(output)!.FullName, outputs);
                Console.WriteLine($"parity-check: {outputs.Count} tensors on {dev} ({result.GetValue(precision)}) -> {result.GetValue(output)!.FullName}");
                foreach (var t in outputs.Values) t.Dispose();
            }
            finally
            {
                foreach (var t in input.Values) t.Dispose();
            }
            return 0;
        });
        return command;
    }

    private static Dictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> input, Device dev, DType? autocast)
    {
        var outputs = new Dictionary<string, Tensor>();
        using var scope = LibTorch.NewDisposeScope();
        Tensor In(string key, bool grad = false) =>
            (input.TryGetValue(key, out var t) ? t : throw new ArgumentException($"parity inputs have no '{key}'")).To(dev).RequiresGrad_(grad);
        // Outputs leave the scope as float32 CPU tensors; the caller saves and disposes them.
        void Keep(string key, Tensor t) => outputs[key] = t.Detach().To(DType.Float32, Device.Cpu).DetachFromDisposeScope();
        IDisposable Cast() => autocast is { } dt ? LibTorch.Autocast(dev.Type, dt) : new Nothing();

        // conv2d with bias, 3x3, padding 1: y, dy/dx, dy/dw, dy/db through an upstream gradient g.
        var x = In("conv.x", true);
        var w = In("conv.w", true);
        var b = In("conv.b", true);
        Tensor y;
        using (Cast()) y = F.Conv2d(x, w, b, padding: 1);
        (y.To(DType.Float32) * In("conv.g")).Sum().Backward();
        Keep("conv.y", y); Keep("conv.dx", x.Grad!); Keep("conv.dw", w.Grad!); Keep("conv.db", b.Grad!);

        Unary("ps", t => F.PixelShuffle(t, 2));
        Unary("bicubic", t => F.Interpolate(t, 4.0, InterpolationMode.Bicubic));
        Unary("lrelu", t => F.LeakyRelu(t, 0.2));

        var a = In("l1.a", true);
        Tensor l1;
        using (Cast()) l1 = F.L1Loss(a, In("l1.b"));
        l1.Backward();
        Keep("l1.y", l1); Keep("l1.da", a.Grad!);

        // RRDBNet (small) with L1 against a target: output, loss and every parameter's gradient.
        using var rrdb = new RrdbNet(numFeat: 16, numBlock: 2, numGrowCh: 8, scale: 4);
        rrdb.LoadStateDict(Prefixed(input, "rrdb.state."));
        rrdb.To(dev);
        var rx = In("rrdb.x");
        Tensor ry, rloss;
        using (Cast())
        {
            ry = rrdb.Forward(rx);
            rloss = F.L1Loss(ry, In("rrdb.gt"));
        }
        rloss.Backward();
        Keep("rrdb.y", ry); Keep("rrdb.loss", rloss);
        foreach (var (name, p) in rrdb.NamedParameters()) Keep("rrdb.grad." + name, p.Grad!);

        // VGG19 features up to conv5_4 (input norm, frozen weights): output and the input's gradient.
        using var vgg = new VggFeatureExtractor(["conv5_4"], "vgg19", useInputNorm: true, pretrained: false);
        vgg.LoadTorchvisionStateDict(Prefixed(input, "vgg.state."), "parity inputs");
        vgg.To(dev);
        var vx = In("vgg.x", true);
        Tensor vy;
        using (Cast()) vy = vgg.Features(vx)["conv5_4"];
        (vy.To(DType.Float32) * In("vgg.g")).Sum().Backward();
        Keep("vgg.y", vy); Keep("vgg.dx", vx.Grad!);
        return outputs;

        void Unary(string key, Func<Tensor, Tensor> op)
        {
            var ux = In(key + ".x", true);
            Tensor uy;
            using (Cast()) uy = op(ux);
            (uy.To(DType.Float32) * In(key + ".g")).Sum().Backward();
            Keep(key + ".y", uy); Keep(key + ".dx", ux.Grad!);
        }
    }

    private static Dictionary<string, Tensor> Prefixed(IReadOnlyDictionary<string, Tensor> input, string prefix) =>
        input.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    private sealed class Nothing : IDisposable
    {
        public void Dispose() { }
    }
}
