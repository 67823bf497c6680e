using SrTrain.Tools.Inference;
using SrTrain.Export.Runtime;
using SrTrain.Export.Video;

namespace SrTrain.Cli.Commands;

/// <summary>The parts of <c>srtrain infer</c> beyond .pth and images: an exported .onnx model runs through ONNX
/// Runtime (arch and scale from its metadata), and a video input goes through ffmpeg frame by frame.</summary>
internal static class InferSources
{
    /// <summary>True for a model written by <c>srtrain export</c>.</summary>
    public static bool IsOnnx(string modelPath) => modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>An upscaler over <paramref name="model"/>; --arch and --scale are optional and, when given, must match the metadata.</summary>
    public static Upscaler OnnxUpscaler(OnnxModel model, string? arch, int? scale, UpscaleSettings settings)
    {
        if (settings.Device is { } d && d != Torch.Device.Cpu)
            throw new ArgumentException($"--device {d}: {model.Path} runs on the CPU through ONNX Runtime; use the .pth checkpoint for {d}");
        if (arch is not null && !string.Equals(arch, model.Info.Arch, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--arch {arch}: {model.Path} holds {model.Info.Arch}");
        if (scale is { } s && s != model.Info.Scale)
            throw new ArgumentException($"--scale {s}: {model.Path} was exported for x{model.Info.Scale}");
        // ONNX Runtime reads NCHW buffers and picks its own kernels' layout.
        return new Upscaler(model.AsModule(), model.Info.Scale, settings with { MemoryFormat = "contiguous" });
    }

    /// <summary>Upscales the video <paramref name="input"/> into the file <paramref name="output"/>, printing progress
    /// (frames/s and ETA) to stderr at most twice a second.</summary>
    public static int Video(Upscaler upscaler, string input, string output, VideoEncodeSettings encode)
    {
        if (Directory.Exists(output) || !VideoUpscaler.IsVideo(output))
            throw new ArgumentException($"--output {output}: for a video input give the output video file, e.g. clip_x{upscaler.Scale}.mp4");
        var lastPrint = DateTime.MinValue;
        VideoProgress? last = null;
        long frames = VideoUpscaler.Run(input, output, upscaler.Scale, upscaler.Upscale, encode, p =>
        {
            last = p;
            if ((DateTime.UtcNow - lastPrint).TotalSeconds < 0.5) return;
            lastPrint = DateTime.UtcNow;
            Console.Error.Write($"\rinfer: {p}   ");
        });
        if (last is not null) Console.Error.WriteLine($"\rinfer: {last}   ");
        Console.WriteLine($"{frames} frame(s) upscaled x{upscaler.Scale} into {output}");
        return 0;
    }
}
