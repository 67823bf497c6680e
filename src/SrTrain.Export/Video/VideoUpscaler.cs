using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using SrTrain.Data;

namespace SrTrain.Export.Video;

/// <summary>How the upscaled video is encoded: <paramref name="Codec"/> (an ffmpeg encoder), <paramref name="Crf"/>
/// for the encoders that take one, and how many frames may wait between decoder, network and encoder.</summary>
public sealed record VideoEncodeSettings(string Codec = "libx264", int Crf = 18, int QueueFrames = 4)
{
    private static readonly HashSet<string> CrfCodecs = ["libx264", "libx264rgb", "libx265", "libvpx", "libvpx-vp9", "libaom-av1", "libsvtav1"];

    /// <summary>True when <see cref="Codec"/> takes -crf.</summary>
    public bool UsesCrf => CrfCodecs.Contains(Codec);

    /// <summary>Rejects values ffmpeg would refuse later, naming the option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Codec)) throw new ArgumentException("--codec is empty: name an ffmpeg encoder, e.g. libx264");
        if (Crf is < 0 or > 63) throw new ArgumentException($"--crf must be in 0..63 (x264: 0 lossless, 18 visually lossless), got {Crf}");
        if (QueueFrames < 1) throw new ArgumentException($"the frame queue needs at least 1 frame, got {QueueFrames}");
    }
}

/// <summary>Progress of a video run: frames written, the expected total (null when the container does not say), rate and ETA.</summary>
public sealed record VideoProgress(long Frames, long? Total, double FramesPerSecond, TimeSpan? Eta)
{
    public override string ToString() =>
        $"frame {Frames}{(Total is { } t ? $"/{t}" : "")}, {FramesPerSecond:F2} frames/s" +
        (Eta is { } eta ? $", ETA {(int)eta.TotalHours}:{eta.Minutes:D2}:{eta.Seconds:D2}" : "");
}

/// <summary>Upscales a video file: ffmpeg decodes frames to raw RGB, each goes through <c>upscale</c> in order,
/// ffmpeg encodes them at the source's frame rate and copies the audio. Memory stays bounded: at most
/// <see cref="VideoEncodeSettings.QueueFrames"/> frames wait on each side of the network.</summary>
public static class VideoUpscaler
{
    private static readonly HashSet<string> Extensions =
        [".mp4", ".mkv", ".mov", ".avi", ".webm", ".m4v", ".mpg", ".mpeg", ".ts", ".flv", ".wmv", ".y4m"];

    /// <summary>True when <paramref name="path"/> names a video container (by extension).</summary>
    public static bool IsVideo(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Runs the pipeline; returns the number of frames written. <paramref name="upscale"/> gets each frame as
    /// an RGB <see cref="Image"/> in [0, 1] (8-bit / 255, as a PNG of the frame reads) and returns it enlarged by
    /// <paramref name="scale"/>; results are quantised as PNGs are written (clamp, round half to even).</summary>
    public static long Run(string input, string output, int scale, Func<Image, Image> upscale, VideoEncodeSettings settings,
                           Action<VideoProgress>? progress = null)
    {
        settings.Validate();
        var info = Ffmpeg.Probe(input);
        if (Path.GetFullPath(input) == Path.GetFullPath(output))
            throw new ArgumentException($"--output {output} is the input: write the upscaled video to another file");
        if (Path.GetDirectoryName(Path.GetFullPath(output)) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        string rawFormat = info.HighBitDepth ? "rgb48le" : "rgb24";
        int bytesPerSample = info.HighBitDepth ? 2 : 1;
        int outW = info.Width * scale, outH = info.Height * scale;

        using var decoder = Ffmpeg.Start("ffmpeg", ["-nostdin", "-v", "error", "-i", input, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", rawFormat, "pipe:1"],
                                         redirectInput: false, redirectOutput: true);
        var encodeArgs = new List<string>
        {
            "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", rawFormat, "-s", $"{outW}x{outH}", "-framerate", info.FrameRate,
            "-i", "pipe:0", "-i", input, "-map", "0:v:0", "-map", "1:a?", "-c:v", settings.Codec,
        };
        if (settings.UsesCrf) encodeArgs.AddRange(["-crf", settings.Crf.ToString(CultureInfo.InvariantCulture)]);
        // The source's pixel format where the encoder has it (ffmpeg picks the nearest one otherwise).
        encodeArgs.AddRange(["-pix_fmt", info.PixelFormat, "-c:a", "copy", output]);
        using var encoder = Ffmpeg.Start("ffmpeg", encodeArgs, redirectInput: true, redirectOutput: false);
        var decodeErrors = decoder.StandardError.ReadToEndAsync();
        var encodeErrors = encoder.StandardError.ReadToEndAsync();

        long frameBytes = (long)info.Width * info.Height * 3 * bytesPerSample;
        using var decoded = new BlockingCollection<byte[]>(settings.QueueFrames);
        using var encoded = new BlockingCollection<byte[]>(settings.QueueFrames);
        var reader = Task.Run(() =>
        {
            try
            {
                var stdout = decoder.StandardOutput.BaseStream;
                while (true)
                {
                    var frame = new byte[frameBytes];
                    int read = stdout.ReadAtLeast(frame, frame.Length, throwOnEndOfStream: false);
                    if (read < frame.Length) break;
                    decoded.Add(frame);
                }
            }
            finally { decoded.CompleteAdding(); }
        });
        var writer = Task.Run(() =>
        {
            var stdin = encoder.StandardInput.BaseStream;
            try
            {
                foreach (var frame in encoded.GetConsumingEnumerable()) stdin.Write(frame);
            }
            catch (IOException)
            {
                // The encoder exited early; its stderr says why (reported below).
                foreach (var _ in encoded.GetConsumingEnumerable()) { }
            }
            finally { try { stdin.Close(); } catch (IOException) { } }
        });

        long frames = 0;
        bool completed = false;
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (var frame in decoded.GetConsumingEnumerable())
            {
                var sr = upscale(ToImage(frame, info.Height, info.Width, bytesPerSample));
                if (sr.Height != outH || sr.Width != outW || sr.Channels != 3)
                    throw new InvalidDataException($"the network made a {sr.SizeText} frame from {info.Height}x{info.Width}; x{scale} expects {outH}x{outW}x3");
                encoded.Add(ToBytes(sr, bytesPerSample));
                frames++;
                if (progress is not null)
                {
                    double rate = frames / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                    var total = info.ExpectedFrames;
                    progress(new VideoProgress(frames, total, rate, total is { } t ? TimeSpan.FromSeconds(Math.Max(0, t - frames) / rate) : null));
                }
            }
            completed = true;
        }
        finally
        {
            encoded.CompleteAdding();
            if (!completed)
            {
                // Stop both processes and drain the queue so the reader thread cannot stay blocked on a full queue.
                foreach (var p in new[] { decoder, encoder }) { try { p.Kill(); } catch (InvalidOperationException) { } }
                foreach (var _ in decoded.GetConsumingEnumerable()) { }
            }
            writer.Wait();
            reader.Wait();
            decoder.WaitForExit();
            encoder.WaitForExit();
        }
        if (decoder.ExitCode != 0) throw new InvalidDataException($"{input}: ffmpeg could not decode it: {decodeErrors.Result.Trim()}");
        if (encoder.ExitCode != 0)
            throw new ArgumentException($"{output}: ffmpeg could not encode it (--codec {settings.Codec}): {encodeErrors.Result.Trim()}");
        if (frames == 0) throw new InvalidDataException($"{input}: ffmpeg decoded no frames");
        return frames;
    }

    /// <summary>Raw rgb24/rgb48le HWC samples as an image in [0, 1] (v / 255 or v / 65535, as ImageIO reads PNGs).</summary>
    private static Image ToImage(byte[] frame, int height, int width, int bytesPerSample)
    {
        var image = new Image(height, width, 3);
        var data = image.Data;
        if (bytesPerSample == 1)
            for (int i = 0; i < data.Length; i++) data[i] = frame[i] / 255.0f;
        else
            for (int i = 0; i < data.Length; i++) data[i] = (frame[2 * i] | (frame[2 * i + 1] << 8)) / 65535.0f;
        return image;
    }

    /// <summary>Quantises as ImageIO.Write does (BasicSR's tensor2img): clamp to [0, 1], scale, round half to even.</summary>
    private static byte[] ToBytes(Image image, int bytesPerSample)
    {
        var data = image.Data;
        var bytes = new byte[data.Length * bytesPerSample];
        float max = bytesPerSample == 1 ? 255.0f : 65535.0f;
        for (int i = 0; i < data.Length; i++)
        {
            float v = data[i];
            v = v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
            float r = MathF.Round(v * max, MidpointRounding.ToEven);
            if (!(r >= 0.0f)) r = 0.0f;
            if (bytesPerSample == 1) bytes[i] = (byte)r;
            else
            {
                ushort u = (ushort)r;
                bytes[2 * i] = (byte)u;
                bytes[2 * i + 1] = (byte)(u >> 8);
            }
        }
        return bytes;
    }
}
