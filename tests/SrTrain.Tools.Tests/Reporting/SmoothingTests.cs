using SrTrain.Tools.Reporting.Plots;

namespace SrTrain.Tools.Tests.Reporting;

public class SmoothingTests
{
    [Fact]
    public void Smoothing_is_TensorBoards_debiased_ema()
    {
        // By hand, weight 0.6: last = 0.4*1 = 0.4 -> /0.4 = 1; last = 0.6*0.4 + 0.4*2 = 1.04 -> /(1-0.36) = 1.625;
        // NaN passes through; last = 0.6*1.04 + 0.4*4 = 2.224 -> /(1-0.216) = 2.8367...
        var s = Smoothing.Ema([1, 2, double.NaN, 4], 0.6);
        Assert.Equal(1.0, s[0], 12);
        Assert.Equal(1.625, s[1], 12);
        Assert.True(double.IsNaN(s[2]));
        Assert.Equal(2.224 / 0.784, s[3], 12);
        Assert.Equal([3.0, 3.0, 3.0], Smoothing.Ema([3, 3, 3], 0.9));           // constant: as is
        Assert.Equal([5.0, 1.0, 2.0], Smoothing.Ema([5, 1, 2], 0));             // weight 0: raw
        Assert.Throws<ArgumentOutOfRangeException>(() => Smoothing.Ema([1, 2], 1));
    }
}
