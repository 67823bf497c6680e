using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SrTrain.Bench;

/// <summary>The PyTorch side: scripts/bench/reference.py running as a line-per-request JSON server
/// under a Python with torch (<see cref="BenchOptions.Python"/>), kept alive for the whole run so rounds alternate
/// without start-up cost.</summary>
public sealed class ReferenceProcess : IDisposable
{
    /// <summary>The interpreter when <c>--python</c> is not given, configured in one place: <c>$SRTRAIN_PYTHON</c>, else
    /// Debian's /usr/bin/python3, which has python3-torch (the python3 first on PATH may not).</summary>
    public static string DefaultInterpreter =>
        Environment.GetEnvironmentVariable("SRTRAIN_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    private readonly Process process;

    public ReferenceProcess(string script, int threads, string? interpreter = null)
    {
        interpreter ??= DefaultInterpreter;
        if (!File.Exists(script)) throw new FileNotFoundException($"PyTorch bench script {script} not found", script);
        var psi = new ProcessStartInfo(interpreter)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false,
        };
        psi.ArgumentList.Add("-u");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("--threads");
        psi.ArgumentList.Add(threads.ToString());
        process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {interpreter} {script}");
        var hello = ReadReply("start-up");
        TorchVersion = hello["torch"]?.GetValue<string>() ?? "?";
        Threads = hello["threads"]?.GetValue<int>() ?? 0;
    }

    /// <summary>PyTorch's version string.</summary>
    public string TorchVersion { get; }

    /// <summary>The intra-op thread count PyTorch reports after set_num_threads.</summary>
    public int Threads { get; }

    /// <summary>Allocates the named benchmark's inputs and runs its warm-up steps.</summary>
    public void Prepare(string name, int warmup) => Send(new JsonObject { ["op"] = "prepare", ["name"] = name, ["warmup"] = warmup });

    /// <summary>Times <paramref name="iterations"/> steps; returns seconds per step.</summary>
    public double Run(string name, int iterations) =>
        Send(new JsonObject { ["op"] = "run", ["name"] = name, ["iterations"] = iterations })["seconds_per_step"]!.GetValue<double>();

    /// <summary>Frees the named benchmark's inputs.</summary>
    public void Release(string name) => Send(new JsonObject { ["op"] = "release", ["name"] = name });

    private JsonObject Send(JsonObject request)
    {
        process.StandardInput.WriteLine(request.ToJsonString());
        process.StandardInput.Flush();
        var reply = ReadReply($"{request["op"]} {request["name"]}");
        if (reply["error"] is { } error)
            throw new InvalidOperationException($"PyTorch side of bench '{request["name"]}' failed: {error.GetValue<string>()}");
        return reply;
    }

    private JsonObject ReadReply(string what)
    {
        var line = process.StandardOutput.ReadLine()
                   ?? throw new InvalidOperationException($"the PyTorch bench process exited during {what} (see its stderr above)");
        return JsonNode.Parse(line) as JsonObject ?? throw new JsonException($"unexpected reply to {what}: {line}");
    }

    public void Dispose()
    {
        try
        {
            process.StandardInput.Close(); // the server's stdin loop ends and it exits
            if (!process.WaitForExit(5000)) process.Kill();
        }
        finally
        {
            process.Dispose();
        }
    }
}
