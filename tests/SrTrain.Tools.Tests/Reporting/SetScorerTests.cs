using SrTrain.Abstractions.Contracts;
using SrTrain.Engine.Metrics;
using SrTrain.Tools.Reporting;
using SrTrain.Engine.Training;

namespace SrTrain.Tools.Tests.Reporting;

public class SetScorerTests
{
    /// <summary>A val set of given (LQ, GT) tensors.</summary>
    private sealed class FakeSet(string name, IReadOnlyList<(string Name, float[] Gt, int H, int W)> images, int scale) : IImageSet
    {
        public string Name => name;
        public int Count => images.Count;

        public IEnumerable<SrBatch> Images()
        {
            foreach (var (n, gt, h, w) in images)
            {
                var g = Tensor.From(gt, [1, 3, h, w]);
                yield return new SrBatch(F.AvgPool2d(g, scale), g, [n]);
            }
        }
    }

    private static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
    }

    [Fact]
    public void ScoresMatchBasicSrMetricsOnTheRoundedOutputAndKeepTheCrop()
    {
        using var scope = LibTorch.NewDisposeScope();
        var gt = Random(3 * 32 * 40, 1);
        var set = new FakeSet("toy", [("a", gt, 32, 40)], 4);
        var noisy = Tensor.From(gt, [1, 3, 32, 40]) + Tensor.From(Random(3 * 32 * 40, 2), [1, 3, 32, 40]) * 0.1;
        var crops = new Dictionary<string, float[]>();
        var gtCrops = new Dictionary<string, float[]>();
        var row = SetScorer.Score("model", set, 4, _ => noisy, (n, _) => new CropWindow(4, 8, 16), crops, gtCrops);

        var sr8 = HwcImage.FromTensor(Validator.ToUint8Hwc(noisy));
        var gt8 = HwcImage.FromTensor(Validator.ToUint8Hwc(Tensor.From(gt, [1, 3, 32, 40])));
        Assert.Equal(Psnr.Calculate(sr8, gt8, 4), row.PsnrRgb, 10);
        Assert.Equal(Ssim.Calculate(sr8, gt8, 4), row.SsimRgb, 10);
        Assert.Equal(Psnr.Calculate(sr8, gt8, 4, testYChannel: true), row.PsnrY, 10);
        Assert.Equal(Ssim.Calculate(sr8, gt8, 4, testYChannel: true), row.SsimY, 10);
        Assert.Equal(1, row.Images);
        Assert.Equal(16 * 16 * 3, crops["a"].Length);
        Assert.Equal(sr8[4, 8, 0] / 255.0, crops["a"][0], 6);
        Assert.Equal(gt8[4 + 15, 8 + 15, 2] / 255.0, gtCrops["a"][^1], 6);
    }

    [Fact]
    public void WrongOutputSizeNamesTheScale()
    {
        using var scope = LibTorch.NewDisposeScope();
        var set = new FakeSet("toy", [("a", Random(3 * 16 * 16, 1), 16, 16)], 4);
        var e = Assert.Throws<InvalidOperationException>(() =>
            SetScorer.Score("x2net", set, 4, lq => F.Interpolate(lq, scaleFactor: 2, mode: InterpolationMode.Nearest), (_, _) => null, new Dictionary<string, float[]>()));
        Assert.Contains("scale (4)", e.Message);
    }

    [Fact]
    public void MostDetailedWindowFindsTheTexturedRegion()
    {
        int h = 64, w = 96;
        var data = new double[h * w * 3];
        var rng = new Random(3);
        for (int y = 40; y < 64; y++)
            for (int x = 60; x < 96; x++)
                for (int c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = rng.Next(256);
        var window = SetScorer.MostDetailed(new HwcImage(data, h, w, 3), 24, 4);
        Assert.Equal(24, window.Size);
        Assert.InRange(window.Top, 32, h - 24);
        Assert.InRange(window.Left, 52, w - 24);
    }
}
