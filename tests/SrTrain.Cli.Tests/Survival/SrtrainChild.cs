using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace SrTrain.Cli.Tests.Survival;

/// <summary>`srtrain` as a child process (optionally under a bash prologue, e.g. a ulimit), its standard output and
/// error collected apart, for tests that need a real process: signals, resource limits.</summary>
internal sealed class SrtrainChild : IDisposable
{
    private readonly StringBuilder output = new(), error = new();

    /// <param name="args">srtrain's arguments.</param>
    /// <param name="bashPrologue">Bash commands run first, in the shell that then execs srtrain (null: no shell).</param>
    public SrtrainChild(IEnumerable<string> args, string? bashPrologue = null)
    {
        var dll = typeof(Program).Assembly.Location;
        // Through env --default-signal=INT: a test run started in the background of a non-interactive shell inherits
        // SIGINT ignored (as POSIX shells start background jobs), and .NET keeps an inherited ignore, so srtrain would
        // never see the test's Ctrl-C.
        var psi = new ProcessStartInfo("env");
        psi.ArgumentList.Add("--default-signal=INT");
        psi.ArgumentList.Add(bashPrologue is null ? "dotnet" : "bash");
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        if (bashPrologue is not null)
            foreach (var a in new[] { "-c", bashPrologue + "\nexec dotnet \"$@\"", "srtrain" }) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process = new Process { StartInfo = psi };
        Process.OutputDataReceived += (_, e) => Take(output, e.Data);
        Process.ErrorDataReceived += (_, e) => Take(error, e.Data);
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output { get { lock (output) return output.ToString(); } }

    public string Error { get { lock (error) return error.ToString(); } }

    private static void Take(StringBuilder into, string? line)
    {
        if (line is null) return;
        lock (into) into.AppendLine(line);
    }

    /// <summary>Waits until <paramref name="seen"/> holds for (stdout, stderr), the process exits, or the timeout passes.</summary>
    public bool WaitFor(Func<string, string, bool> seen, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (seen(Output, Error)) return true;
            if (Process.HasExited) return seen(Output, Error);
            Thread.Sleep(2);
        }
        return false;
    }

    /// <summary>Waits for the exit (failing after <paramref name="timeout"/>) and returns the exit code.</summary>
    public int Wait(TimeSpan timeout)
    {
        Assert.True(Process.WaitForExit(timeout), $"srtrain did not finish within {timeout.TotalSeconds} s:\n{Output}\n{Error}");
        Process.WaitForExit();   // drains the output
        return Process.ExitCode;
    }

    /// <summary>Sends <paramref name="signal"/> (a POSIX number: 2 SIGINT, 15 SIGTERM) to the process.</summary>
    public void Signal(int signal) => Assert.Equal(0, Kill(Process.Id, signal));

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill();
        Process.Dispose();
    }
}
