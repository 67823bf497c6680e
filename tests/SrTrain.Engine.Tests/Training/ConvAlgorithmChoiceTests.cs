using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Training;

namespace SrTrain.Engine.Tests.Training;

/// <summary><c>conv_algorithm: auto</c> takes Winograd for float32 NCHW training on the CPU where oneDNN has it (the
/// tests say whether it does, never this machine), direct under bf16/fp16 autocast, channels_last or CUDA; explicit
/// values win, and an explicit winograd that cannot run is an option error naming the key.</summary>
public class ConvAlgorithmChoiceTests
{
    private static ConvAlgorithmChoice Resolve(string? value, bool available, DeviceType device = DeviceType.Cpu, string precision = "fp32",
                                               bool channelsLast = false) =>
        ConvAlgorithmChoice.Resolve(value, device, precision, channelsLast, () => available);

    [Fact]
    public void AutoTakesWinogradForFloat32NchwCpuTrainingWhereAvailable()
    {
        var choice = Resolve("auto", available: true);
        Assert.True(choice.Winograd);
        Assert.Equal("winograd", choice.Name);
        Assert.Contains("float32 NCHW training", choice.Reason);
        Assert.True(Resolve(" AUTO ", available: true).Winograd);
        // auto keeps layers with large Winograd scratchpads on direct kernels (peak memory); an explicit winograd does not.
        Assert.Equal(ConvAlgorithmChoice.AutoMaxScratchpadBytes, choice.MaxScratchpadBytes);
        Assert.Contains("scratchpad would exceed 40 MiB runs its batch in chunks", choice.Reason);
        Assert.Equal(long.MaxValue, Resolve("winograd", available: true).MaxScratchpadBytes);
    }

    [Fact]
    public void AutoStaysDirectWhereWinogradIsUnavailableOrDoesNotApply()
    {
        var unavailable = Resolve("auto", available: false);
        Assert.False(unavailable.Winograd);
        Assert.Contains("no float32 Winograd kernels", unavailable.Reason);
        Assert.Contains("bf16 autocast", Resolve("auto", true, precision: "bf16").Reason);
        Assert.False(Resolve("auto", true, precision: "bf16").Winograd);
        Assert.False(Resolve("auto", true, channelsLast: true).Winograd);
        Assert.Contains("channels_last", Resolve("auto", true, channelsLast: true).Reason);
        Assert.False(Resolve("auto", true, device: DeviceType.Cuda).Winograd);
        Assert.Contains("cuda", Resolve("auto", true, device: DeviceType.Cuda).Reason);
    }

    [Fact]
    public void ExplicitValuesWin()
    {
        Assert.False(Resolve("direct", available: true).Winograd);
        Assert.Equal("conv_algorithm: direct", Resolve("Direct", available: true).Reason);
        Assert.True(Resolve("winograd", available: true).Winograd);
    }

    [Fact]
    public void ExplicitWinogradThatCannotRunIsAnOptionError()
    {
        var unavailable = Assert.Throws<OptionException>(() => Resolve("winograd", available: false));
        Assert.Contains("conv_algorithm: winograd is unavailable", unavailable.Message);
        Assert.Contains("libdnnl-dev", unavailable.Message);
        var bf16 = Assert.Throws<OptionException>(() => Resolve("winograd", available: true, precision: "bf16"));
        Assert.Contains("bf16 autocast", bf16.Message);
        var bad = Assert.Throws<OptionException>(() => Resolve("fast", available: true));
        Assert.Contains("'fast' is not one of auto, direct, winograd", bad.Message);
    }

    [Fact]
    public void AvailabilityIsAskedOnlyWhenItMatters()
    {
        bool asked = false;
        ConvAlgorithmChoice.Resolve("direct", DeviceType.Cpu, "fp32", false, () => asked = true);
        ConvAlgorithmChoice.Resolve("auto", DeviceType.Cpu, "bf16", false, () => asked = true);
        Assert.False(asked);
    }
}
