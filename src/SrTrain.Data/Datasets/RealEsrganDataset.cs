using SrTrain.Abstractions.Registry;
using SrTrain.Data.Degradations;
using SrTrain.Data.Transforms;

namespace SrTrain.Data.Datasets;

/// <summary>BasicSR's RealESRGANDataset (Real-ESRGAN, Wang et al. 2021): GT images only, each flipped/rotated, padded
/// (reflect-101) or randomly cropped to <c>crop_pad_size</c> (400, as BasicSR hard-codes), and per sample the two blur
/// kernels of the second-order degradation and the final sinc filter (<c>kernel1</c>, <c>kernel2</c>,
/// <c>sinc_kernel</c>, each padded to 21 x 21). The LQ is synthesised from them on the batch by the RealESRNetModel /
/// RealESRGANModel. Draws (in BasicSR's order: flips, crop, kernel 1, kernel 2, sinc) come from the sample's
/// generator, so they are deterministic per (seed, epoch, index).</summary>
[Dataset("RealESRGANDataset")]
public sealed class RealEsrganDataset : IImageDataset
{
    private readonly List<string> paths = [];
    private readonly KernelSettings first, second;
    private readonly double finalSincProb;
    private readonly int cropPadSize, kernelPad;

    /// <param name="datarootGt">GT folder(s).</param>
    /// <param name="metaInfo">Optional list of image paths relative to dataroot_gt, one per line (BasicSR's meta_info; text after a space is ignored).</param>
    /// <param name="scale">Upscaling factor (injected from the top-level <c>scale</c>).</param>
    /// <param name="phase">Must be train: validate Real-ESRGAN models with PairedImageDataset.</param>
    /// <param name="gtSize">Accepted as in BasicSR's files; the patch is cropped after degradation by the top-level gt_size.</param>
    /// <param name="useHflip">Random horizontal flips.</param>
    /// <param name="useRot">Random vertical flips and rot90.</param>
    /// <param name="ioBackend"><c>{type: disk}</c>.</param>
    /// <param name="blurKernelSize">Largest first-stage kernel (sizes 7, 9, ..., this), default 21.</param>
    /// <param name="kernelList">First-stage kernel types: iso, aniso, generalized_iso, generalized_aniso, plateau_iso, plateau_aniso.</param>
    /// <param name="kernelProb">Their weights.</param>
    /// <param name="sincProb">Chance of a sinc kernel instead.</param>
    /// <param name="blurSigma">[low, high] σ of the Gaussian-family kernels.</param>
    /// <param name="betagRange">[low, high] β of the generalized Gaussian kernels.</param>
    /// <param name="betapRange">[low, high] β of the plateau kernels.</param>
    /// <param name="blurKernelSize2">Second stage: largest kernel.</param>
    /// <param name="kernelList2">Second stage: kernel types.</param>
    /// <param name="kernelProb2">Second stage: weights.</param>
    /// <param name="sincProb2">Second stage: chance of a sinc kernel.</param>
    /// <param name="blurSigma2">Second stage: [low, high] σ.</param>
    /// <param name="betagRange2">Second stage: [low, high] generalized β.</param>
    /// <param name="betapRange2">Second stage: [low, high] plateau β.</param>
    /// <param name="finalSincProb">Chance of a final sinc filter (else the identity).</param>
    /// <param name="cropPadSize">SrTrain: side of the GT the dataset returns (BasicSR: 400); smaller values make tiny test runs cheap.</param>
    /// <param name="name">Dataset name for messages.</param>
    public RealEsrganDataset(string[] datarootGt, string? metaInfo = null, int scale = 4, string phase = "train", int? gtSize = null,
                             bool useHflip = false, bool useRot = false, Dictionary<string, object?>? ioBackend = null,
                             int blurKernelSize = 21, string[]? kernelList = null, double[]? kernelProb = null, double sincProb = 0,
                             double[]? blurSigma = null, double[]? betagRange = null, double[]? betapRange = null,
                             int blurKernelSize2 = 21, string[]? kernelList2 = null, double[]? kernelProb2 = null, double sincProb2 = 0,
                             double[]? blurSigma2 = null, double[]? betagRange2 = null, double[]? betapRange2 = null,
                             double finalSincProb = 0.8, int cropPadSize = 400, string? name = null)
    {
        if (datarootGt.Length == 0) throw new ArgumentException("dataroot_gt: no folder given");
        if (phase != "train")
            throw new ArgumentException($"RealESRGANDataset synthesises training data only (phase '{phase}'); validate with PairedImageDataset");
        if (metaInfo is not null && datarootGt.Length != 1) throw new ArgumentException("meta_info lists the images of one dataroot_gt folder; give one folder");
        Options = new DatasetOptions(name ?? "RealESRGANDataset", scale, phase, gtSize ?? cropPadSize, useHflip, useRot, ioBackend);
        first = new KernelSettings(kernelList ?? Required("kernel_list"), kernelProb ?? Required<double[]>("kernel_prob"), sincProb,
                                   blurSigma ?? Required<double[]>("blur_sigma"), betagRange ?? Required<double[]>("betag_range"),
                                   betapRange ?? Required<double[]>("betap_range"), blurKernelSize);
        second = new KernelSettings(kernelList2 ?? Required("kernel_list2"), kernelProb2 ?? Required<double[]>("kernel_prob2"), sincProb2,
                                    blurSigma2 ?? Required<double[]>("blur_sigma2"), betagRange2 ?? Required<double[]>("betag_range2"),
                                    betapRange2 ?? Required<double[]>("betap_range2"), blurKernelSize2, "2");
        if (finalSincProb is < 0 or > 1) throw new ArgumentException($"final_sinc_prob must be in [0, 1], got {finalSincProb}");
        if (cropPadSize < 1 || cropPadSize % scale != 0) throw new ArgumentException($"crop_pad_size {cropPadSize} must be a positive multiple of scale {scale}");
        (this.finalSincProb, this.cropPadSize) = (finalSincProb, cropPadSize);
        kernelPad = Math.Max(21, Math.Max(blurKernelSize, blurKernelSize2));
        for (int i = 0; i < datarootGt.Length; i++)
        {
            var rootPaths = metaInfo is null
                ? ImageFolder.List(datarootGt[i], "dataroot_gt")
                : ImageFolder.ReadMetaInfo(metaInfo).Select(n => Path.Combine(datarootGt[i], n)).ToList();
            Options.Source.Attach(datarootGt[i], rootPaths);
            paths.AddRange(rootPaths);
        }
    }

    /// <summary>The shared dataset options (scale, flips, io backend).</summary>
    public DatasetOptions Options { get; }

    public string Name => Options.Name;

    /// <summary>The GT files in sample order.</summary>
    public IReadOnlyList<string> Paths => paths;

    public int Count => paths.Count;

    /// <summary>Side of the kernels in a sample (21 for BasicSR's files).</summary>
    public int KernelSize => kernelPad;

    public Sample Get(int index, SampleRng rng)
    {
        var path = paths[index];
        Image gt;
        using (var stored = Options.Source.Open(path)) gt = Augment.Apply(stored.ToImage(), Options.DrawAugment(rng));
        gt = PadReflect101(gt, cropPadSize, path);
        if (gt.Height > cropPadSize || gt.Width > cropPadSize)
        {
            int top = rng.NextInt(gt.Height - cropPadSize + 1), left = rng.NextInt(gt.Width - cropPadSize + 1);
            gt = gt.Crop(top, left, cropPadSize, cropPadSize);
        }
        var kernel1 = KernelSampler.Blur(first, rng, kernelPad);
        var kernel2 = KernelSampler.Blur(second, rng, kernelPad);
        var sinc = KernelSampler.FinalSinc(finalSincProb, kernelPad, rng, kernelPad);
        long[] shape = [kernelPad, kernelPad];
        return new Sample(null, gt, null, path)
        {
            Extras = new Dictionary<string, (float[], long[])>
            {
                ["kernel1"] = (kernel1.Values, shape), ["kernel2"] = (kernel2.Values, shape), ["sinc_kernel"] = (sinc.Values, shape),
            },
        };
    }

    /// <summary>Pads the bottom and right edges to at least <paramref name="size"/> by reflection without repeating the
    /// edge pixel (cv2.BORDER_REFLECT_101), as BasicSR pads images smaller than 400.</summary>
    public static Image PadReflect101(Image image, int size, string name = "image")
    {
        int h = image.Height, w = image.Width, c = image.Channels;
        if (h >= size && w >= size) return image;
        if (h < 2 || w < 2) throw new InvalidDataException($"{name} ({image.SizeText}) is too small to pad by reflection");
        int oh = Math.Max(h, size), ow = Math.Max(w, size);
        var dst = new Image(oh, ow, c);
        for (int y = 0; y < oh; y++)
        {
            int sy = Reflect(y, h);
            for (int x = 0; x < ow; x++)
                Array.Copy(image.Data, ((long)sy * w + Reflect(x, w)) * c, dst.Data, ((long)y * ow + x) * c, c);
        }
        return dst;
    }

    // Index i folded into [0, n) by reflect-101 (… 2 1 | 0 1 2 … n-1 | n-2 …), repeatedly for large pads.
    private static int Reflect(int i, int n)
    {
        int period = 2 * (n - 1);
        i %= period;
        return i < n ? i : period - i;
    }

    private static string[] Required(string key) => throw new ArgumentException($"{key} is required (e.g. ['iso', 'aniso'])");

    private static T Required<T>(string key) => throw new ArgumentException($"{key} is required");
}
