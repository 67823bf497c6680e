namespace SrTrain.Engine.Logging;

/// <summary>Writes scalars to a TensorBoard event file <c>events.out.tfevents.&lt;unix_time&gt;.&lt;hostname&gt;</c>
/// in a log directory (what PyTorch's <c>SummaryWriter.add_scalar</c> produces; read by <c>tensorboard --logdir</c>).
/// Calls are serialised by a lock; data reaches the file on <see cref="Flush"/> and <see cref="Dispose"/>.</summary>
public sealed class TensorBoardWriter : IDisposable
{
    private readonly object gate = new();
    private readonly FileStream stream;
    private readonly TfRecordWriter records;
    private bool disposed;

    /// <summary>Creates <paramref name="logDir"/> if needed and starts a new event file in it; an existing file is
    /// never overwritten (a second writer in the same second gets a numbered name).</summary>
    public TensorBoardWriter(string logDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDir);
        Directory.CreateDirectory(logDir);
        var now = DateTimeOffset.UtcNow;
        (stream, FilePath) = CreateNewFile(logDir, now.ToUnixTimeSeconds());
        try
        {
            records = new TfRecordWriter(stream);
            records.Write(TensorBoardEvent.FileVersionEvent(WallTime(now), 0));
            stream.Flush();
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The event file being written.</summary>
    public string FilePath { get; }

    /// <summary>Logs one scalar (stored as float32, like TensorBoard's <c>simple_value</c>) at <paramref name="step"/>.</summary>
    public void AddScalar(string tag, double value, long step)
    {
        CheckTag(tag);
        Write(step, [new KeyValuePair<string, float>(tag, (float)value)]);
    }

    /// <summary>Logs several scalars at one <paramref name="step"/> as one event; an empty dictionary writes nothing.</summary>
    public void AddScalars(long step, IReadOnlyDictionary<string, double> scalars)
    {
        ArgumentNullException.ThrowIfNull(scalars);
        if (scalars.Count == 0) return;
        var values = new List<KeyValuePair<string, float>>(scalars.Count);
        foreach (var (tag, value) in scalars)
        {
            CheckTag(tag);
            values.Add(new KeyValuePair<string, float>(tag, (float)value));
        }
        Write(step, values);
    }

    /// <summary>Pushes buffered events to the file so a running TensorBoard (or a crash) sees them.</summary>
    public void Flush()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            stream.Flush();
        }
    }

    /// <summary>Flushes and closes the file; later calls to Add* throw.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            stream.Dispose();
        }
    }

    private void Write(long step, IReadOnlyList<KeyValuePair<string, float>> values)
    {
        var data = TensorBoardEvent.ScalarEvent(WallTime(DateTimeOffset.UtcNow), step, values);
        lock (gate)
        {
            if (disposed) throw new ObjectDisposedException(nameof(TensorBoardWriter), $"the event file {FilePath} is already closed");
            records.Write(data);
        }
    }

    private static void CheckTag(string tag)
    {
        if (string.IsNullOrEmpty(tag)) throw new ArgumentException("a TensorBoard scalar needs a non-empty tag", nameof(tag));
    }

    // Seconds since the Unix epoch with sub-millisecond resolution, like Python's time.time().
    private static double WallTime(DateTimeOffset t) => (t - DateTimeOffset.UnixEpoch).TotalSeconds;

    private static (FileStream, string) CreateNewFile(string logDir, long unixSeconds)
    {
        var baseName = Path.Combine(logDir, $"events.out.tfevents.{unixSeconds:D10}.{HostName()}");
        for (var attempt = 0; ; attempt++)
        {
            // TensorBoard reads every file whose name contains "tfevents", so a numeric suffix keeps the file visible.
            var path = attempt == 0 ? baseName : $"{baseName}.{attempt}";
            try
            {
                return (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 64 * 1024), path);
            }
            catch (IOException) when (File.Exists(path) && attempt < 1000)
            {
            }
        }
    }

    private static string HostName()
    {
        // gethostname(), as Python's socket.gethostname() in PyTorch's writer; no DNS lookup happens.
        var name = System.Net.Dns.GetHostName();
        if (string.IsNullOrEmpty(name)) return "localhost";
        foreach (var c in Path.GetInvalidFileNameChars()) name = name.Replace(c, '_');
        return name;
    }
}
