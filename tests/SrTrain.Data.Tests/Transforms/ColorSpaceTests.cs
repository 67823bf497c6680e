using SrTrain.Data;
using SrTrain.Data.Transforms;

namespace SrTrain.Data.Tests.Transforms;

/// <summary>MATLAB rgb2ycbcr (BT.601 studio swing) against the same formula in NumPy (/usr/bin/python3).</summary>
public class ColorSpaceTests
{
    [Fact]
    public void MatchesMatlabRgb2ycbcr()
    {
        var img = TestImages.Pattern(2, 3);
        var ycc = ColorSpace.RgbToYCbCr(img);
        var code = "import numpy as np; a = (np.arange(18) * 7 % 256 / 255).astype(np.float32).reshape(2, 3, 3).astype(np.float64)\n" +
                   "m = np.array([[65.481, -37.797, 112.0], [128.553, -74.203, -93.786], [24.966, 112.0, -18.214]])\n" +
                   "print(' '.join(repr(float(x)) for x in ((a @ m + [16, 128, 128]) / 255).reshape(-1)))";
        var expected = PythonReference.Run(code).Trim().Split(' ').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], ycc.Data[i], 1e-6);
        var y = ColorSpace.RgbToY(img);
        for (int p = 0; p < 6; p++) Assert.Equal(ycc.Data[p * 3], y.Data[p], 1e-6f);
    }

    [Fact]
    public void YCbCrToRgbInvertsIt()
    {
        var img = TestImages.Pattern(4, 5);
        var back = ColorSpace.YCbCrToRgb(ColorSpace.RgbToYCbCr(img));
        for (int i = 0; i < img.Data.Length; i++) Assert.Equal(img.Data[i], back.Data[i], 1e-5f);
        // White and black map to MATLAB's studio-swing limits.
        var bw = ColorSpace.RgbToYCbCr(new Image(1, 2, 3, [1, 1, 1, 0, 0, 0]));
        Assert.Equal(235 / 255f, bw.Data[0], 1e-5f);
        Assert.Equal(16 / 255f, bw.Data[3], 1e-5f);
    }
}
