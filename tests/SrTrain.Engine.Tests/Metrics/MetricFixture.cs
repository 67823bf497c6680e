using SrTrain.Engine.Metrics;

namespace SrTrain.Engine.Tests.Metrics;

/// <summary>The committed image pairs and reference values of tests/fixtures/metrics/psnr_ssim.json
/// (regenerate: <c>/usr/bin/python3 tests/fixtures/make_metrics.py</c>).</summary>
internal static class MetricFixture
{
    public static readonly Lazy<TensorFixture> Data = new(() => TensorFixture.Load("metrics/psnr_ssim.json"));

    public static HwcImage Image(string name) => HwcImage.FromTensor(Data.Value[name]);

    /// <summary>The image as a (1, C, H, W) float32 batch in [0, 1], as validation feeds it.</summary>
    public static Tensor Batch(string name) =>
        (Data.Value[name].To(DType.Float32) / 255.0).Permute(2, 0, 1).Unsqueeze(0).Contiguous();

    public static double Expected(string pair, int crop, bool y, string metric) =>
        Data.Value.Number($"{pair}_crop{crop}_{(y ? "y" : "rgb")}_{metric}");

    public static IEnumerable<object[]> Cases() =>
        from pair in new[] { "a", "b" }
        from crop in new[] { 0, 4 }
        from y in new[] { false, true }
        select new object[] { pair, crop, y };
}
