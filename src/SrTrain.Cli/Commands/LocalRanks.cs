using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SrTrain.Cli.Commands;

/// <summary>N ranks of srtrain on this machine, as torchrun starts them: each a child process with RANK, LOCAL_RANK,
/// WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT set. SIGINT and SIGTERM are passed on to every rank;
/// when one rank fails the others are stopped (SIGTERM, then SIGKILL after a grace period) and the failure is named.</summary>
internal sealed class LocalRanks(IReadOnlyList<string> arguments, int count, string masterAddr, int masterPort, TimeSpan grace)
{
    private readonly List<Process> ranks = [];
    private volatile int forwardedSignal;

    /// <summary>Starts the ranks and waits for them; returns 0 when all succeed, else the first failing rank's code.</summary>
    public int Run(TextWriter error)
    {
        var (program, prefix) = SelfCommand();
        int threads = Math.Max(1, Environment.ProcessorCount / count);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward);
        try
        {
            for (int r = 0; r < count; r++)
            {
                var info = new ProcessStartInfo(program) { UseShellExecute = false };
                foreach (var a in prefix.Concat(arguments)) info.ArgumentList.Add(a);
                info.Environment["RANK"] = info.Environment["LOCAL_RANK"] = r.ToString(System.Globalization.CultureInfo.InvariantCulture);
                info.Environment["WORLD_SIZE"] = info.Environment["LOCAL_WORLD_SIZE"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                info.Environment["MASTER_ADDR"] = masterAddr;
                info.Environment["MASTER_PORT"] = masterPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
                // As torchrun: ranks sharing a machine should not each start one thread per core.
                if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null)
                    info.Environment["OMP_NUM_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
                ranks.Add(Process.Start(info) ?? throw new InvalidOperationException($"could not start rank {r}: {program}"));
            }
            var pending = ranks.Select((p, r) => (Rank: r, Exit: p.WaitForExitAsync())).ToList();
            while (pending.Count > 0)
            {
                int done = Task.WaitAny(pending.Select(p => p.Exit).ToArray());
                int rank = pending[done].Rank;
                pending.RemoveAt(done);
                int code = ranks[rank].ExitCode;
                if (code == 0) continue;
                if (forwardedSignal != 0)
                {
                    error.WriteLine($"srtrain launch: stopped by signal {forwardedSignal} (passed on to every rank); rank {rank} exited with code {code}");
                    Stop(pending.Select(p => p.Rank));
                    return code;
                }
                error.WriteLine($"srtrain launch: rank {rank} (pid {ranks[rank].Id}) exited with code {code}{Signal(code)}; " +
                                (pending.Count > 0 ? $"stopping rank(s) {string.Join(", ", pending.Select(p => p.Rank))}" : "no rank left"));
                Stop(pending.Select(p => p.Rank));
                return code;
            }
            return 0;
        }
        finally
        {
            Stop(Enumerable.Range(0, ranks.Count));
        }
    }

    private void Stop(IEnumerable<int> which)
    {
        var alive = which.Select(r => ranks[r]).Where(p => !p.HasExited).ToList();
        foreach (var p in alive) Kill(p.Id, SigTerm);
        var deadline = DateTime.UtcNow + grace;
        foreach (var p in alive)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !p.WaitForExit(left)) p.Kill(entireProcessTree: true);
        }
    }

    private void Forward(PosixSignalContext context)
    {
        context.Cancel = true;   // the launcher stays to collect its ranks; they decide how to stop
        int sig = context.Signal == PosixSignal.SIGINT ? SigInt : SigTerm;
        forwardedSignal = sig;
        foreach (var p in ranks.Where(p => !p.HasExited)) Kill(p.Id, sig);
    }

    private static string Signal(int code) => code > 128 && code < 128 + 32 ? $" (signal {code - 128})" : "";

    /// <summary>How to start this same srtrain: its apphost, or dotnet with the CLI's assembly.</summary>
    private static (string Program, string[] Prefix) SelfCommand()
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var assembly = typeof(Program).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(self) == Path.GetFileNameWithoutExtension(assembly)) return (self, []);
        var dotnet = Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        return (dotnet, [assembly]);
    }

    private const int SigInt = 2, SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
