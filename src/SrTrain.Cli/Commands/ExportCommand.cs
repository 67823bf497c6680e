using System.CommandLine;
using SrTrain.Archs;
using SrTrain.Tools.Inference;
using SrTrain.Data;
using SrTrain.Engine.Checkpoints;
using SrTrain.Export.Onnx;
using SrTrain.Export.Runtime;
using SrTrain.Torch;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain export --model net_g.pth --arch RRDBNet --scale 4 -o model.onnx [--verify]</c>: writes a
/// trained generator as ONNX (SrTrain.Export) and, with --verify, checks it in ONNX Runtime against SrTrain's forward.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model", "-m") { Description = "checkpoint (.pth BasicSR or ESRGAN-release layout, or .safetensors)", Required = true };
        var arch = new Option<string>("--arch") { Description = "registered generator arch, e.g. RRDBNet", Required = true };
        var archOpt = InferCommand.ArchOptions();
        var scale = new Option<int>("--scale", "-s") { Description = "upscaling factor (MDSR: the one scale this file holds)", Required = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = "the .onnx file to write", Required = true };
        var paramKey = InferCommand.ParamKey();
        var opset = new Option<int>("--opset") { Description = $"ONNX opset ({OnnxExportOptions.MinOpset}..{OnnxExportOptions.MaxOpset})", DefaultValueFactory = _ => 17 };
        var fp16 = new Option<bool>("--fp16") { Description = "float16 weights and compute (input and output stay float32)" };
        var staticShape = new Option<string>("--static") { Description = "fixed input shape NxCxHxW, e.g. 1x3x64x64 (default: dynamic N, H, W)" };
        var keepBn = new Option<bool>("--keep-batchnorm") { Description = "write BatchNormalization nodes instead of folding eval BN into the convs" };
        var verify = new Option<bool>("--verify") { Description = "run the file in ONNX Runtime and compare with SrTrain's forward (random inputs at two sizes)" };
        var verifyImage = new Option<FileInfo>("--verify-image") { Description = "also compare on this image (implies --verify)" };
        var command = new Command("export", "write a trained generator as ONNX (checked with ONNX Runtime by --verify)")
        {
            model, arch, archOpt, scale, output, paramKey, opset, fp16, staticShape, keepBn, verify, verifyImage,
        };
        command.SetAction(result =>
        {
            var options = new OnnxExportOptions(result.GetValue(opset), result.GetValue(fp16),
                                                result.GetValue(staticShape) is { } s ? OnnxExportOptions.ParseShape(s) : null,
                                                !result.GetValue(keepBn));
            options.Validate();
            var archInfo = ArchInfo.Get(result.GetValue(arch)!);
            var pairs = ArchOptionParser.Parse(result.GetValue(archOpt));
            int factor = result.GetValue(scale);
            var outPath = result.GetValue(output)!.FullName;
            using var net = archInfo.Create(pairs, factor, "--arch-opt");
            ArchCheckpoint.Load(net, result.GetValue(model)!.FullName, result.GetValue(paramKey), strict: true, out var note);
            if (note is not null) Console.Error.WriteLine($"export: {note}");
            var info = new OnnxModelInfo(archInfo.Name, factor, pairs.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? ""),
                                         OnnxExporter.InputMultiple(net), options.Fp16);
            var proto = OnnxExporter.Save(net, info, options, outPath);
            Console.WriteLine($"wrote {outPath} ({archInfo.Name} x{factor}, opset {options.Opset}, {(options.Fp16 ? "float16" : "float32")}, " +
                              $"{(options.StaticShape is { } shape ? "static " + string.Join("x", shape) : "dynamic N/H/W")}, " +
                              $"{proto.Graph.Node.Count} nodes, {new FileInfo(outPath).Length / 1e6:F1} MB)");
            var image = result.GetValue(verifyImage);
            if (!result.GetValue(verify) && image is null) return 0;
            return Verify(net, outPath, options, image?.FullName);
        });
        return command;
    }

    /// <summary>Prints the max abs error of each comparison; exit code 1 when one exceeds the tolerance.</summary>
    private static int Verify(Torch.Nn.Module net, string path, OnnxExportOptions options, string? image)
    {
        using var model = OnnxModel.Load(path);
        long channels = options.StaticShape?[1] ?? 0;
        var results = new List<VerificationResult>();
        if (options.StaticShape is { } shape)
        {
            using var scope = LibTorch.NewDisposeScope();
            results.Add(OnnxVerification.Compare(net, model, Tensor.Rand(shape), "random"));
        }
        else
        {
            channels = model.InputChannels;
            results.AddRange(OnnxVerification.CompareRandom(net, model, channels, model.Info.InputMultiple));
            if (image is not null)
            {
                using var scope = LibTorch.NewDisposeScope();
                var picture = ImageIO.Read(image, ImageReadMode.Rgb);
                results.Add(OnnxVerification.Compare(net, model, picture.ToTensor().Unsqueeze(0).Contiguous(), Path.GetFileName(image)));
            }
        }
        double tolerance = OnnxVerification.Tolerance(options.Fp16);
        foreach (var r in results) Console.WriteLine($"verify: {r} (tolerance {tolerance:E0})");
        if (results.All(r => r.MaxAbsError <= tolerance)) return 0;
        Console.Error.WriteLine($"export: ONNX Runtime differs from SrTrain by more than {tolerance:E0}");
        return 1;
    }
}
