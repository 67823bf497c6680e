using SrTrain.Data;
using SrTrain.Data.Transforms;

namespace SrTrain.Data.Tests.Transforms;

/// <summary>Flips and rot90 (transpose) against NumPy's flip/transpose of the same array, run through /usr/bin/python3.</summary>
public class AugmentTests
{
    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    [InlineData(true, true, true)]
    public void MatchesNumpyFlipsAndTranspose(bool h, bool v, bool t)
    {
        var img = TestImages.Pattern(3, 5, 2);
        var result = Augment.Apply(img, new Augment.Choice(h, v, t));
        var code = "import numpy as np, sys; a = (np.arange(30) * 7 % 256 / 255).astype(np.float32).reshape(3, 5, 2); h, v, t = (x == 'True' for x in sys.argv[1:4])\n" +
                   "a = a[:, ::-1] if h else a\na = a[::-1] if v else a\na = a.transpose(1, 0, 2) if t else a\n" +
                   "print(a.shape[0], a.shape[1]); print(' '.join(repr(float(x)) for x in a.reshape(-1)))";
        var lines = PythonReference.Run(code, h.ToString(), v.ToString(), t.ToString()).Trim().Split('\n');
        Assert.Equal(lines[0].Trim(), $"{result.Height} {result.Width}");
        Assert.Equal(lines[1].Split(' ').Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture)), result.Data);
    }

    [Fact]
    public void SameChoiceKeepsGtAndLqAligned()
    {
        var gt = TestImages.Pattern(8, 12);
        var lq = Imresize.Downscale(gt, 4);
        var choice = new Augment.Choice(true, true, true);
        var lqOfAugmentedGt = Imresize.Downscale(Augment.Apply(gt, choice), 4);
        var augmentedLq = Augment.Apply(lq, choice);
        Assert.Equal(lqOfAugmentedGt.SizeText, augmentedLq.SizeText);
        for (int i = 0; i < augmentedLq.Data.Length; i++) Assert.Equal(lqOfAugmentedGt.Data[i], augmentedLq.Data[i], 1e-5f);
    }
}
