using SrTrain.Data;
using SrTrain.Export.Onnx;
using SrTrain.Torch.Nn;

namespace SrTrain.Export.Tests;

/// <summary><c>srtrain export</c> and <c>srtrain infer --model model.onnx</c> as a user runs them.</summary>
public sealed class ExportCommandTests
{
    private static readonly string[] Rrdb = ["num_feat=8", "num_block=1", "num_grow_ch=4"];

    [Fact]
    public void Infer_with_the_onnx_file_writes_the_same_png_as_with_the_pth()
    {
        var dir = RepoPaths.NewTempDir("srtrain-export-cli");
        var pth = CliRun.Checkpoint(dir, "RRDBNet", 2, Rrdb, "conv_last.bias");
        var onnx = Path.Combine(dir, "model.onnx");
        string[] archArgs = ["--arch", "RRDBNet", .. Rrdb.SelectMany(o => new[] { "--arch-opt", o }), "--scale", "2"];
        // 21x17: odd, so RRDBNet x2 needs its input padded to even sizes in both paths.
        var input = Path.Combine(dir, "in", "photo.png");
        ImageIO.Write(input, CliRun.Picture(21, 17));
        var even = Path.Combine(dir, "even.png");
        ImageIO.Write(even, CliRun.Picture(20, 16));
        var export = CliRun.Srtrain(["export", "--model", pth, .. archArgs, "-o", onnx, "--verify-image", even]);
        Assert.True(export.Code == 0, export.Stdout + export.Stderr);
        Assert.Contains("verify: random 16x16 [1x3x16x16]", export.Stdout);
        Assert.Contains("verify: random 14x10 [2x3x14x10]", export.Stdout);
        Assert.Contains("verify: even.png [1x3x20x16]", export.Stdout);
        var viaPth = CliRun.Srtrain(["infer", "--model", pth, .. archArgs, "-i", input, "-o", Path.Combine(dir, "pth")]);
        Assert.True(viaPth.Code == 0, viaPth.Stderr);
        var viaOnnx = CliRun.Srtrain("infer", "--model", onnx, "-i", input, "-o", Path.Combine(dir, "onnx"));
        Assert.True(viaOnnx.Code == 0, viaOnnx.Stderr);

        var a = ImageIO.Read(Path.Combine(dir, "pth", "photo.png"), ImageReadMode.Unchanged);
        var b = ImageIO.Read(Path.Combine(dir, "onnx", "photo.png"), ImageReadMode.Unchanged);
        Assert.Equal("42x34x3", b.SizeText);
        Assert.True(CliRun.MaxLevels(a, b) <= 1, $"onnx vs pth PNG differ by {CliRun.MaxLevels(a, b)} grey levels");
        double mean = b.Data.Average();
        Assert.True(b.Data.Average(v => (v - mean) * (v - mean)) > 0.005, "the output is not flat");
    }

    [Fact]
    public void Static_fp16_export_fixes_the_input_shape_and_verifies_within_1e_2()
    {
        var dir = RepoPaths.NewTempDir("srtrain-export-static");
        var pth = CliRun.Checkpoint(dir, "RRDBNet", 4, Rrdb, "conv_last.bias");
        var onnx = Path.Combine(dir, "static.onnx");
        var run = CliRun.Srtrain(["export", "--model", pth, "--arch", "RRDBNet", .. Rrdb.SelectMany(o => new[] { "--arch-opt", o }),
                                  "--scale", "4", "-o", onnx, "--static", "1x3x12x10", "--fp16", "--verify"]);
        Assert.True(run.Code == 0, run.Stdout + run.Stderr);
        Assert.Contains("float16, static 1x3x12x10", run.Stdout);
        Assert.Contains("verify: random [1x3x12x10]", run.Stdout);
        var dims = PythonReference.Run("""
            import sys, onnx
            m = onnx.load(sys.argv[1])
            print([d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim], [d.dim_value for d in m.graph.output[0].type.tensor_type.shape.dim])
            """, onnx);
        Assert.Equal("[1, 3, 12, 10] [1, 3, 48, 40]", dims.Trim());
    }

    [Fact]
    public void Exported_file_passes_the_onnx_checker_and_records_arch_and_scale()
    {
        var dir = RepoPaths.NewTempDir("srtrain-export-checker");
        var c = ExportCase.Get("SRResNet_x2_bn");
        using var net = c.Build();
        var path = Path.Combine(dir, "srresnet.onnx");
        var info = new OnnxModelInfo(c.Arch, c.Scale, new Dictionary<string, string> { ["num_feat"] = "16" }, 1);
        OnnxExporter.Save(net, info, new OnnxExportOptions(FoldBatchNorm: false), path);
        // Debian's python3-onnx 1.12 (installed by scripts/setup.sh): full check, including shape inference.
        var stdout = PythonReference.Run("""
            import sys, onnx
            m = onnx.load(sys.argv[1])
            onnx.checker.check_model(m, full_check=True)
            print(m.opset_import[0].version, [n.op_type for n in m.graph.node].count('BatchNormalization'),
                  {p.key: p.value for p in m.metadata_props}['srtrain.scale'],
                  [d.dim_param or d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim])
            """, path);
        Assert.Equal("17 5 2 ['N', 3, 'H', 'W']", stdout.Trim());
    }

    [Fact]
    public void Every_arch_in_float32_and_float16_passes_the_onnx_checker()
    {
        var dir = RepoPaths.NewTempDir("srtrain-export-checker-all");
        var files = new List<string>();
        foreach (var c in ExportCase.All)
        {
            using var net = c.Build();
            foreach (bool fp16 in new[] { false, true })
            {
                var path = Path.Combine(dir, $"{c.Name}{(fp16 ? "_fp16" : "")}.onnx");
                OnnxExporter.Save(net, new OnnxModelInfo(c.Arch, c.Scale, new Dictionary<string, string>(), OnnxExporter.InputMultiple(net), fp16),
                                  new OnnxExportOptions(Fp16: fp16, FoldBatchNorm: c.FoldBatchNorm), path);
                files.Add(path);
            }
        }
        var stdout = PythonReference.Run("""
            import sys, onnx
            for path in sys.argv[1:]:
                onnx.checker.check_model(onnx.load(path), full_check=True)
            print(len(sys.argv) - 1)
            """, [.. files]);
        Assert.Equal(files.Count.ToString(), stdout.Trim());
    }

    [Fact]
    public void A_module_without_an_onnx_mapping_is_named_with_its_op()
    {
        using var net = new Sequential(new Conv2d(3, 4, 3, padding: 1), new Linear(4, 4));
        var emitter = new OnnxEmitter(new OnnxGraphBuilder(false), true);
        var e = Assert.Throws<OnnxExportException>(() => emitter.Emit(new ModuleAt(net, "body"), "input"));
        Assert.Contains("'body.1' (Linear)", e.Message);
        Assert.Contains("Linear.Forward", e.Message);
    }

    [Fact]
    public void User_errors_are_one_line_naming_the_option_or_arch()
    {
        var dir = RepoPaths.NewTempDir("srtrain-export-errors");
        var pth = CliRun.Checkpoint(dir, "RRDBNet", 4, Rrdb, "conv_last.bias");
        string[] archArgs = ["--arch", "RRDBNet", .. Rrdb.SelectMany(o => new[] { "--arch-opt", o }), "--scale", "4"];
        var badShape = CliRun.Srtrain(["export", "--model", pth, .. archArgs, "-o", Path.Combine(dir, "m.onnx"), "--static", "1x3x64"]);
        Assert.Equal(2, badShape.Code);
        Assert.Contains("--static '1x3x64'", badShape.Stderr);
        Assert.DoesNotContain("   at ", badShape.Stderr);

        var disc = CliRun.Srtrain("export", "--model", pth, "--arch", "VGGStyleDiscriminator", "--scale", "4", "-o", Path.Combine(dir, "d.onnx"));
        Assert.Equal(2, disc.Code);
        Assert.DoesNotContain("   at ", disc.Stderr);

        var picture = Path.Combine(dir, "photo.png");
        ImageIO.Write(picture, CliRun.Picture(8, 8));
        var notOnnx = CliRun.Srtrain("infer", "--model", pth + ".onnx", "-i", picture, "-o", dir);
        Assert.Equal(2, notOnnx.Code);
        Assert.Contains(".onnx does not exist", notOnnx.Stderr);

        var noArch = CliRun.Srtrain("infer", "--model", pth, "--scale", "4", "-i", picture, "-o", dir);
        Assert.Equal(2, noArch.Code);
        Assert.Contains("--arch is required", noArch.Stderr);
    }
}
