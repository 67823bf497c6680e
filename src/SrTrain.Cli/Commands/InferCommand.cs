using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using SrTrain.Export.Runtime;
using SrTrain.Export.Video;
using SrTrain.Tools.Inference;
using SrTrain.Torch;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain infer --model net_g.pth --arch RRDBNet --scale 4 -i in -o out</c>: super-resolves a file
/// or a folder of images with a trained generator (a thin wrapper over <see cref="Upscaler"/>).</summary>
internal static class InferCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model", "-m") { Description = "checkpoint (.pth BasicSR or ESRGAN-release layout, or .safetensors), or an .onnx file from `srtrain export`", Required = true };
        var arch = new Option<string>("--arch") { Description = "registered arch, e.g. RRDBNet (see `srtrain list archs`); not needed for .onnx" };
        var archOpt = ArchOptions();
        var scale = new Option<int?>("--scale", "-s") { Description = "upscaling factor (set under the arch's own key: scale, upscale); not needed for .onnx" };
        var input = new Option<string>("--input", "-i") { Description = "an image file, a folder of images, or a video (.mp4, .mkv, ...; needs ffmpeg)", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "output folder for the SR PNGs (for a video: the output video file)", Required = true };
        var paramKey = ParamKey();
        var tile = new Option<int>("--tile") { Description = "LQ tile size for bounded memory (0 = whole image)", DefaultValueFactory = _ => 0 };
        var tilePad = new Option<int>("--tile-pad") { Description = "context pixels around each tile", DefaultValueFactory = _ => 10 };
        var ensemble = new Option<bool>("--self-ensemble") { Description = "average the 8 flips/transpositions (x8 time)" };
        var alpha = new Option<AlphaUpsampler>("--alpha-upsampler") { Description = "how an alpha channel is enlarged: bicubic (MATLAB) or net", DefaultValueFactory = _ => AlphaUpsampler.Bicubic };
        var suffix = new Option<string>("--suffix") { Description = "output name = <input stem>_<suffix>.png (empty: same stem)", DefaultValueFactory = _ => "" };
        var device = Device();
        var memoryFormat = MemoryFormatOption();
        var convAlgorithm = ConvAlgorithmOption();
        var codec = new Option<string>("--codec") { Description = "video: ffmpeg encoder of the output", DefaultValueFactory = _ => "libx264" };
        var crf = new Option<int>("--crf") { Description = "video: constant rate factor for x264/x265/VP9/AV1 (lower is better)", DefaultValueFactory = _ => 18 };
        var command = new Command("infer", "super-resolve images or a video with a trained generator (.pth or exported .onnx)")
        {
            model, arch, archOpt, scale, input, output, paramKey, tile, tilePad, ensemble, alpha, suffix, device, memoryFormat, convAlgorithm, codec, crf,
        };
        command.SetAction(result =>
        {
            var settings = new UpscaleSettings(result.GetValue(tile), result.GetValue(tilePad), result.GetValue(ensemble),
                                               result.GetValue(alpha), Torch.Device.Parse(result.GetValue(device)!), result.GetValue(memoryFormat)!,
                                               result.GetValue(convAlgorithm)!);
            settings.Validate();
            var modelPath = result.GetValue(model)!.FullName;
            var inputPath = result.GetValue(input)!;
            bool video = VideoUpscaler.IsVideo(inputPath) && File.Exists(inputPath);
            var encode = new VideoEncodeSettings(result.GetValue(codec)!, result.GetValue(crf));
            if (video) encode.Validate();
            var inputs = video ? [] : Upscaler.ListInputs(inputPath);
            var outDir = result.GetValue(output)!;
            using var onnx = InferSources.IsOnnx(modelPath) ? OnnxModel.Load(modelPath) : null;
            using var upscaler = onnx is not null
                ? InferSources.OnnxUpscaler(onnx, result.GetValue(arch), result.GetValue(scale), settings)
                : Upscaler.Load(result.GetValue(arch) ?? throw new ArgumentException($"--arch is required with {modelPath} (only an .onnx file records its arch)"),
                                ArchOptionParser.Parse(result.GetValue(archOpt)),
                                result.GetValue(scale) ?? throw new ArgumentException($"--scale is required with {modelPath} (only an .onnx file records its scale)"),
                                modelPath, result.GetValue(paramKey), settings, note => Console.Error.WriteLine($"infer: {note}"));
            if (video) return InferSources.Video(upscaler, inputPath, outDir, encode);
            var written = Run(upscaler, inputs, outDir, result.GetValue(suffix));
            Console.WriteLine($"{written.Count} image(s) written to {outDir}");
            return 0;
        });
        return command;
    }

    /// <summary>Upscales each input under a progress bar and reports images/s.</summary>
    private static List<string> Run(Upscaler upscaler, IReadOnlyList<string> inputs, string outDir, string? suffix)
    {
        var written = new List<string>();
        var clock = Stopwatch.StartNew();
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("infer", maxValue: inputs.Count);
                foreach (var file in inputs)
                {
                    task.Description = Markup.Escape(Path.GetFileName(file));
                    var target = Upscaler.OutputPath(file, outDir, suffix);
                    upscaler.UpscaleFile(file, target);
                    written.Add(target);
                    task.Increment(1);
                }
            });
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{inputs.Count} image(s) in {seconds:F2} s: {inputs.Count / Math.Max(seconds, 1e-9):F3} images/s " +
                          $"(x{upscaler.Scale}, {upscaler.Device}{(upscaler.Settings.Tile > 0 ? $", tile {upscaler.Settings.Tile}+{upscaler.Settings.TilePad}" : "")}" +
                          $"{(upscaler.Settings.SelfEnsemble ? ", self-ensemble x8" : "")})");
        return written;
    }

    /// <summary><c>--arch-opt key=value</c>, repeatable (BasicSR's option names).</summary>
    internal static Option<string[]> ArchOptions() => new("--arch-opt")
    {
        Description = "arch option by BasicSR's name: --arch-opt num_block=23 (repeatable)",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary><c>--param-key</c>: which entry of a BasicSR checkpoint to load.</summary>
    internal static Option<string> ParamKey() => new("--param-key")
    {
        Description = "checkpoint entry: params or params_ema (falls back to params, then a flat state dict)",
        DefaultValueFactory = _ => "params",
    };

    internal static Option<string> MemoryFormatOption() => new("--memory-format")
    {
        Description = "network layout: auto (NCHW where --conv-algorithm auto takes Winograd, else channels_last where oneDNN has AVX-512, else NCHW), contiguous, channels_last",
        DefaultValueFactory = _ => "auto",
    };

    internal static Option<string> ConvAlgorithmOption() => new("--conv-algorithm")
    {
        Description = "3x3 convolutions: auto (oneDNN's Winograd kernels, NCHW, where it has them: AVX-512; else direct), direct (PyTorch's own), winograd",
        DefaultValueFactory = _ => "auto",
    };

    internal static Option<string> Device() => new("--device")
    {
        Description = "cpu, cuda or cuda:N",
        DefaultValueFactory = _ => "cpu",
    };
}
