using System.Text.Json;
using SrTrain.Engine.Logging;

namespace SrTrain.Engine.Tests.Logging;

/// <summary><see cref="CsvScalarLog"/> files read back with Python's csv module and float() (run on each test,
/// no fixture to regenerate): values round-trip bit-exactly, new columns widen the header, reopening appends.</summary>
public class CsvScalarLogTests
{
    // Prints the header and, per row, each field as the int64 bits of float(field), or null when empty.
    // Text keeps no NaN payload or sign, so every NaN is compared as the canonical quiet NaN.
    private const string ReaderCode = """
        import csv, json, struct, sys
        with open(sys.argv[1], newline='', encoding='utf-8') as f:
            rows = list(csv.reader(f))
        canon = lambda v: float('nan') if v != v else v
        bits = lambda s: None if s == '' else struct.unpack('<q', struct.pack('<d', canon(float(s))))[0]
        print(json.dumps({'header': rows[0], 'rows': [[bits(x) for x in r] for r in rows[1:]]}))
        """;

    [Fact]
    public void ValuesRoundTripThroughPythonCsvReader()
    {
        var dir = RepoPaths.NewTempDir();
        var rows = new (long Iter, int Epoch, double Lr, double Pix, double Percep)[]
        {
            (100, 0, 1e-4, 0.1 + 0.2, 1.0 / 3),
            (200, 1, 5e-5, double.NaN, double.PositiveInfinity),
            (9_000_000_000, 2, 1.25e-7, -0.0, double.NegativeInfinity),
            (9_000_000_100, 3, 1e-300, double.Epsilon, 1.7976931348623157e308),
        };
        using (var log = CsvScalarLog.InDirectory(dir))
            foreach (var r in rows)
                log.Log(r.Iter, r.Epoch, r.Lr, new Dictionary<string, double> { ["l_pix"] = r.Pix, ["l_percep"] = r.Percep });

        var (header, read) = Read(Path.Combine(dir, "scalars.csv"));

        Assert.Equal(["iter", "epoch", "lr", "l_pix", "l_percep"], header);
        Assert.Equal(rows.Length, read.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            double[] expected = [r.Iter, r.Epoch, r.Lr, r.Pix, r.Percep];
            Assert.Equal(expected.Select(Bits), read[i]);
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void NewScalarWidensHeaderAndPadsEarlierRows()
    {
        var dir = RepoPaths.NewTempDir();
        var path = Path.Combine(dir, "logs", "my.csv");   // a given path; its directory is created
        using (var log = new CsvScalarLog(path))
        {
            log.Log(1, 0, 0.1, new Dictionary<string, double> { ["l_pix"] = 0.5 });
            log.Log(2, 0, 0.1, new Dictionary<string, double> { ["l_pix"] = 0.25, ["psnr"] = 30.5 });
            log.Log(3, 0, 0.1, new Dictionary<string, double> { ["psnr"] = 31 });   // l_pix missing in this row
            Assert.Equal(["iter", "epoch", "lr", "l_pix", "psnr"], log.Columns);
        }

        var (header, read) = Read(path);

        Assert.Equal(["iter", "epoch", "lr", "l_pix", "psnr"], header);
        Assert.Equal([Bits(1), Bits(0), Bits(0.1), Bits(0.5), null], read[0]);
        Assert.Equal([Bits(2), Bits(0), Bits(0.1), Bits(0.25), Bits(30.5)], read[1]);
        Assert.Equal([Bits(3), Bits(0), Bits(0.1), null, Bits(31)], read[2]);
        Assert.False(File.Exists(path + ".tmp"));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ReopeningAppendsAndKeepsColumns()
    {
        var dir = RepoPaths.NewTempDir();
        using (var log = CsvScalarLog.InDirectory(dir))
            log.Log(100, 0, 1e-4, new Dictionary<string, double> { ["l_pix"] = 0.5, ["psnr"] = 28 });
        using (var resumed = CsvScalarLog.InDirectory(dir))
        {
            Assert.Equal(["iter", "epoch", "lr", "l_pix", "psnr"], resumed.Columns);
            resumed.Log(200, 1, 1e-4, new Dictionary<string, double> { ["psnr"] = 29 });
            resumed.Log(300, 1, 5e-5, new Dictionary<string, double> { ["l_pix"] = 0.25, ["l_gan"] = 0.75 });
        }

        var (header, read) = Read(Path.Combine(dir, "scalars.csv"));

        Assert.Equal(["iter", "epoch", "lr", "l_pix", "psnr", "l_gan"], header);
        Assert.Equal(3, read.Count);
        Assert.Equal([Bits(100), Bits(0), Bits(1e-4), Bits(0.5), Bits(28), null], read[0]);
        Assert.Equal([Bits(200), Bits(1), Bits(1e-4), null, Bits(29), null], read[1]);
        Assert.Equal([Bits(300), Bits(1), Bits(5e-5), Bits(0.25), null, Bits(0.75)], read[2]);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void EachRowIsOnDiskBeforeDisposeAndATornRowIsDroppedOnReopen()
    {
        var dir = RepoPaths.NewTempDir();
        var path = Path.Combine(dir, "scalars.csv");
        var log = new CsvScalarLog(path);
        log.Log(1, 0, 0.1, new Dictionary<string, double> { ["l_pix"] = 0.5 });
        Assert.Equal("iter,epoch,lr,l_pix\n1,0,0.1,0.5\n", ReadShared(path));   // flushed per row, no Dispose
        log.Log(2, 0, 0.1, new Dictionary<string, double> { ["l_pix"] = 0.25 });
        Assert.EndsWith("2,0,0.1,0.25\n", ReadShared(path));
        log.Dispose();

        File.AppendAllText(path, "3,0,0.1,0.12");   // a crash in the middle of a row
        using (var resumed = new CsvScalarLog(path))
            resumed.Log(3, 0, 0.1, new Dictionary<string, double> { ["l_pix"] = 0.125 });

        Assert.Equal("iter,epoch,lr,l_pix\n1,0,0.1,0.5\n2,0,0.1,0.25\n3,0,0.1,0.125\n", File.ReadAllText(path));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void RejectsForeignFileAndUnwritableNames()
    {
        var dir = RepoPaths.NewTempDir();
        var foreign = Path.Combine(dir, "other.csv");
        File.WriteAllText(foreign, "a,b,c\n1,2,3\n");
        var error = Assert.Throws<InvalidDataException>(() => new CsvScalarLog(foreign));
        Assert.Contains(foreign, error.Message);
        Assert.Equal("a,b,c\n1,2,3\n", File.ReadAllText(foreign));   // left untouched

        using var log = CsvScalarLog.InDirectory(dir);
        Assert.Contains("comma", Assert.Throws<ArgumentException>(() => log.Log(1, 0, 0.1, new Dictionary<string, double> { ["a,b"] = 1 })).Message);
        Assert.Contains("fixed column", Assert.Throws<ArgumentException>(() => log.Log(1, 0, 0.1, new Dictionary<string, double> { ["lr"] = 1 })).Message);
        Assert.Throws<ArgumentException>(() => log.Log(1, 0, 0.1, new Dictionary<string, double> { [""] = 1 }));
        Assert.False(File.Exists(log.FilePath));   // nothing written by rejected calls
        Directory.Delete(dir, true);
    }

    private static long? Bits(double value) => double.IsNaN(value) ? CanonicalNaNBits : BitConverter.DoubleToInt64Bits(value);

    private const long CanonicalNaNBits = 0x7FF8000000000000;

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    private static (List<string> Header, List<List<long?>> Rows) Read(string path)
    {
        using var json = JsonDocument.Parse(PythonReference.Run(ReaderCode, path));
        var header = json.RootElement.GetProperty("header").EnumerateArray().Select(h => h.GetString()!).ToList();
        var rows = json.RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? (long?)null : x.GetInt64()).ToList())
            .ToList();
        return (header, rows);
    }
}
