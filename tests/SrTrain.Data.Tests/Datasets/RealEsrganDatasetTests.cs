using SrTrain.Abstractions.Registry;
using SrTrain.Data.Datasets;
using SrTrain.Data.Loading;
using SrTrain.Torch;

namespace SrTrain.Data.Tests.Datasets;

/// <summary>RealESRGANDataset: BasicSR's keys bind, each sample is a GT of crop_pad_size with three 21 x 21 kernels
/// summing to 1, drawn deterministically per (seed, epoch, index), and the loader turns them into a GT-only batch whose
/// LQ the model synthesises.</summary>
public sealed class RealEsrganDatasetTests : IDisposable
{
    private readonly string root = RepoPaths.NewTempDir("srtrain-realesrgan");

    public void Dispose() => Directory.Delete(root, true);

    private Dictionary<string, object?> Section(string dir, int cropPad = 64) => new()
    {
        ["type"] = "RealESRGANDataset", ["name"] = "DF2K", ["dataroot_gt"] = dir, ["io_backend"] = new Dictionary<string, object?> { ["type"] = "disk" },
        ["blur_kernel_size"] = 21, ["kernel_list"] = KernelTypes(), ["kernel_prob"] = new object[] { 0.45, 0.25, 0.12, 0.03, 0.12, 0.03 },
        ["sinc_prob"] = 0.1, ["blur_sigma"] = new object[] { 0.2, 3 }, ["betag_range"] = new object[] { 0.5, 4 }, ["betap_range"] = new object[] { 1, 2 },
        ["blur_kernel_size2"] = 21, ["kernel_list2"] = KernelTypes(), ["kernel_prob2"] = new object[] { 0.45, 0.25, 0.12, 0.03, 0.12, 0.03 },
        ["sinc_prob2"] = 0.1, ["blur_sigma2"] = new object[] { 0.2, 1.5 }, ["betag_range2"] = new object[] { 0.5, 4 }, ["betap_range2"] = new object[] { 1, 2 },
        ["final_sinc_prob"] = 0.8, ["gt_size"] = 32, ["use_hflip"] = true, ["use_rot"] = false, ["scale"] = 4, ["phase"] = "train",
        ["crop_pad_size"] = cropPad,
    };

    private static object[] KernelTypes() => ["iso", "aniso", "generalized_iso", "generalized_aniso", "plateau_iso", "plateau_aniso"];

    [Fact]
    public void SamplesAreCroppedGtWithThreeKernelsDrawnPerSample()
    {
        var dir = Path.Combine(root, "gt");
        ImageIO.Write(Path.Combine(dir, "a.png"), TestImages.Pattern(80, 90));
        ImageIO.Write(Path.Combine(dir, "b.png"), TestImages.Pattern(50, 70, salt: 3));
        var ds = TypeRegistry.Create<RealEsrganDataset>(RegistryKind.Dataset, Section(dir), "datasets.train");
        Assert.Equal(2, ds.Count);
        var a = ds.Get(0, SampleRng.For(1, 0, 0));
        Assert.Null(a.Lq);
        Assert.Equal("64x64x3", a.Gt!.SizeText);
        foreach (var key in new[] { "kernel1", "kernel2", "sinc_kernel" })
        {
            Assert.Equal(new long[] { 21, 21 }, a.Extras[key].Shape);
            Assert.Equal(1.0, a.Extras[key].Data.Sum(v => (double)v), 4);
        }
        var again = ds.Get(0, SampleRng.For(1, 0, 0));
        Assert.Equal(a.Gt.Data, again.Gt!.Data);
        Assert.Equal(a.Extras["kernel1"].Data, again.Extras["kernel1"].Data);
        var other = ds.Get(0, SampleRng.For(1, 0, 1));
        Assert.NotEqual(a.Extras["kernel1"].Data, other.Extras["kernel1"].Data);
        // b (50 x 70) is padded by reflect-101 to 64 rows, then cropped to 64 columns.
        Assert.Equal("64x64x3", ds.Get(1, SampleRng.For(1, 0, 2)).Gt!.SizeText);
    }

    [Fact]
    public void ReflectPaddingDoesNotRepeatTheEdge()
    {
        var img = new Image(3, 2, 1, [1, 2, 3, 4, 5, 6]);
        var padded = RealEsrganDataset.PadReflect101(img, 5);
        // Rows 0 1 2 | 1 0 and columns 0 1 | 0 1 0, as cv2.BORDER_REFLECT_101 (numpy's mode='reflect').
        Assert.Equal(new float[] { 1, 2, 1, 2, 1, 3, 4, 3, 4, 3, 5, 6, 5, 6, 5, 3, 4, 3, 4, 3, 1, 2, 1, 2, 1 }, padded.Data);
    }

    [Fact]
    public void LoaderMakesGtOnlyBatchesWithKernels()
    {
        var dir = Path.Combine(root, "gt2");
        for (int i = 0; i < 3; i++) ImageIO.Write(Path.Combine(dir, $"{i}.png"), TestImages.Pattern(70, 72, salt: i));
        var ds = TypeRegistry.Create<RealEsrganDataset>(RegistryKind.Dataset, Section(dir), "datasets.train");
        var loader = new DataLoader(ds, new DataLoaderOptions(BatchSize: 2, Shuffle: true, DropLast: true, Seed: 5));
        using var scope = LibTorch.NewDisposeScope();
        using var batch = loader.Epoch(0).First();
        Assert.True(batch.LqIsSynthesised);
        Assert.Equal(new long[] { 2, 3, 64, 64 }, batch.Gt!.Shape);
        Assert.Equal(new long[] { 2, 21, 21 }, batch.Extras["kernel2"].Shape);
        Assert.Equal(new long[] { 2, 21, 21 }, batch.Extras["sinc_kernel"].Shape);
    }

    [Fact]
    public void BadKeysAndPhasesAreNamed()
    {
        var dir = Path.Combine(root, "gt3");
        ImageIO.Write(Path.Combine(dir, "a.png"), TestImages.Pattern(8, 8));
        var s = Section(dir);
        s["kernel_list2"] = new object[] { "iso", "box" };
        s["kernel_prob2"] = new object[] { 1, 1 };
        var e = Assert.ThrowsAny<Exception>(() => TypeRegistry.Create<RealEsrganDataset>(RegistryKind.Dataset, s, "datasets.train"));
        Assert.Contains("kernel_list2", e.Message);
        s = Section(dir);
        s["phase"] = "val";
        e = Assert.ThrowsAny<Exception>(() => TypeRegistry.Create<RealEsrganDataset>(RegistryKind.Dataset, s, "datasets.val"));
        Assert.Contains("PairedImageDataset", e.Message);
    }
}
