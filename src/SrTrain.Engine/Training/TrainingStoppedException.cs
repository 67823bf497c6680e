namespace SrTrain.Engine.Training;

/// <summary>Why a run stopped before total_iter on purpose.</summary>
public enum StopReason
{
    /// <summary>SIGINT, SIGTERM or SIGHUP: a state was saved at the current iteration.</summary>
    Interrupted,

    /// <summary>The divergence guard ran out of rollbacks.</summary>
    Diverged,

    /// <summary>No iteration finished within train.stall_timeout.</summary>
    Stalled,
}

/// <summary>A run that stopped early and deliberately (signal, divergence, stall): the message says what happened,
/// at which iteration and which state to resume from; the CLI prints it as one line and exits with
/// <see cref="ExitCode"/>, adding the resume command.</summary>
public sealed class TrainingStoppedException(StopReason reason, string message, int exitCode, string? resumableState) : Exception(message)
{
    /// <summary>Why the run stopped.</summary>
    public StopReason Reason { get; } = reason;

    /// <summary>The process exit code: 128 + signal number after a signal, 3 after divergence, 4 after a stall.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>The training state <c>--auto-resume</c> continues from, or null when none exists.</summary>
    public string? ResumableState { get; } = resumableState;

    /// <summary>Exit code of a run stopped by the divergence guard.</summary>
    public const int DivergedExitCode = 3;

    /// <summary>Exit code of a run stopped by the stall watchdog.</summary>
    public const int StalledExitCode = 4;
}
