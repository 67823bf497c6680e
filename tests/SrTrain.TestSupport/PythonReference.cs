using System.Diagnostics;

namespace SrTrain.TestSupport;

/// <summary>Runs Debian's /usr/bin/python3 (which has python3-torch) as the reference implementation.</summary>
public static class PythonReference
{
    /// <summary>The interpreter with torch; the python3 first on PATH may lack it.</summary>
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>Runs <paramref name="code"/> with <paramref name="args"/> (sys.argv[1:]); returns stdout,
    /// throws with stderr when the exit code is not 0.</summary>
    public static string Run(string code, params string[] args)
    {
        var psi = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(code);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONPATH"] = Path.Combine(RepoPaths.Root, "tests", "fixtures");
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start python3");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"python3 failed ({p.ExitCode}):\n{stderr.Result}\n{stdout.Result}");
        return stdout.Result;
    }
}
