using System.Diagnostics;
using System.Globalization;
using SrTrain.Abstractions.Contracts;

namespace SrTrain.Engine.Training;

/// <summary>Stops a run that hangs instead of letting it wait forever (a hung network mount, a loader worker stuck in
/// a read, a deadlock): when no iteration finishes within the stall timeout (train.stall_timeout, or 10x the median
/// iteration time and at least <see cref="MinimumAutoTimeout"/> s) it logs what the main loop and each loader worker
/// are doing (<see cref="ActivityBoard"/>), saves a training state when the main loop is between iterations (it then
/// holds <c>stepLock</c>, so no step can start), and interrupts the main thread, which stops with a
/// <see cref="TrainingStoppedException"/>. A main thread that does not respond (stuck in native code) ends the process
/// with <see cref="TrainingStoppedException.StalledExitCode"/>. Checkpoint writes and validation run suspended.</summary>
public sealed class StallWatchdog : IDisposable
{
    /// <summary>Lower bound of the automatic timeout, in seconds.</summary>
    public const double MinimumAutoTimeout = 300;

    private const int MedianWindow = 51;
    private readonly double? configured;
    private readonly object stepLock;
    private readonly Func<string?> saveState;
    private readonly Action<string> report;
    private readonly Thread main;
    private readonly Thread thread;
    private readonly ManualResetEventSlim finished = new();
    private readonly Queue<double> recent = new();
    private readonly object gate = new();
    private long lastBeat = Stopwatch.GetTimestamp();
    private int suspended;

    /// <param name="timeoutSeconds">train.stall_timeout, or null for the automatic timeout.</param>
    /// <param name="stepLock">Held by the main loop while it runs an iteration.</param>
    /// <param name="saveState">Saves a state at the last finished iteration (called holding <paramref name="stepLock"/>);
    /// returns its path, or null when there was nothing to save.</param>
    /// <param name="report">Logs an error line.</param>
    public StallWatchdog(double? timeoutSeconds, object stepLock, Func<string?> saveState, Action<string> report)
    {
        if (timeoutSeconds is { } t && !(t > 0))
            throw new Abstractions.Registry.OptionException($"train.stall_timeout: {t.ToString(CultureInfo.InvariantCulture)} must be a positive number of seconds (or ~)");
        (configured, this.stepLock, this.saveState, this.report) = (timeoutSeconds, stepLock, saveState, report);
        main = Thread.CurrentThread;
        thread = new Thread(Watch) { IsBackground = true, Name = "srtrain-watchdog" };
        thread.Start();
    }

    /// <summary>True once the watchdog has fired.</summary>
    public bool Fired { get; private set; }

    /// <summary>What the watchdog found and did, for the stop message.</summary>
    public string? Diagnosis { get; private set; }

    /// <summary>The training state saved when it fired, or null.</summary>
    public string? SavedState { get; private set; }

    /// <summary>The timeout in force, in seconds.</summary>
    public double TimeoutSeconds
    {
        get
        {
            if (configured is { } c) return c;
            lock (gate)
            {
                if (recent.Count == 0) return MinimumAutoTimeout;
                var sorted = recent.Order().ToList();
                return Math.Max(MinimumAutoTimeout, 10 * sorted[sorted.Count / 2]);
            }
        }
    }

    /// <summary>An iteration finished after <paramref name="seconds"/>.</summary>
    public void Beat(double seconds)
    {
        lock (gate)
        {
            recent.Enqueue(seconds);
            if (recent.Count > MedianWindow) recent.Dequeue();
        }
        Interlocked.Exchange(ref lastBeat, Stopwatch.GetTimestamp());
    }

    /// <summary>Suspends the watchdog while the returned object lives (checkpoint writes, validation), then restarts the clock.</summary>
    public IDisposable Suspend()
    {
        Interlocked.Increment(ref suspended);
        return new Resumer(this);
    }

    /// <summary>The exception the main loop throws once interrupted by the watchdog.</summary>
    public TrainingStoppedException StopException() =>
        new(StopReason.Stalled, Diagnosis ?? "training stalled", TrainingStoppedException.StalledExitCode, SavedState);

    private void Watch()
    {
        while (!finished.Wait(PollInterval()))
        {
            if (Volatile.Read(ref suspended) > 0) continue;
            double idle = Stopwatch.GetElapsedTime(Interlocked.Read(ref lastBeat)).TotalSeconds;
            double timeout = TimeoutSeconds;
            if (idle < timeout) continue;
            Fire(idle, timeout);
            return;
        }
    }

    private int PollInterval() => (int)Math.Clamp(TimeoutSeconds * 1000 / 20, 50, 1000);

    private void Fire(double idle, double timeout)
    {
        Fired = true;
        var inv = CultureInfo.InvariantCulture;
        var threads = ActivityBoard.Snapshot();
        var what = string.Create(inv, $"training stalled: no iteration finished for {idle:F1} s (stall timeout {timeout:F1} s; set train.stall_timeout to change it). ") +
                   (threads.Count == 0 ? "No thread reports any activity." : "Threads: " + string.Join("; ", threads) + ".");
        report(what);
        // Between iterations the main loop cannot hold stepLock: take it so no step starts while the state is written.
        bool locked = Monitor.TryEnter(stepLock, TimeSpan.FromSeconds(Math.Min(timeout, 30)));
        string saved;
        if (!locked) saved = " No training state saved: the main loop is stuck inside an iteration.";
        else
        {
            try
            {
                SavedState = saveState();
                saved = SavedState is null ? " No training state saved (no iteration finished since the last one)." : $" Training state saved: {SavedState}.";
            }
            catch (Exception e)
            {
                saved = $" Saving a training state failed: {e.Message}.";
            }
        }
        report(saved.Trim());
        Diagnosis = what + saved;
        main.Interrupt();   // wakes the main thread from a managed wait (the loader's queue, stepLock)
        if (!finished.Wait(ResponseGrace))
        {
            report("the main loop does not respond; ending the process");
            Environment.Exit(TrainingStoppedException.StalledExitCode);
        }
        if (locked) Monitor.Exit(stepLock);
    }

    /// <summary>How long the main thread has to respond to the interrupt before the process is ended.</summary>
    private static readonly TimeSpan ResponseGrace = TimeSpan.FromSeconds(30);

    /// <summary>Called by the main thread when the interrupt reached it (true once fired; usable in an exception filter,
    /// which runs before the unwinding that joins the loader threads).</summary>
    public bool Acknowledge()
    {
        if (Fired) finished.Set();
        return Fired;
    }

    public void Dispose()
    {
        finished.Set();
        if (Thread.CurrentThread != thread) thread.Join(TimeSpan.FromSeconds(5));
    }

    private sealed class Resumer(StallWatchdog owner) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) != 0) return;
            Interlocked.Exchange(ref owner.lastBeat, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref owner.suspended);
        }
    }
}
