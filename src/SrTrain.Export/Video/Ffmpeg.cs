using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SrTrain.Export.Video;

/// <summary>What the video pipeline needs to know about a clip (ffprobe's first video stream and the container).</summary>
public sealed record VideoInfo(int Width, int Height, string FrameRate, double FramesPerSecond, long? FrameCount,
                               double? Duration, string PixelFormat, bool HasAudio)
{
    /// <summary>More than 8 bits per sample (yuv420p10le, gray16le, rgb48le; not nv12): frames travel as rgb48le.</summary>
    public bool HighBitDepth => Regex.IsMatch(PixelFormat, @"(p|gray|ya)(9|10|12|14|16)(le|be)?$|(48|64)(le|be)?$");

    /// <summary>Frames to expect: the stream's count, else duration x rate (for the ETA).</summary>
    public long? ExpectedFrames => FrameCount ?? (Duration is { } d ? (long)Math.Round(d * FramesPerSecond) : null);
}

/// <summary>Runs Debian's <c>ffmpeg</c>/<c>ffprobe</c> (package ffmpeg) as child processes; a missing binary is a
/// <see cref="FileNotFoundException"/> that names the package.</summary>
public static class Ffmpeg
{
    /// <summary>The full path of <paramref name="tool"/> on <paramref name="searchPath"/> (default: PATH).</summary>
    public static string Find(string tool, string? searchPath = null)
    {
        foreach (var dir in (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(
            $"{tool} is not installed (not found on PATH); video upscaling runs it: install Debian's ffmpeg package (apt-get install ffmpeg)", tool);
    }

    /// <summary>Starts <paramref name="tool"/> with <paramref name="args"/>, stdin/stdout as pipes when asked; stderr is always captured.</summary>
    public static Process Start(string tool, IEnumerable<string> args, bool redirectInput, bool redirectOutput)
    {
        var psi = new ProcessStartInfo(Find(tool))
        {
            RedirectStandardInput = redirectInput, RedirectStandardOutput = redirectOutput, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            return Process.Start(psi) ?? throw new FileNotFoundException($"could not start {tool}", tool);
        }
        catch (Win32Exception e)
        {
            throw new FileNotFoundException($"could not start {tool} ({e.Message}): install Debian's ffmpeg package (apt-get install ffmpeg)", tool, e);
        }
    }

    /// <summary>Runs a tool to completion and returns its stdout; a non-zero exit is an <see cref="InvalidDataException"/>
    /// with its stderr, prefixed by <paramref name="what"/>.</summary>
    public static string Run(string tool, IEnumerable<string> args, string what)
    {
        using var p = Start(tool, args, false, true);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidDataException($"{what}: {tool} failed: {stderr.Result.Trim()}");
        return stdout.Result;
    }

    /// <summary>ffprobe's view of <paramref name="path"/>; a file without a video stream is an error naming it.</summary>
    public static VideoInfo Probe(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"input {path} does not exist", path);
        var json = Run("ffprobe", ["-v", "error", "-show_streams", "-show_format", "-of", "json", path], path);
        using var doc = JsonDocument.Parse(json);
        var streams = doc.RootElement.GetProperty("streams").EnumerateArray().ToList();
        var video = streams.FirstOrDefault(s => Str(s, "codec_type") == "video");
        if (video.ValueKind == JsonValueKind.Undefined) throw new InvalidDataException($"{path}: no video stream");
        string rate = Str(video, "avg_frame_rate") is { } avg && avg != "0/0" ? avg : Str(video, "r_frame_rate") ?? "25/1";
        double? duration = Number(video, "duration") ?? (doc.RootElement.TryGetProperty("format", out var f) ? Number(f, "duration") : null);
        return new VideoInfo(video.GetProperty("width").GetInt32(), video.GetProperty("height").GetInt32(), rate, Rate(rate, path),
                             Number(video, "nb_frames") is { } n ? (long)n : null, duration, Str(video, "pix_fmt") ?? "rgb24",
                             streams.Any(s => Str(s, "codec_type") == "audio"));
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement e, string name) =>
        Str(e, name) is { } s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static double Rate(string rational, string path)
    {
        var parts = rational.Split('/');
        if (parts.Length == 2 && double.TryParse(parts[0], CultureInfo.InvariantCulture, out var num)
            && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var den) && num > 0 && den > 0)
            return num / den;
        throw new InvalidDataException($"{path}: cannot read the frame rate '{rational}'");
    }
}
