using SrTrain.Engine.Training;

namespace SrTrain.Engine.Tests.Training;

/// <summary>The periodic log line keeps BasicSR's layout; CUDA runs add the peak allocated GPU memory at the end of the
/// time bracket, CPU runs (no figure) print exactly what they printed before.</summary>
public class LogLineTests
{
    private static readonly Dictionary<string, double> Scalars = new() { ["l_pix"] = 0.012345 };

    [Fact]
    public void CpuLineIsBasicSRs()
    {
        var line = Trainer.FormatLogLine("smoke_test", 0, 100, [1e-4], 0.1234, 0.0041, 62, Scalars);
        Assert.Equal("[smoke..][epoch:  0, iter:     100, lr:(1.000e-04,)] [eta: 0:01:02, time (data): 0.123 (0.004)] l_pix: 1.2345e-02", line);
    }

    [Fact]
    public void CudaLineEndsTheTimeBracketWithPeakMemory()
    {
        var line = Trainer.FormatLogLine("smoke_test", 0, 100, [1e-4], 0.1234, 0.0041, 62, Scalars, peakMemoryBytes: 10_597_302_272);
        Assert.Equal("[smoke..][epoch:  0, iter:     100, lr:(1.000e-04,)] [eta: 0:01:02, time (data): 0.123 (0.004), peak mem: 9.87 GiB] l_pix: 1.2345e-02", line);
    }
}
