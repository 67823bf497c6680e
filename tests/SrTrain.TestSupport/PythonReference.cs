using System.Collections.Concurrent;
using System.Diagnostics;

namespace SrTrain.TestSupport;

/// <summary>Runs Debian's /usr/bin/python3 (which has python3-torch) as the reference implementation. The child
/// inherits this process's environment, so ATEN_CPU_CAPABILITY and DNNL_MAX_CPU_ISA give it the same kernels.</summary>
public static class PythonReference
{
    /// <summary>The interpreter with torch; the python3 first on PATH may lack it.</summary>
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>Runs <paramref name="code"/> with <paramref name="args"/> (sys.argv[1:]); returns stdout,
    /// throws with stderr when the exit code is not 0.</summary>
    public static string Run(string code, params string[] args) => Run(code, null, args);

    /// <summary>As <see cref="Run(string, string[])"/>, with extra environment variables.</summary>
    public static string Run(string code, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(code);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONPATH"] = Path.Combine(RepoPaths.Root, "tests", "fixtures");
        psi.Environment["OMP_NUM_THREADS"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start python3");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"python3 failed ({p.ExitCode}):\n{stderr.Result}\n{stdout.Result}");
        return stdout.Result;
    }
}

/// <summary>Fixtures made at test time, on this machine's kernels, by a function of a tests/fixtures script: for
/// references whose exact bits are the point (seeded random draws, optimizer trajectories compared bit for bit),
/// which a committed file made on another CPU cannot give. The function writes through fixture_io.save, which
/// honours SRTRAIN_FIXTURE_OUT; each function runs once per test process.</summary>
public static class LiveFixture
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Made = new();

    static LiveFixture() =>
        // The folders live as long as the test process; remove them with it rather than leave them in /tmp.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var made in Made.Values.Where(m => m.IsValueCreated))
                try { Directory.Delete(made.Value, recursive: true); } catch (IOException) { }
        };

    /// <summary>The folder where <c>module.function()</c> wrote its fixtures (made on first use, kept for the process).</summary>
    public static string Folder(string module, string function) =>
        Made.GetOrAdd($"{module}.{function}", _ => new Lazy<string>(() =>
        {
            var dir = RepoPaths.NewTempDir("live-fixture");
            PythonReference.Run($"import {module}\n{module}.{function}()", new Dictionary<string, string> { ["SRTRAIN_FIXTURE_OUT"] = dir });
            return dir;
        })).Value;

    /// <summary>Loads <paramref name="relative"/> as written by <c>module.function()</c> on this machine.</summary>
    public static TensorFixture Load(string module, string function, string relative) =>
        TensorFixture.Load(Path.Combine(Folder(module, function), relative));
}
