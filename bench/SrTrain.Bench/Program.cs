using System.ComponentModel;
using SrTrain.Torch;

namespace SrTrain.Bench;

/// <summary>Entry point of <c>srtrain-bench</c> (scripts/bench.sh).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            return BenchCommand.Run(args);
        }
        catch (Exception e)
        {
            return Report(e, Console.Error);
        }
    }

    /// <summary>A failure as one line, as srtrain reports its own (no stack trace unless SRTRAIN_TRACE=1): what a user
    /// can fix (a missing Python or script, a failed reference or training run, a bad argument) exits 2; anything
    /// else is labelled an internal error and exits 3.</summary>
    public static int Report(Exception e, TextWriter output)
    {
        bool user = e is ArgumentException or InvalidOperationException or IOException or Win32Exception or TorchException;
        output.WriteLine(user ? $"srtrain-bench: {e.Message.Trim()}"
                              : $"srtrain-bench: internal error ({e.GetType().Name}): {e.Message.Trim()} (SRTRAIN_TRACE=1 prints the stack trace)");
        if (Environment.GetEnvironmentVariable("SRTRAIN_TRACE") is "1" or "true") output.WriteLine(e.ToString());
        return user ? 2 : 3;
    }
}
