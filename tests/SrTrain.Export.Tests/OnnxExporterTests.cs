using SrTrain.Data;
using SrTrain.Export.Onnx;
using SrTrain.Export.Runtime;
using Xunit.Abstractions;

namespace SrTrain.Export.Tests;

/// <summary>The exported file, run by ONNX Runtime (graph optimisation on), gives SrTrain's own forward for every
/// generator arch: max abs 1e-4 in float32 and 1e-2 in float16, at two random input sizes (one odd; RRDBNet x1/x2:
/// an odd number of unshuffle blocks) from one file, and on a real photo (tests/fixtures/images/photo.jpg, 21x27).</summary>
public sealed class OnnxExporterTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(ExportCase.Names), MemberType = typeof(ExportCase))]
    public void Onnx_runtime_matches_srtrain_in_float32_and_float16(string caseName)
    {
        var c = ExportCase.Get(caseName);
        using var net = c.Build();
        var dir = RepoPaths.NewTempDir("srtrain-onnx");
        foreach (bool fp16 in new[] { false, true })
        {
            var path = Path.Combine(dir, $"{c.Name}{(fp16 ? "_fp16" : "")}.onnx");
            var info = new OnnxModelInfo(c.Arch, c.Scale, new Dictionary<string, string>(), OnnxExporter.InputMultiple(net), fp16);
            OnnxExporter.Save(net, info, new OnnxExportOptions(Fp16: fp16, FoldBatchNorm: c.FoldBatchNorm), path);
            using var model = OnnxModel.Load(path);
            var results = OnnxVerification.CompareRandom(net, model, model.InputChannels, model.Info.InputMultiple);
            Assert.Equal(2, results.Count);
            Assert.Contains(results, r => (r.Shape[2] / model.Info.InputMultiple) % 2 == 1);
            results = [.. results, Photo(net, model)];
            double tolerance = OnnxVerification.Tolerance(fp16);
            foreach (var r in results)
            {
                output.WriteLine($"{c.Name} {(fp16 ? "fp16" : "fp32")}: {r}");
                Assert.True(r.MaxAbsError <= tolerance, $"{c.Name} {(fp16 ? "fp16" : "fp32")} {r}: over {tolerance}");
            }
        }
    }

    [Fact]
    public void Opset_13_loads_and_matches_too()
    {
        var c = ExportCase.Get("RRDBNet_x2");
        using var net = c.Build();
        var path = Path.Combine(RepoPaths.NewTempDir("srtrain-onnx-opset"), "rrdb_opset13.onnx");
        OnnxExporter.Save(net, new OnnxModelInfo(c.Arch, c.Scale, new Dictionary<string, string>(), OnnxExporter.InputMultiple(net)),
                          new OnnxExportOptions(Opset: 13), path);
        using var model = OnnxModel.Load(path);
        Assert.All(OnnxVerification.CompareRandom(net, model, 3, model.Info.InputMultiple), r => Assert.True(r.MaxAbsError <= 1e-4, r.ToString()));
    }

    /// <summary>The photo, cropped to the arch's input multiple (RRDBNet x1: 20x24).</summary>
    private static VerificationResult Photo(Torch.Nn.Module net, OnnxModel model)
    {
        using var scope = LibTorch.NewDisposeScope();
        var image = ImageIO.Read(Path.Combine(RepoPaths.Root, "tests", "fixtures", "images", "photo.jpg"), ImageReadMode.Rgb);
        int m = model.Info.InputMultiple;
        image = image.Crop(0, 0, image.Height / m * m, image.Width / m * m);
        return OnnxVerification.Compare(net, model, image.ToTensor().Unsqueeze(0).Contiguous(), "photo.jpg");
    }
}
