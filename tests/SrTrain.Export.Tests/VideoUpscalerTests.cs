using System.Globalization;
using SrTrain.Data;
using SrTrain.Export.Video;

namespace SrTrain.Export.Tests;

/// <summary><c>srtrain infer -i clip.mkv -o clip_x2.mkv</c> on a clip ffmpeg makes in the test (2 s, 12 fps, a 440 Hz
/// tone), with lossless codecs so a frame can be compared exactly with <c>srtrain infer</c> on that frame as a PNG.</summary>
public sealed class VideoUpscalerTests
{
    private static readonly string[] Espcn = ["num_feat1=8", "num_feat2=4"];

    [Fact]
    public void Upscaled_clip_keeps_frames_rate_duration_and_audio_and_frame_10_equals_image_infer()
    {
        var dir = RepoPaths.NewTempDir("srtrain-video");
        var clip = Path.Combine(dir, "clip.mkv");
        Ffmpeg.Run("ffmpeg", ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=40x30:rate=12:duration=2",
                              "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:v", "ffv1", "-pix_fmt", "bgr0", "-c:a", "flac", clip], "make clip");
        var pth = CliRun.Checkpoint(dir, "ESPCN", 2, Espcn, "conv3.bias");
        string[] model = ["--model", pth, "--arch", "ESPCN", .. Espcn.SelectMany(o => new[] { "--arch-opt", o }), "--scale", "2"];

        var output = Path.Combine(dir, "clip_x2.mkv");
        var run = CliRun.Srtrain([.. new[] { "infer" }, .. model, "-i", clip, "-o", output, "--codec", "ffv1"]);
        Assert.True(run.Code == 0, run.Stderr);
        Assert.Matches(@"frame 24/24, [0-9.]+ frames/s, ETA 0:00:00", run.Stderr);

        var source = Count(clip);
        var result = Count(output);
        Assert.Equal((24L, "12/1"), (source.Frames, source.Rate));
        Assert.Equal((source.Frames, source.Rate), (result.Frames, result.Rate));
        Assert.Equal((80, 60), (result.Width, result.Height));
        Assert.True(Math.Abs(result.Duration - source.Duration) < 0.1, $"duration {result.Duration} s vs {source.Duration} s");
        Assert.True(Ffmpeg.Probe(output).HasAudio, "the audio stream was copied");

        var frame10 = Path.Combine(dir, "frames", "frame10.png");
        Directory.CreateDirectory(Path.GetDirectoryName(frame10)!);
        ExtractFrame(clip, 10, frame10);
        var image = CliRun.Srtrain([.. new[] { "infer" }, .. model, "-i", frame10, "-o", Path.Combine(dir, "sr")]);
        Assert.True(image.Code == 0, image.Stderr);
        var upscaled10 = Path.Combine(dir, "upscaled10.png");
        ExtractFrame(output, 10, upscaled10);
        var expected = ImageIO.Read(Path.Combine(dir, "sr", "frame10.png"), ImageReadMode.Unchanged);
        var actual = ImageIO.Read(upscaled10, ImageReadMode.Unchanged);
        Assert.Equal(0, CliRun.MaxLevels(expected, actual));
        double mean = actual.Data.Average();
        Assert.True(actual.Data.Average(v => (v - mean) * (v - mean)) > 0.005, "frame 10 is not flat");
    }

    [Theory]
    [InlineData("yuv420p", false)]
    [InlineData("nv12", false)]
    [InlineData("bgr0", false)]
    [InlineData("rgb24", false)]
    [InlineData("yuv420p10le", true)]
    [InlineData("gbrp12le", true)]
    [InlineData("gray16le", true)]
    [InlineData("rgb48le", true)]
    public void Frames_of_more_than_8_bits_travel_as_16_bit_rgb(string pixelFormat, bool high) =>
        Assert.Equal(high, new VideoInfo(2, 2, "1/1", 1, 1, 1, pixelFormat, false).HighBitDepth);

    [Fact]
    public void Missing_ffmpeg_names_the_debian_package()
    {
        var empty = RepoPaths.NewTempDir("srtrain-no-ffmpeg");
        var e = Assert.Throws<FileNotFoundException>(() => Ffmpeg.Find("ffmpeg", empty));
        Assert.Contains("install Debian's ffmpeg package", e.Message);

        var previous = Environment.GetEnvironmentVariable("PATH");
        var clip = Path.Combine(empty, "clip.mp4");
        File.WriteAllBytes(clip, [0]);
        Environment.SetEnvironmentVariable("PATH", empty);
        try
        {
            var pth = CliRun.Checkpoint(empty, "ESPCN", 2, Espcn, "conv3.bias");
            var run = CliRun.Srtrain(["infer", "--model", pth, "--arch", "ESPCN", .. Espcn.SelectMany(o => new[] { "--arch-opt", o }),
                                      "--scale", "2", "-i", clip, "-o", Path.Combine(empty, "out.mp4")]);
            Assert.Equal(2, run.Code);
            Assert.Contains("apt-get install ffmpeg", run.Stderr);
            Assert.DoesNotContain("   at ", run.Stderr);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", previous);
        }
    }

    private static (long Frames, string Rate, double Duration, int Width, int Height) Count(string path)
    {
        var fields = Ffmpeg.Run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                                            "stream=nb_read_frames,r_frame_rate,width,height:format=duration", "-of", "default=noprint_wrappers=1", path], path)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return (long.Parse(fields["nb_read_frames"]), fields["r_frame_rate"], double.Parse(fields["duration"], CultureInfo.InvariantCulture),
                int.Parse(fields["width"]), int.Parse(fields["height"]));
    }

    private static void ExtractFrame(string video, int index, string png) =>
        Ffmpeg.Run("ffmpeg", ["-nostdin", "-v", "error", "-y", "-i", video, "-vf", $"select=eq(n\\,{index})", "-frames:v", "1", "-pix_fmt", "rgb24", png], video);
}
