using System.Text.RegularExpressions;
using SrTrain.Tools.Inference;
using SrTrain.Data;
using SrTrain.Torch.Serialization;

namespace SrTrain.Cli.Tests;

/// <summary><c>srtrain infer</c> as a user runs it on PNG files, and <see cref="Upscaler"/> where the property is
/// numeric (self-ensemble).</summary>
[Collection(SerialCliCollection.Name)]
public class InferCommandTests
{
    private static string[] Infer(string model, string input, string output, params string[] extra) =>
        ["infer", "--model", model, .. InferTestData.ArchArgs, "-i", input, "-o", output, .. extra];

    [Fact]
    public void TiledOutputEqualsUntiledAnd16BitInputStays16Bit()
    {
        var dir = RepoPaths.NewTempDir("srtrain-infer-tile");
        var model = InferTestData.Checkpoint(dir, seed: 1, lively: true);
        var input = Path.Combine(dir, "in", "photo.png");
        ImageIO.Write(input, InferTestData.Picture(20, 28), bits: 16);

        Assert.Equal(0, InferTestData.Cli(Infer(model, input, Path.Combine(dir, "whole"))).Code);
        // 8x8 tiles with the default 10-pixel pad: 3x4 tiles, every seam inside the image.
        Assert.Equal(0, InferTestData.Cli(Infer(model, input, Path.Combine(dir, "tiled"), "--tile", "8", "--tile-pad", "10")).Code);
        // Without context the seams show: the check below can fail.
        Assert.Equal(0, InferTestData.Cli(Infer(model, input, Path.Combine(dir, "no-pad"), "--tile", "8", "--tile-pad", "0")).Code);

        var whole = ImageIO.Read(Path.Combine(dir, "whole", "photo.png"), ImageReadMode.Unchanged, out int bits);
        var tiled = ImageIO.Read(Path.Combine(dir, "tiled", "photo.png"), ImageReadMode.Unchanged, out _);
        Assert.Equal(16, bits);
        Assert.Equal("80x112x3", whole.SizeText);
        double diff = InferTestData.MaxDiff(whole, tiled);
        Assert.True(diff < 1.0 / 255, $"tiled vs untiled max |diff| {diff} (limit 1/255)");
        var noPad = ImageIO.Read(Path.Combine(dir, "no-pad", "photo.png"), ImageReadMode.Unchanged);
        Assert.True(InferTestData.MaxDiff(whole, noPad) > 10.0 / 255, "tiles without context pixels leave seams");
        var mean = whole.Data.Average();
        Assert.True(whole.Data.Average(v => (v - mean) * (v - mean)) > 0.01, "the output varies (std > 0.1)");
    }

    /// <summary>auto (channels_last on AVX-512 oneDNN) and explicit layouts give the same image up to float32 rounding, and
    /// a PyTorch NCHW forward of the same checkpoint agrees with the channels_last one.</summary>
    [Fact]
    public void EveryMemoryFormatGivesPyTorchsOutput()
    {
        var dir = RepoPaths.NewTempDir("srtrain-infer-format");
        var model = InferTestData.Checkpoint(dir, seed: 3, lively: true);
        var input = Path.Combine(dir, "in", "photo.png");
        ImageIO.Write(input, InferTestData.Picture(20, 28), bits: 16);
        foreach (var format in new[] { "auto", "contiguous", "channels_last" })
            Assert.Equal(0, InferTestData.Cli(Infer(model, input, Path.Combine(dir, format), "--memory-format", format)).Code);
        var nchw = ImageIO.Read(Path.Combine(dir, "contiguous", "photo.png"), ImageReadMode.Unchanged);
        foreach (var format in new[] { "auto", "channels_last" })
        {
            double diff = InferTestData.MaxDiff(nchw, ImageIO.Read(Path.Combine(dir, format, "photo.png"), ImageReadMode.Unchanged));
            Assert.True(diff <= 2.0 / 65535, $"{format} vs contiguous: max |diff| {diff} (limit two 16-bit steps: float32 rounding)");
        }

        using var scope = LibTorch.NewDisposeScope();
        using var cl = Upscaler.Load("RRDBNet", InferTestData.ArchOptions, 4, model, "params", new UpscaleSettings(MemoryFormat: "channels_last"));
        Assert.True(cl.Setup.MemoryFormat.ChannelsLast);
        var x = InferTestData.Picture(12, 16).ToTensor().Unsqueeze(0);
        var actual = cl.Run(x);
        Assert.True(actual.IsContiguous(), "the output comes back NCHW");
        var lq = Path.Combine(dir, "lq.pth");
        PthFile.Save(lq, new Dictionary<string, Tensor> { ["lq"] = x });
        var srPath = Path.Combine(dir, "sr.pth");
        PythonReference.Run("""
            import sys, torch
            import archs_ref as R
            net = R.RRDBNet(num_in_ch=3, num_out_ch=3, scale=4, num_feat=8, num_block=1, num_grow_ch=4)
            net.load_state_dict(torch.load(sys.argv[1], map_location="cpu")["params"])
            net.eval()
            with torch.no_grad():
                y = net(torch.load(sys.argv[2])["lq"])
            torch.save({"sr": y}, sys.argv[3])
            """, model, lq, srPath);
        var expected = PthFile.LoadStateDict(srPath);
        TensorAssert.Close(expected["sr"], actual, Tolerance.Network);
        var bad = InferTestData.Cli(Infer(model, input, Path.Combine(dir, "bad"), "--memory-format", "nhwc"));
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("--memory-format must be one of auto, contiguous, channels_last, got 'nhwc'", bad.Stderr);
    }

    /// <summary><c>--conv-algorithm auto</c> runs NCHW through Winograd where oneDNN has its kernels (an RRDBNet whose
    /// channel counts Winograd takes) and writes the direct kernels' image up to float32 rounding; a bad value, and
    /// winograd with channels_last, are one-line errors naming the option.</summary>
    [Fact]
    public void ConvAlgorithmAutoTakesWinogradWhereItCanAndWritesTheDirectKernelsImage()
    {
        var dir = RepoPaths.NewTempDir("srtrain-infer-conv");
        var opts = InferTestData.WinogradSizedArchOpts;
        var model = InferTestData.Checkpoint(dir, seed: 4, lively: true, archOpts: opts);
        var input = Path.Combine(dir, "in", "photo.png");
        ImageIO.Write(input, InferTestData.Picture(18, 22), bits: 16);
        string[] Args(string output, params string[] extra) =>
            ["infer", "--model", model, "--arch", "RRDBNet", "--scale", "4", .. opts.SelectMany(o => new[] { "--arch-opt", o }),
             "-i", input, "-o", Path.Combine(dir, output), .. extra];

        Assert.Equal(0, InferTestData.Cli(Args("direct", "--conv-algorithm", "direct")).Code);
        Assert.Equal(0, InferTestData.Cli(Args("auto")).Code);
        var winograd = InferTestData.Cli(Args("winograd", "--conv-algorithm", "winograd"));
        var direct = ImageIO.Read(Path.Combine(dir, "direct", "photo.png"), ImageReadMode.Unchanged);
        var outputs = new List<string> { "auto" };
        if (ConvAlgorithm.WinogradAvailable)
        {
            Assert.Equal(0, winograd.Code);
            outputs.Add("winograd");
        }
        else
        {
            Assert.NotEqual(0, winograd.Code);
            Assert.Contains("conv_algorithm: winograd is unavailable here", winograd.Stderr);
        }
        foreach (var output in outputs)
        {
            double diff = InferTestData.MaxDiff(direct, ImageIO.Read(Path.Combine(dir, output, "photo.png"), ImageReadMode.Unchanged));
            Assert.True(diff <= 2.0 / 65535, $"{output} vs direct: max |diff| {diff} (limit two 16-bit steps: float32 rounding)");
        }

        using (var scope = LibTorch.NewDisposeScope())
        using (var auto = Upscaler.Load("RRDBNet", Commands.ArchOptionParser.Parse(opts), 4, model, "params"))
        using (var directKernels = Upscaler.Load("RRDBNet", Commands.ArchOptionParser.Parse(opts), 4, model, "params",
                                                 new UpscaleSettings(MemoryFormat: "contiguous", ConvAlgorithm: "direct")))
        {
            Assert.Equal(ConvAlgorithm.WinogradAvailable, auto.Setup.ConvAlgorithm.Winograd);
            // The PNGs' 16-bit steps can hide float32 rounding: against the same layout on direct kernels, the tensors show
            // that Upscaler ran the layers through Winograd.
            var x = InferTestData.Picture(12, 16).ToTensor().Unsqueeze(0);
            var viaAuto = auto.Run(x);
            var viaDirect = directKernels.Run(x);
            TensorAssert.Close(viaDirect, viaAuto, Tolerance.Network);
            if (auto.Setup.ConvAlgorithm.Winograd)
            {
                Assert.False(auto.Setup.MemoryFormat.ChannelsLast, "Winograd runs NCHW");
                Assert.True(viaDirect.Sub(viaAuto).Abs().Max().Item() > 0, "auto's convolutions went through Winograd");
            }
        }

        var bad = InferTestData.Cli(Args("bad", "--conv-algorithm", "fast"));
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("--conv-algorithm must be one of auto, direct, winograd, got 'fast'", bad.Stderr);
        var clash = InferTestData.Cli(Args("clash", "--conv-algorithm", "winograd", "--memory-format", "channels_last"));
        Assert.NotEqual(0, clash.Code);
        Assert.Contains("--conv-algorithm winograd runs NCHW: use it with --memory-format auto or contiguous", clash.Stderr);
        Assert.DoesNotContain("   at ", clash.Stderr);
    }

    [Fact]
    public void SelfEnsembleIsTheMeanOfTheEightTransformedOutputs()
    {
        var dir = RepoPaths.NewTempDir("srtrain-infer-ens");
        var model = InferTestData.Checkpoint(dir, seed: 2, lively: true);
        using var scope = LibTorch.NewDisposeScope();
        using var plain = Upscaler.Load("RRDBNet", InferTestData.ArchOptions, 4, model, "params");
        using var ensemble = Upscaler.Load("RRDBNet", InferTestData.ArchOptions, 4, model, "params", new UpscaleSettings(SelfEnsemble: true));
        var x = InferTestData.Picture(12, 16).ToTensor().Unsqueeze(0);

        // The 8 dihedral transforms written out here, independently of Engine.Inference.SelfEnsemble.
        var outputs = new List<Tensor>();
        foreach (bool transpose in new[] { false, true })
            foreach (bool flipH in new[] { false, true })
                foreach (bool flipW in new[] { false, true })
                {
                    var t = x;
                    if (flipW) t = t.Flip(3);
                    if (flipH) t = t.Flip(2);
                    if (transpose) t = t.Transpose(2, 3);
                    var y = plain.Run(t.Contiguous());
                    if (transpose) y = y.Transpose(2, 3);
                    if (flipH) y = y.Flip(2);
                    if (flipW) y = y.Flip(3);
                    outputs.Add(y);
                }
        var expected = Tensor.Stack(outputs).Mean([0]);
        var actual = ensemble.Run(x);
        Assert.Equal([1, 3, 48, 64], actual.Shape);
        TensorAssert.Close(expected, actual, Tolerance.Network, what: "self-ensemble");
        // and it is not simply the plain output
        Assert.True((plain.Run(x) - actual).Abs().Max().Item() > 1e-6);
    }

    [Fact]
    public void EsrganReleaseLayoutCheckpointGivesTheSameImagesAsBasicsrLayout()
    {
        var dir = RepoPaths.NewTempDir("srtrain-infer-release");
        var model = InferTestData.Checkpoint(dir, seed: 3);
        var release = Path.Combine(dir, "RRDB_ESRGAN_x4.pth");
        using (var state = new DisposableStateDict(PthFile.LoadStateDict(model, "params")))
            PthFile.Save(release, state.State.ToDictionary(p => ToReleaseKey(p.Key), p => p.Value)); // flat, like the release
        var input = Path.Combine(dir, "in");
        ImageIO.Write(Path.Combine(input, "a.png"), InferTestData.Picture(16, 12));
        ImageIO.Write(Path.Combine(input, "b.png"), InferTestData.Picture(8, 20));

        Assert.Equal(0, InferTestData.Cli(Infer(model, input, Path.Combine(dir, "basicsr"), "--suffix", "out")).Code);
        var (code, stderr) = InferTestData.Cli(Infer(release, input, Path.Combine(dir, "release"), "--suffix", "out"));
        Assert.Equal(0, code);
        Assert.Contains("OriginalRelease", stderr);
        foreach (var name in new[] { "a_out.png", "b_out.png" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "basicsr", name)), File.ReadAllBytes(Path.Combine(dir, "release", name)));
        Assert.Equal("32x80x3", ImageIO.Read(Path.Combine(dir, "release", "b_out.png")).SizeText);
    }

    /// <summary>BasicSR's RRDBNet key -> the original ESRGAN release's (one RRDB block).</summary>
    private static string ToReleaseKey(string key)
    {
        var m = Regex.Match(key, @"^body\.(\d+)\.rdb(\d)\.(conv\d)\.(weight|bias)$");
        if (m.Success) return $"model.1.sub.{m.Groups[1]}.RDB{m.Groups[2]}.{m.Groups[3]}.0.{m.Groups[4]}";
        var (module, param) = (key[..key.LastIndexOf('.')], key[(key.LastIndexOf('.') + 1)..]);
        var index = module switch
        {
            "conv_first" => "0", "conv_body" => "1.sub.1", "conv_up1" => "3", "conv_up2" => "6", "conv_hr" => "8", "conv_last" => "10",
            _ => throw new InvalidOperationException(key),
        };
        return $"model.{index}.{param}";
    }

    [Fact]
    public void RgbaKeepsAlphaUpscaledBicubicallyAndGreyStaysGrey()
    {
        var dir = RepoPaths.NewTempDir("srtrain-infer-alpha");
        var model = InferTestData.Checkpoint(dir, seed: 4);
        var input = Path.Combine(dir, "in");
        Directory.CreateDirectory(input);
        File.Copy(RepoPaths.Fixture("images/rgba8.png"), Path.Combine(input, "rgba.png"));
        File.Copy(RepoPaths.Fixture("images/gray8.png"), Path.Combine(input, "gray.png"));
        Assert.Equal(0, InferTestData.Cli(Infer(model, input, Path.Combine(dir, "out"))).Code);

        var source = ImageIO.Read(RepoPaths.Fixture("images/rgba8.png"), ImageReadMode.Unchanged);
        var sr = ImageIO.Read(Path.Combine(dir, "out", "rgba.png"), ImageReadMode.Unchanged);
        Assert.Equal($"{source.Height * 4}x{source.Width * 4}x4", sr.SizeText);
        var alpha = new Image(source.Height, source.Width, 1);
        for (int y = 0; y < source.Height; y++)
            for (int x = 0; x < source.Width; x++) alpha[y, x, 0] = source[y, x, 3];
        var expectedAlpha = Imresize.Resize(alpha, 4.0);
        double worst = 0;
        for (int y = 0; y < sr.Height; y++)
            for (int x = 0; x < sr.Width; x++)
                worst = Math.Max(worst, Math.Abs(sr[y, x, 3] - Math.Clamp(expectedAlpha[y, x, 0], 0f, 1f)));
        Assert.True(worst <= 0.5 / 255 + 1e-6, $"alpha differs from MATLAB bicubic by {worst}");
        // The colour channels are the network's output for the RGB part alone.
        using (var upscaler = Upscaler.Load("RRDBNet", InferTestData.ArchOptions, 4, model, "params"))
        {
            var rgb = upscaler.Upscale(ImageIO.Read(RepoPaths.Fixture("images/rgba8.png"), ImageReadMode.Rgb));
            for (int y = 0; y < sr.Height; y += 7)
                for (int x = 0; x < sr.Width; x += 5)
                    for (int c = 0; c < 3; c++)
                        Assert.True(Math.Abs(sr[y, x, c] - rgb[y, x, c]) <= 0.5 / 255 + 1e-6, $"RGB at ({y}, {x}, {c})");
        }

        var grey = ImageIO.Read(Path.Combine(dir, "out", "gray.png"), ImageReadMode.Unchanged);
        var greySource = ImageIO.Read(RepoPaths.Fixture("images/gray8.png"), ImageReadMode.Unchanged);
        Assert.Equal($"{greySource.Height * 4}x{greySource.Width * 4}x1", grey.SizeText);
    }

    [Fact]
    public void MisspelledArchOptionNamesTheKeyAndTheNearestValidOne()
    {
        var dir = RepoPaths.NewTempDir("srtrain-infer-badopt");
        var model = InferTestData.Checkpoint(dir, seed: 5);
        var input = Path.Combine(dir, "a.png");
        ImageIO.Write(input, InferTestData.Picture(8, 8));
        var (code, stderr) = InferTestData.Cli("infer", "--model", model, "--arch", "RRDBNet", "--arch-opt", "num_blok=1",
                                               "--scale", "4", "-i", input, "-o", Path.Combine(dir, "out"));
        Assert.Equal(2, code);
        Assert.Contains("num_blok", stderr);
        Assert.Contains("num_block", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }
}
