using SrTrain.Export.Onnx;
using SrTrain.Export.Runtime;
using Xunit.Abstractions;

namespace SrTrain.Export.Tests;

/// <summary>The exported file, run by ONNX Runtime (graph optimisation on), gives SrTrain's own forward for every
/// generator arch: max abs 1e-4 in float32 and 1e-2 in float16, at two input sizes (one odd) from one file.</summary>
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
            Assert.Contains(results, r => r.Shape[2] % 2 == 1 || r.Shape[3] % 2 == 1 || model.Info.InputMultiple > 1);
            double tolerance = OnnxVerification.Tolerance(fp16);
            foreach (var r in results)
            {
                output.WriteLine($"{c.Name} {(fp16 ? "fp16" : "fp32")}: {r}");
                Assert.True(r.MaxAbsError <= tolerance, $"{c.Name} {(fp16 ? "fp16" : "fp32")} {r}: over {tolerance}");
            }
        }
    }
}
