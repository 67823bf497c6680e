using System.Diagnostics;
using SrTrain.Torch;

namespace SrTrain.Cli.Tests;

/// <summary><c>srtrain version</c> in a child process, so the environment the binding starts from is the test's:
/// libgomp must get OMP_WAIT_POLICY=PASSIVE unless the user chose a policy (idle OpenMP threads that spin take
/// the loader threads' cores).</summary>
public class VersionCommandTests
{
    private static string RunVersion(string? waitPolicy, params (string Name, string Value)[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add("version");
        start.Environment.Remove("OMP_WAIT_POLICY");
        if (waitPolicy is not null) start.Environment["OMP_WAIT_POLICY"] = waitPolicy;
        foreach (var name in new[] { "SRTRAIN_NATIVE_HEAP", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES" })
            start.Environment.Remove(name);
        foreach (var (name, value) in extra) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"srtrain version failed: {stderr}");
        return stdout.Result;
    }

    [Fact]
    public void PrintsVersionsAndDefaultsOpenMpToPassiveWaiting()
    {
        var output = RunVersion(null);
        Assert.Contains("libtorch 1.13", output);
        Assert.Contains("OMP_WAIT_POLICY=PASSIVE", output);
    }

    [Fact]
    public void KeepsTheWaitPolicyTheUserSet() => Assert.Contains("OMP_WAIT_POLICY=ACTIVE", RunVersion("ACTIVE"));

    [Fact]
    public void SaysWhetherWinogradConvolutionsAreAvailable()
    {
        // This process and the child see the same CPU and build; capping oneDNN at AVX2 leaves it no Winograd kernels.
        Assert.Contains(ConvAlgorithm.WinogradAvailable ? "winograd convolutions: available" : "winograd convolutions: unavailable", RunVersion(null));
        Assert.Contains("winograd convolutions: unavailable", RunVersion(null, ("DNNL_MAX_CPU_ISA", "AVX2")));
    }

    [Fact]
    public void TunesTheNativeHeapByDefault() => Assert.Contains("native heap: tuned", RunVersion(null));

    [Fact]
    public void KeepsGlibcsHeapWhenAskedOrWhenTheUserTunedItThemselves()
    {
        Assert.Contains("native heap: system (SRTRAIN_NATIVE_HEAP=system)", RunVersion(null, ("SRTRAIN_NATIVE_HEAP", "system")));
        Assert.Contains("native heap: system (MALLOC_TRIM_THRESHOLD_ set)", RunVersion(null, ("MALLOC_TRIM_THRESHOLD_", "4194304")));
    }
}
