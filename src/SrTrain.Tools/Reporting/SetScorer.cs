using SrTrain.Abstractions.Contracts;
using SrTrain.Engine.Metrics;
using SrTrain.Engine.Training;
using SrTrain.Torch;

namespace SrTrain.Tools.Reporting;

/// <summary>A crop window in HR pixels.</summary>
public readonly record struct CropWindow(int Top, int Left, int Size);

/// <summary>Scores an upscaler (a trained generator, or bicubic) on a validation set the way BasicSR validates:
/// output clamped and rounded to 8 bits, PSNR and SSIM on RGB and on Y with <c>scale</c> border pixels
/// cropped; also keeps the 8-bit pixels of the requested crop windows for the side-by-side figures.</summary>
public static class SetScorer
{
    /// <summary>Runs <paramref name="upscale"/> over every image of <paramref name="set"/>. <paramref name="cropFor"/>
    /// is asked, with each image's 8-bit GT (H, W, C), for the window to keep (null: none);
    /// <paramref name="crops"/> receives (image, SR pixels HWC in [0, 1]) and, when <paramref name="gtCrops"/> is given, the GT's too.</summary>
    public static ScoreRow Score(string model, IImageSet set, int scale, Func<Tensor, Tensor> upscale,
                                 Func<string, HwcImage, CropWindow?> cropFor, IDictionary<string, float[]> crops,
                                 IDictionary<string, float[]>? gtCrops = null)
    {
        double psnr = 0, ssim = 0, psnrY = 0, ssimY = 0;
        int n = 0;
        foreach (var batch in set.Images())
        {
            using var scope = LibTorch.NewDisposeScope();
            using (batch)
            {
                if (batch.Gt is null) throw new InvalidOperationException($"val set {set.Name} has no GT (image {batch.Names[0]}); the report needs dataroot_gt");
                var name = batch.Names[0];
                var sr = upscale(batch.Lq);
                var srImg = HwcImage.FromTensor(Validator.ToUint8Hwc(sr).To(Device.Cpu));
                var gtImg = HwcImage.FromTensor(Validator.ToUint8Hwc(batch.Gt).To(Device.Cpu));
                if (srImg.Height != gtImg.Height || srImg.Width != gtImg.Width)
                    throw new InvalidOperationException($"{model} on {set.Name}/{name}: output {srImg.Height}x{srImg.Width} but GT {gtImg.Height}x{gtImg.Width}; " +
                                                        $"is the network's scale the ablation's scale ({scale})?");
                psnr += Psnr.Calculate(srImg, gtImg, scale);
                ssim += Ssim.Calculate(srImg, gtImg, scale);
                psnrY += Psnr.Calculate(srImg, gtImg, scale, testYChannel: true);
                ssimY += Ssim.Calculate(srImg, gtImg, scale, testYChannel: true);
                n++;
                if (cropFor(name, gtImg) is { } window)
                {
                    crops[name] = Cut(srImg, window);
                    if (gtCrops is not null) gtCrops[name] = Cut(gtImg, window);
                }
            }
        }
        if (n == 0) throw new InvalidOperationException($"val set {set.Name} has no images");
        return new ScoreRow(set.Name, model, psnr / n, ssim / n, psnrY / n, ssimY / n, n);
    }

    /// <summary>The window of <paramref name="size"/> with the most detail (sum of absolute luminance gradients), searched
    /// on a grid of size/4 steps away from the border — the region where SR methods differ most visibly.</summary>
    public static CropWindow MostDetailed(HwcImage gt, int size, int border)
    {
        int h = gt.Height, w = gt.Width;
        size = Math.Min(size, Math.Min(h, w));
        var energy = new double[(h + 1) * (w + 1)];   // integral image of the gradient magnitude
        for (int y = 0; y < h; y++)
        {
            double row = 0;
            for (int x = 0; x < w; x++)
            {
                double g = 0;
                if (x + 1 < w) g += Math.Abs(Luma(gt, y, x + 1) - Luma(gt, y, x));
                if (y + 1 < h) g += Math.Abs(Luma(gt, y + 1, x) - Luma(gt, y, x));
                row += g;
                energy[(y + 1) * (w + 1) + x + 1] = energy[y * (w + 1) + x + 1] + row;
            }
        }
        int step = Math.Max(size / 4, 1);
        // Keep away from the border the metrics ignore, when the image is large enough to.
        int maxTop = h - size, maxLeft = w - size;
        (int t0, int t1) = border <= maxTop - border ? (border, maxTop - border) : (0, maxTop);
        (int l0, int l1) = border <= maxLeft - border ? (border, maxLeft - border) : (0, maxLeft);
        var best = new CropWindow(maxTop / 2, maxLeft / 2, size);
        double bestEnergy = -1;
        for (int top = t0; top <= t1; top += step)
            for (int left = l0; left <= l1; left += step)
            {
                double e = energy[(top + size) * (w + 1) + left + size] - energy[top * (w + 1) + left + size]
                           - energy[(top + size) * (w + 1) + left] + energy[top * (w + 1) + left];
                if (e > bestEnergy) (bestEnergy, best) = (e, new CropWindow(top, left, size));
            }
        return best;
    }

    private static double Luma(HwcImage img, int y, int x) =>
        img.Channels >= 3 ? 0.299 * img[y, x, 0] + 0.587 * img[y, x, 1] + 0.114 * img[y, x, 2] : img[y, x, 0];

    private static float[] Cut(HwcImage img, CropWindow w)
    {
        var result = new float[w.Size * w.Size * 3];
        for (int y = 0; y < w.Size; y++)
            for (int x = 0; x < w.Size; x++)
                for (int c = 0; c < 3; c++)
                    result[(y * w.Size + x) * 3 + c] = (float)(img[w.Top + y, w.Left + x, Math.Min(c, img.Channels - 1)] / 255.0);
        return result;
    }
}
