using System.Globalization;
using System.Text;

namespace SrTrain.Engine.Logging;

/// <summary>Appends logged scalars to a wide CSV file (<c>&lt;dir&gt;/scalars.csv</c> by default), one row per logged
/// iteration: <c>iter,epoch,lr,&lt;scalar&gt;...</c>, readable by pandas / <c>csv.DictReader</c> without TensorBoard.</summary>
/// <remarks>
/// Format choices: columns appear in first-logged order; a scalar absent from a row is an empty field; NaN and
/// infinities are written <c>nan</c>, <c>inf</c>, <c>-inf</c> (what Python's <c>float()</c> and pandas parse).
/// When a scalar name appears for the first time (e.g. the first validation PSNR), the header is widened by
/// rewriting the file to a temporary file, padding older rows with empty fields, and renaming it over the old one,
/// so the file is never left half-rewritten. Every row is flushed to the operating system as it is written, so
/// it survives a crash of the training process. Opening an existing file appends to it (after a resume the
/// rows continue; iterations repeated by resuming from an older checkpoint appear twice, the later row wins);
/// a last row torn by a crash (no final newline) is dropped first.
/// </remarks>
public sealed class CsvScalarLog : IDisposable
{
    /// <summary>The file name used by <see cref="InDirectory"/>.</summary>
    public const string DefaultFileName = "scalars.csv";

    private static readonly string[] FixedColumns = ["iter", "epoch", "lr"];

    private readonly object gate = new();
    private readonly List<string> columns = [];
    private readonly Dictionary<string, int> columnIndex = new(StringComparer.Ordinal);
    private StreamWriter? writer;
    private bool disposed;

    /// <summary>Opens (or creates) <paramref name="path"/> for appending; an existing file must start with the
    /// header <c>iter,epoch,lr</c>.</summary>
    public CsvScalarLog(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FilePath = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        foreach (var c in FixedColumns) AddColumn(c);
        if (File.Exists(FilePath)) ReadExistingHeader();
    }

    /// <summary>Opens (or creates) <c>&lt;dir&gt;/scalars.csv</c>.</summary>
    public static CsvScalarLog InDirectory(string dir) => new(Path.Combine(dir, DefaultFileName));

    /// <summary>The CSV file.</summary>
    public string FilePath { get; }

    /// <summary>The current header: <c>iter, epoch, lr</c>, then every scalar name in first-logged order.</summary>
    public IReadOnlyList<string> Columns
    {
        get { lock (gate) return columns.ToArray(); }
    }

    /// <summary>Appends the row for iteration <paramref name="iter"/>; new scalar names widen the header.</summary>
    public void Log(long iter, int epoch, double lr, IReadOnlyDictionary<string, double> scalars)
    {
        ArgumentNullException.ThrowIfNull(scalars);
        foreach (var name in scalars.Keys) CheckName(name);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var fileHasHeader = new FileInfo(FilePath) is { Exists: true, Length: > 0 };
            var oldCount = columns.Count;
            foreach (var name in scalars.Keys)
                if (!columnIndex.ContainsKey(name)) AddColumn(name);
            if (!fileHasHeader) WriteFreshHeader();
            else if (columns.Count > oldCount) WidenHeader(oldCount);

            var fields = new string[columns.Count];
            fields[0] = iter.ToString(CultureInfo.InvariantCulture);
            fields[1] = epoch.ToString(CultureInfo.InvariantCulture);
            fields[2] = Format(lr);
            for (var i = 3; i < fields.Length; i++) fields[i] = "";
            foreach (var (name, value) in scalars) fields[columnIndex[name]] = Format(value);
            Writer().Write(string.Join(',', fields) + "\n");   // AutoFlush: one write, then to the OS
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            writer?.Dispose();
            writer = null;
        }
    }

    private void ReadExistingHeader()
    {
        DropTornLastRow();
        string? header;
        using (var reader = new StreamReader(FilePath, Encoding.UTF8)) header = reader.ReadLine();
        if (string.IsNullOrEmpty(header)) return;   // empty file: the first Log writes the header
        var names = header.Split(',');
        if (names.Length < FixedColumns.Length || !names.AsSpan(0, FixedColumns.Length).SequenceEqual(FixedColumns))
            throw new InvalidDataException(
                $"{FilePath} is not a scalar log: its header is '{header}', expected it to start with 'iter,epoch,lr'. " +
                "Choose another path or move the file away.");
        for (var i = FixedColumns.Length; i < names.Length; i++)
        {
            if (columnIndex.ContainsKey(names[i]))
                throw new InvalidDataException($"{FilePath}: column '{names[i]}' appears twice in the header '{header}'");
            AddColumn(names[i]);
        }
    }

    // A crash in the middle of a write can leave a row without its newline; appending after it would glue two
    // rows together, so the partial row is cut off.
    private void DropTornLastRow()
    {
        using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var length = stream.Length;
        if (length == 0) return;
        var buffer = new byte[1];
        var end = length;
        while (end > 0)
        {
            stream.Position = end - 1;
            stream.ReadExactly(buffer);
            if (buffer[0] == (byte)'\n') break;
            end--;
        }
        if (end != length) stream.SetLength(end);
    }

    private void WriteFreshHeader()
    {
        writer?.Dispose();
        writer = null;
        File.WriteAllText(FilePath, string.Join(',', columns) + "\n");
    }

    private void WidenHeader(int oldCount)
    {
        writer?.Dispose();
        writer = null;
        var padding = new string(',', columns.Count - oldCount);
        var temp = FilePath + ".tmp";
        using (var reader = new StreamReader(FilePath, Encoding.UTF8))
        using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write))
        using (var tempWriter = new StreamWriter(output, new UTF8Encoding(false)))
        {
            reader.ReadLine();   // the old header
            tempWriter.Write(string.Join(',', columns) + "\n");
            while (reader.ReadLine() is { } row) tempWriter.Write(row + padding + "\n");
            tempWriter.Flush();
            output.Flush(flushToDisk: true);   // the rename below must not expose an unwritten file
        }
        File.Move(temp, FilePath, overwrite: true);
    }

    private StreamWriter Writer() =>
        writer ??= new StreamWriter(new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false))
        {
            AutoFlush = true,
        };

    private void AddColumn(string name)
    {
        columnIndex[name] = columns.Count;
        columns.Add(name);
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException("a logged scalar needs a non-empty name", nameof(name));
        if (name.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            throw new ArgumentException($"scalar name '{name}' cannot be a CSV column: it holds a comma, quote or line break", nameof(name));
        if (Array.IndexOf(FixedColumns, name) >= 0)
            throw new ArgumentException($"scalar name '{name}' clashes with the fixed column '{name}'; pass it as the {name} argument instead", nameof(name));
    }

    private static string Format(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
