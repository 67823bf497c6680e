using System.Text.Json;
using System.Text.RegularExpressions;
using SrTrain.Engine.Logging;

namespace SrTrain.Engine.Tests.Logging;

/// <summary>Event files from <see cref="TensorBoardWriter"/> read back through an independent reader,
/// tests/fixtures/read_tfevents.py (own CRC-32C, framing and protobuf decoding; also tensorboard's
/// EventAccumulator when that package is installed). Nothing to regenerate: the reader runs on each test.</summary>
public class TensorBoardWriterTests
{
    private const string ReaderCode = "import sys, read_tfevents; sys.exit(read_tfevents.main(sys.argv[1:]))";

    private sealed record Scalar(string Tag, long Step, float Value);

    private sealed record ReadBack(string? FileVersion, long FirstStep, List<Scalar> Scalars, List<double> WallTimes, string TensorBoard);

    [Fact]
    public void ReaderSeesExactlyTheTagsStepsAndValuesWritten()
    {
        var dir = RepoPaths.NewTempDir();
        var before = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalSeconds;
        var expected = new List<Scalar>();
        using (var writer = new TensorBoardWriter(dir))
        {
            for (var step = 1L; step <= 300; step += 100)
            {
                var loss = 1.0 / (step + 3);   // not representable exactly: checks the float32 conversion
                writer.AddScalar("train/l_pix", loss, step);
                expected.Add(new Scalar("train/l_pix", step, (float)loss));
            }
            writer.AddScalars(300, new Dictionary<string, double> { ["val/psnr"] = 28.123456789, ["val/ssim"] = 0.8125 });
            expected.Add(new Scalar("val/psnr", 300, (float)28.123456789));
            expected.Add(new Scalar("val/ssim", 300, 0.8125f));
            writer.AddScalar("lr", 1e-4, 5_000_000_000L);   // a step beyond int32, multi-byte varint
            expected.Add(new Scalar("lr", 5_000_000_000L, 1e-4f));
            writer.AddScalar("train/l_gan", double.NaN, 5_000_000_001L);
            expected.Add(new Scalar("train/l_gan", 5_000_000_001L, float.NaN));
            writer.AddScalar("train/l_gan", double.NegativeInfinity, 5_000_000_002L);
            expected.Add(new Scalar("train/l_gan", 5_000_000_002L, float.NegativeInfinity));
            writer.AddScalar("métrique/Δ", -3.5e38, 5_000_000_003L);   // UTF-8 tag; beyond float32 range rounds to -inf
            expected.Add(new Scalar("métrique/Δ", 5_000_000_003L, float.NegativeInfinity));
        }
        var after = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalSeconds;

        var read = Read(Directory.GetFiles(dir).Single());

        Assert.Equal("brain.Event:2", read.FileVersion);
        Assert.Equal(0, read.FirstStep);
        Assert.Equal(expected.Count, read.Scalars.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Tag, read.Scalars[i].Tag);
            Assert.Equal(expected[i].Step, read.Scalars[i].Step);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i].Value), BitConverter.SingleToInt32Bits(read.Scalars[i].Value));
        }
        Assert.All(read.WallTimes, t => Assert.InRange(t, before, after));
        Assert.Contains(read.TensorBoard, new[] { "agrees", "unavailable" });   // the reader fails if installed and disagreeing
        Directory.Delete(dir, true);
    }

    [Fact]
    public void FlushMakesEventsReadableBeforeDispose()
    {
        var dir = RepoPaths.NewTempDir();
        using var writer = new TensorBoardWriter(dir);
        writer.AddScalar("l_pix", 0.25, 10);
        writer.Flush();

        var read = Read(writer.FilePath);

        Assert.Equal([new Scalar("l_pix", 10, 0.25f)], read.Scalars);
        writer.Dispose();
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("data", "data CRC mismatch")]
    [InlineData("length", "length CRC mismatch")]
    [InlineData("footer", "data CRC mismatch")]
    public void CorruptedByteIsReportedAsCrcError(string where, string message)
    {
        var dir = RepoPaths.NewTempDir();
        string path;
        using (var writer = new TensorBoardWriter(dir))
        {
            writer.AddScalar("l_pix", 0.5, 1);
            writer.AddScalar("l_pix", 0.25, 2);
            path = writer.FilePath;
        }
        Read(path);   // intact file reads cleanly

        // Flip one byte of the second record (the first scalar event): in its length, its payload or its data CRC.
        var bytes = File.ReadAllBytes(path);
        var second = 12 + (int)BitConverter.ToUInt64(bytes, 0) + 4;
        var length = (int)BitConverter.ToUInt64(bytes, second);
        var index = where switch
        {
            "length" => second + 1,
            "data" => second + 12 + length - 2,   // inside the float of simple_value
            _ => second + 12 + length + 3,
        };
        bytes[index] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidOperationException>(() => Read(path));
        Assert.Contains("CRC error: record 1: " + message, error.Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void FileIsNamedForTensorBoardAndNeverOverwritten()
    {
        var dir = RepoPaths.NewTempDir();
        using var first = new TensorBoardWriter(Path.Combine(dir, "tb_logger", "run"));   // directory is created
        using var second = new TensorBoardWriter(Path.Combine(dir, "tb_logger", "run"));
        first.AddScalar("a", 1, 1);
        second.AddScalar("b", 2, 1);
        first.Dispose();
        second.Dispose();

        var host = Regex.Escape(System.Net.Dns.GetHostName());
        Assert.Matches($@"^events\.out\.tfevents\.\d{{10}}\.{host}$", Path.GetFileName(first.FilePath));
        Assert.Matches($@"^events\.out\.tfevents\.\d{{10}}\.{host}(\.\d+)?$", Path.GetFileName(second.FilePath));
        Assert.NotEqual(first.FilePath, second.FilePath);
        Assert.Equal([new Scalar("a", 1, 1f)], Read(first.FilePath).Scalars);
        Assert.Equal([new Scalar("b", 1, 2f)], Read(second.FilePath).Scalars);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void RejectsEmptyTagAndUseAfterDispose()
    {
        var dir = RepoPaths.NewTempDir();
        var writer = new TensorBoardWriter(dir);
        Assert.Throws<ArgumentException>(() => writer.AddScalar("", 1, 1));
        Assert.Throws<ArgumentException>(() => writer.AddScalars(1, new Dictionary<string, double> { [""] = 1 }));
        writer.Dispose();
        var error = Assert.Throws<ObjectDisposedException>(() => writer.AddScalar("l_pix", 1, 1));
        Assert.Contains(writer.FilePath, error.Message);
        Directory.Delete(dir, true);
    }

    private static ReadBack Read(string path)
    {
        using var json = JsonDocument.Parse(PythonReference.Run(ReaderCode, path));
        var events = json.RootElement.GetProperty("events").EnumerateArray().ToList();
        var first = events[0];
        var scalars = new List<Scalar>();
        foreach (var e in events.Skip(1))
            foreach (var v in e.GetProperty("values").EnumerateArray())
                scalars.Add(new Scalar(v.GetProperty("tag").GetString()!, e.GetProperty("step").GetInt64(),
                    BitConverter.Int32BitsToSingle(unchecked((int)v.GetProperty("bits").GetUInt32()))));
        return new ReadBack(
            first.TryGetProperty("file_version", out var fv) ? fv.GetString() : null,
            first.GetProperty("step").GetInt64(),
            scalars,
            events.Select(e => e.GetProperty("wall_time").GetDouble()).ToList(),
            json.RootElement.GetProperty("tensorboard").GetString()!);
    }
}
