using System.Runtime.InteropServices;

namespace SrTrain.Engine.Training;

/// <summary>Turns Ctrl-C (SIGINT), SIGTERM and SIGHUP into a request to stop after the step in flight: the first signal
/// cancels <see cref="Token"/> (the trainer then saves a training state at the current iteration and stops); a second
/// one ends the process at once. Dispose to restore the default handling.</summary>
public sealed class TrainingSignals : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private readonly List<PosixSignalRegistration> registrations = [];
    private readonly Action<string> notify;
    private int received;

    /// <param name="notify">Told (once) that a stop was requested, e.g. to print it.</param>
    public TrainingSignals(Action<string> notify)
    {
        this.notify = notify;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
            registrations.Add(PosixSignalRegistration.Create(signal, Handle));
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => cancel.Token;

    /// <summary>The first signal received, or null.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>The shell's exit code for death by <paramref name="signal"/>: 128 + its number (130 for SIGINT).</summary>
    public static int ExitCodeFor(PosixSignal signal) => 128 + signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        PosixSignal.SIGTERM => 15,
        _ => 0,
    };

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;   // the trainer decides when to stop
        if (Interlocked.Increment(ref received) == 1)
        {
            Signal = context.Signal;
            notify($"{context.Signal} received: saving a training state after the current step, then stopping " +
                   "(send it again to quit at once)");
            cancel.Cancel();
            return;
        }
        // A second signal: leave now, without running shutdown code that could wait on the busy main thread.
        // Checkpoints are written atomically, so a write in flight leaves the previous files intact.
        int code = ExitCodeFor(context.Signal);
        if (OperatingSystem.IsWindows()) Environment.Exit(code);
        Exit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void Exit(int status);

    public void Dispose()
    {
        foreach (var r in registrations) r.Dispose();
        cancel.Dispose();
    }
}
