using System.Reflection;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch;

namespace SrTrain.Cli;

/// <summary>Turns any exception that reaches the top of <c>srtrain</c> into a short message and an exit code,
/// so no error prints a .NET stack trace: input errors (options, files, images, checkpoints, a full disk) give
/// one line naming what to fix; anything else is labelled an internal error with its type. The environment
/// variable <see cref="TraceVariable"/>=1 adds the full trace for a bug report.</summary>
public static class ErrorReport
{
    /// <summary>Set to 1 to print the stack trace under the message.</summary>
    public const string TraceVariable = "SRTRAIN_TRACE";

    /// <summary>Exit code of an input error the user can fix.</summary>
    public const int UserErrorCode = 2;

    /// <summary>Exit code of an unexpected (internal) error.</summary>
    public const int InternalErrorCode = 3;

    /// <summary>Exit code after Ctrl-C or a cancellation.</summary>
    public const int InterruptedCode = 130;

    /// <summary>Writes the message for <paramref name="error"/> to <paramref name="output"/> and returns the exit code.</summary>
    public static int Print(Exception error, TextWriter output)
    {
        var e = Unwrap(error);
        int code;
        string message;
        if (e is OperationCanceledException) (code, message) = (InterruptedCode, "interrupted");
        else if (IsDiskFull(e)) (code, message) = (UserErrorCode, $"disk full: {e.Message.Trim()} (free some space; files written before this one are intact)");
        else if (IsUserError(e)) (code, message) = (UserErrorCode, e.Message.Trim());
        else if (e is TorchOutOfMemoryException oom)
            (code, message) = (UserErrorCode, $"out of memory{(oom.Requested is { } r ? $" trying to allocate {r}" : "")}: {FirstLines(e.Message, 3)}");
        else if (e is TorchException) (code, message) = (UserErrorCode, $"libtorch: {FirstLines(e.Message, 3)}");
        else (code, message) = (InternalErrorCode,
            $"internal error ({e.GetType().Name}): {FirstLines(e.Message, 3)}\n" +
            $"  This is a bug in SrTrain, not in your options; set {TraceVariable}=1 for the stack trace and report it.");
        output.WriteLine($"srtrain: {message}");
        if (Environment.GetEnvironmentVariable(TraceVariable) is "1" or "true") output.WriteLine(error.ToString());
        return code;
    }

    /// <summary>Errors caused by input (options, files, images, checkpoints, devices) rather than by a bug.</summary>
    public static bool IsUserError(Exception e) =>
        e is OptionException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
          or Torch.Serialization.CheckpointFormatException or Data.ImageReadException or Torch.Nn.StateDictMismatchException
          or ArgumentException or NotSupportedException or UnauthorizedAccessException or PathTooLongException or IOException;

    /// <summary>ENOSPC (28) or Windows' ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL, anywhere in the chain.</summary>
    public static bool IsDiskFull(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is IOException io && ((io.HResult & 0xFFFF) is 28 or 0x70 or 0x27 || io.Message.Contains("No space left on device", StringComparison.Ordinal)))
                return true;
        return false;
    }

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            if (e is TargetInvocationException { InnerException: { } inner }) e = inner;
            else if (e is AggregateException agg && agg.InnerExceptions.Count == 1) e = agg.InnerExceptions[0];
            else return e;
        }
    }

    private static string FirstLines(string text, int lines)
    {
        var parts = text.Trim().Split('\n');
        return parts.Length <= lines ? text.Trim() : string.Join('\n', parts.Take(lines)).TrimEnd() + " ...";
    }
}
