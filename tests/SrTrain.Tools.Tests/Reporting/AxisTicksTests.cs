using SrTrain.Tools.Reporting.Plots;

namespace SrTrain.Tools.Tests.Reporting;

public class AxisTicksTests
{
    [Theory]
    [InlineData(0.001195, 0.001248)]      // l_percep of the quickstart: four ticks read 0.0012 before
    [InlineData(6.9312e-4, 6.9338e-4)]    // l_g_gan: two ticks read 6.93e-4 before
    [InlineData(6.9312e-4, 6.9314e-4)]
    [InlineData(1e-4, 0.3)]
    [InlineData(0.02, 0.09)]
    public void Log_axis_ticks_are_inside_the_range_and_read_differently(double min, double max)
    {
        var ticks = AxisTicks.Log(min, max);
        Assert.InRange(ticks.Count, 3, 12);
        Assert.All(ticks, t => Assert.InRange(t.Value, min * (1 - 1e-9), max * (1 + 1e-9)));
        Assert.Equal(ticks.Count, ticks.Select(t => t.Label).Distinct().Count());
        Assert.All(ticks, t => Assert.Equal(t.Value, double.Parse(t.Label, System.Globalization.CultureInfo.InvariantCulture), t.Value * 1e-6));
    }

    [Fact]
    public void Ticks_are_nice_numbers_with_short_labels()
    {
        Assert.Equal(["0", "0.2", "0.4", "0.6", "0.8", "1"], AxisTicks.Linear(0, 1).Select(t => t.Label));
        Assert.Equal(["1e-4", "1e-3", "1e-2", "1e-1"], AxisTicks.Log(1e-4, 0.3).Select(t => t.Label));
        Assert.Equal(["0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5"], AxisTicks.Log(0.004, 0.6).Select(t => t.Label));
        Assert.Equal(["0.0012", "0.00121", "0.00122", "0.00123", "0.00124"], AxisTicks.Log(0.001195, 0.001248).Select(t => t.Label));
        Assert.Equal(["6.9315e-4", "6.932e-4", "6.9325e-4", "6.933e-4", "6.9335e-4"], AxisTicks.Log(6.9312e-4, 6.9338e-4).Select(t => t.Label));
    }
}
