using SrTrain.Abstractions.Contracts;
using SrTrain.Archs;
using SrTrain.Engine.Checkpoints;
using SrTrain.Engine.Inference;
using SrTrain.Engine.Training;
using SrTrain.Data;
using SrTrain.Torch;
using Module = SrTrain.Torch.Nn.Module;

namespace SrTrain.Tools.Inference;

/// <summary>Super-resolves images with a trained generator the way BasicSR's inference scripts do (RGB in
/// [0, 1] through the network, output clamped and rounded when written), plus what they leave out: tiles
/// for any image size, x8 self-ensemble, alpha, grey and 16-bit files. <c>srtrain infer</c> and the
/// <c>interp --sweep</c> grids are thin wrappers over it.</summary>
public sealed class Upscaler : IDisposable
{
    private readonly InputRule inputRule;

    /// <summary>Wraps <paramref name="net"/> (moved to the settings' device, put in eval mode; owned from
    /// now on) that enlarges by <paramref name="scale"/>.</summary>
    public Upscaler(Module net, int scale, UpscaleSettings? settings = null)
    {
        Settings = settings ?? new UpscaleSettings();
        Settings.Validate();
        if (scale < 1) throw new ArgumentException($"--scale must be >= 1, got {scale}");
        Device = Settings.Device ?? Device.Cpu;
        Net = net;
        Net.To(Device);
        Net.Eval();
        Setup = InferenceSetup.Apply(Net, Device, Settings.MemoryFormat, Settings.ConvAlgorithm);
        Scale = scale;
        inputRule = InputRule.Of(net);
    }

    /// <summary>Builds <paramref name="arch"/> from <paramref name="archOptions"/> (BasicSR's keys, e.g.
    /// num_block=23; <paramref name="scale"/> goes under the arch's own scale key) and loads
    /// <paramref name="modelPath"/> into it strictly (BasicSR or ESRGAN-release layout, <c>module.</c>
    /// prefix stripped). <paramref name="log"/> hears what the loader converted or fell back to.</summary>
    public static Upscaler Load(string arch, IEnumerable<KeyValuePair<string, object?>> archOptions, int scale,
                                string modelPath, string? paramKey, UpscaleSettings? settings = null, Action<string>? log = null)
    {
        var net = BuildArch(arch, archOptions, scale);
        try
        {
            ArchCheckpoint.Load(net, modelPath, paramKey, strict: true, out var note);
            if (note is not null) log?.Invoke(note);
            return new Upscaler(net, scale, settings);
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>The registered arch <paramref name="arch"/> built for <paramref name="scale"/>; an unknown
    /// option key is an error naming it and the nearest valid one.</summary>
    public static Module BuildArch(string arch, IEnumerable<KeyValuePair<string, object?>> archOptions, int scale)
    {
        return ArchInfo.Get(arch).Create(archOptions, scale, "--arch-opt");
    }

    /// <summary>The network (on <see cref="Device"/>, eval mode).</summary>
    public Module Net { get; }

    public int Scale { get; }

    public Device Device { get; }

    public UpscaleSettings Settings { get; }

    /// <summary>The memory format and convolution algorithm the network runs on (<see cref="UpscaleSettings.MemoryFormat"/>
    /// and <see cref="UpscaleSettings.ConvAlgorithm"/> resolved for the device).</summary>
    public InferenceSetup Setup { get; }

    /// <summary>The network's output for an NCHW batch in [0, 1] (any device), as an unclamped NCHW float CPU
    /// tensor of the current scope: tiled and/or self-ensembled as the settings say, without gradients.</summary>
    public Tensor Run(Tensor lq)
    {
        if (lq.Dim != 4) throw new ArgumentException($"expected an NCHW batch, got shape [{string.Join(", ", lq.Shape)}]");
        Tensor result;
        using (var scope = LibTorch.NewDisposeScope())
        using (LibTorch.NoGrad())
        {
            var x = lq.Device == Device ? lq : lq.To(Device);
            Tensor Tiled(Tensor t) => Settings.Tile > 0 ? TiledInference.Run(Forward, t, Settings.Tile, Settings.TilePad, Scale) : Forward(t);
            var y = Settings.SelfEnsemble ? SelfEnsemble.Run(Tiled, x) : Tiled(x);
            result = (y.Device == Device.Cpu ? y : y.To(Device.Cpu)).MoveToOuterScope();
        }
        return result;
    }

    /// <summary>The super-resolved image: RGB through the network; grey (1 channel) replicated to RGB for it
    /// and brought back to one channel with BT.601 luma (as OpenCV's RGB2GRAY); alpha (4th channel) enlarged
    /// by <see cref="UpscaleSettings.Alpha"/>. Values are the network's, clamped to [0, 1].</summary>
    public Image Upscale(Image image)
    {
        if (image.Channels is not (1 or 3 or 4))
            throw new ArgumentException($"cannot upscale an image with {image.Channels} channels (1, 3 or 4 expected)");
        using var scope = LibTorch.NewDisposeScope();
        var rgb = ToRgbTensor(image);
        var sr = Run(rgb).Clamp(0, 1);
        var srImage = Image.FromTensor(sr);
        if (image.Channels == 1) return Luma(srImage);
        if (image.Channels == 3) return srImage;
        return WithAlpha(srImage, UpscaleAlpha(image));
    }

    /// <summary>Upscales <paramref name="inputPath"/> into <paramref name="outputPath"/> (PNG): 16-bit input
    /// (or float TIFF) is written with 16 bits, everything else with 8; grey stays grey, RGBA keeps alpha.</summary>
    public Image UpscaleFile(string inputPath, string outputPath)
    {
        var image = ImageIO.Read(inputPath, ImageReadMode.Unchanged, out int bits);
        var sr = Upscale(image);
        ImageIO.Write(outputPath, sr, bits >= 16 ? 16 : 8);
        return sr;
    }

    /// <summary>Image files under <paramref name="fileOrDir"/> (one file, or a folder's images sorted by name);
    /// a missing path or an empty folder is an error naming it.</summary>
    public static IReadOnlyList<string> ListInputs(string fileOrDir)
    {
        if (File.Exists(fileOrDir)) return [fileOrDir];
        if (!Directory.Exists(fileOrDir)) throw new FileNotFoundException($"input {fileOrDir} does not exist", fileOrDir);
        var files = Directory.EnumerateFiles(fileOrDir).Where(ImageIO.IsImageFile).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new FileNotFoundException($"input folder {fileOrDir} holds no images ({string.Join(", ", ImageIO.Extensions)})", fileOrDir);
        return files;
    }

    /// <summary>The output path of <paramref name="input"/>: <c>dir/stem_suffix.png</c> (no underscore part when
    /// the suffix is empty), as BasicSR's inference names its results.</summary>
    public static string OutputPath(string input, string outputDir, string? suffix) =>
        Path.Combine(outputDir, Path.GetFileNameWithoutExtension(input) + (string.IsNullOrEmpty(suffix) ? "" : "_" + suffix) + ".png");

    public void Dispose() => Net.Dispose();

    /// <summary>One network pass; an input size the arch does not accept is padded to what its
    /// <see cref="InputRule"/> states and the output cropped back (<see cref="InputPadding"/>).</summary>
    private Tensor Forward(Tensor x) =>
        InputPadding.Run(t => CheckSize(Setup.Forward(Net, t), t.Size(2), t.Size(3)), x, inputRule, Scale);

    private Tensor CheckSize(Tensor y, long h, long w)
    {
        if (y.Dim != 4 || y.Size(2) != h * Scale || y.Size(3) != w * Scale)
            throw new ArgumentException(
                $"the network made [{string.Join(", ", y.Shape)}] from a {h}x{w} input; --scale {Scale} expects {h * Scale}x{w * Scale}");
        return y;
    }

    private static Tensor ToRgbTensor(Image image)
    {
        var chw = image.ToTensor();
        chw = image.Channels switch
        {
            1 => chw.Expand(3, image.Height, image.Width),
            4 => chw.Narrow(0, 0, 3),
            _ => chw,
        };
        return chw.Unsqueeze(0).Contiguous();
    }

    private Image UpscaleAlpha(Image image)
    {
        var alpha = new Image(image.Height, image.Width, 1);
        for (long p = 0; p < alpha.Data.LongLength; p++) alpha.Data[p] = image.Data[p * 4 + 3];
        if (Settings.Alpha == AlphaUpsampler.Bicubic)
        {
            var up = Imresize.Resize(alpha, image.Height * Scale, image.Width * Scale);
            for (int i = 0; i < up.Data.Length; i++) up.Data[i] = Math.Clamp(up.Data[i], 0f, 1f);
            return up;
        }
        using var scope = LibTorch.NewDisposeScope();
        var grey = alpha.ToTensor().Expand(3, image.Height, image.Width).Unsqueeze(0).Contiguous();
        return Image.FromTensor(Run(grey).Clamp(0, 1).Mean([1], keepDim: true));
    }

    private static Image WithAlpha(Image rgb, Image alpha)
    {
        var result = new Image(rgb.Height, rgb.Width, 4);
        for (long p = 0; p < (long)rgb.Height * rgb.Width; p++)
        {
            result.Data[p * 4] = rgb.Data[p * 3];
            result.Data[p * 4 + 1] = rgb.Data[p * 3 + 1];
            result.Data[p * 4 + 2] = rgb.Data[p * 3 + 2];
            result.Data[p * 4 + 3] = alpha.Data[p];
        }
        return result;
    }

    private static Image Luma(Image rgb)
    {
        var grey = new Image(rgb.Height, rgb.Width, 1);
        for (long p = 0; p < grey.Data.LongLength; p++)
            grey.Data[p] = 0.299f * rgb.Data[p * 3] + 0.587f * rgb.Data[p * 3 + 1] + 0.114f * rgb.Data[p * 3 + 2];
        return grey;
    }
}
