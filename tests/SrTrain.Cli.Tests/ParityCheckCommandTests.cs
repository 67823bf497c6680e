using System.Diagnostics;

namespace SrTrain.Cli.Tests;

/// <summary>The GPU check kit's op parity (hidden `srtrain parity-check` against scripts/gpu-check/parity.py) run on the
/// CPU: ops, a small RRDBNet and VGG19 forward/backward agree with Debian's torch within the kit's tolerances.</summary>
public class ParityCheckCommandTests
{
    [Theory]
    [InlineData("fp32")]
    [InlineData("bf16")]
    public async Task SrTrainMatchesTorchOnTheCpu(string precision)
    {
        // oneDNN capped below the CPU's AVX-512 (the baseline kernel run) has no bf16 convolution on either side; no real
        // CPU gets there (see CpuKernels.OneDnnCappedBelowCpu), and TensorPrecisionTests checks that case's clear error.
        if (precision == "bf16" && CpuKernels.OneDnnCappedBelowCpu) return;
        var work = RepoPaths.NewTempDir("parity-check");
        var psi = new ProcessStartInfo(PythonReference.Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(RepoPaths.Root, "scripts", "gpu-check", "parity.py"),
                                  "--srtrain", $"dotnet {Path.Combine(AppContext.BaseDirectory, "srtrain.dll")}",
                                  "--device", "cpu", "--precision", precision, "--work", work })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"parity.py exited {p.ExitCode}:\n{stdout}\n{await stderr}");
        Assert.Contains($"parity {precision} on cpu: OK", stdout);
    }

    [Fact]
    public void Fp16OnTheCpuIsRefusedWithAReason()
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.NotEqual(0, Program.Main(["parity-check", "--inputs", "none.pth", "--output", "out.pth", "--device", "cpu", "--precision", "fp16"]));
        }
        finally
        {
            Console.SetError(original);
        }
        Assert.Contains("autocast on the CPU has bfloat16 only", error.ToString());
    }
}
