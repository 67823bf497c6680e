using SrTrain.Data;

namespace SrTrain.Cli.Interpolation;

/// <summary>A row of images side by side on white, each with a text label in a strip above it: the
/// perception-distortion sweep of <c>srtrain interp --sweep</c> (columns = alphas).</summary>
public static class LabelledGrid
{
    /// <summary>Pixels between columns.</summary>
    public const int Gap = 4;

    /// <summary>Height of the label strip above the images.</summary>
    public const int LabelHeight = 20;

    /// <summary>The grid: column i is <paramref name="images"/>[i] under <paramref name="labels"/>[i]; a column is
    /// as wide as its image (wider only if even the 1x font does not fit), images top-aligned and centred.
    /// Labels use the 2x font when every label fits its column, else all use 1x. Output channels: RGB (grey images are
    /// spread to RGB, alpha dropped).</summary>
    public static Image Compose(IReadOnlyList<Image> images, IReadOnlyList<string> labels)
    {
        if (images.Count == 0) throw new ArgumentException("a grid needs at least one image");
        if (images.Count != labels.Count) throw new ArgumentException($"{images.Count} images but {labels.Count} labels");
        var widths = images.Select((img, i) => Math.Max(img.Width, LabelFont.Width(labels[i], 1))).ToList();
        int width = widths.Sum() + Gap * (images.Count - 1);
        int height = LabelHeight + images.Max(img => img.Height);
        int scale = labels.Select((l, i) => LabelFont.Width(l, 2) <= widths[i]).All(f => f) ? 2 : 1;
        var grid = new Image(height, width, 3);
        Array.Fill(grid.Data, 1f);
        int left = 0;
        for (int i = 0; i < images.Count; i++)
        {
            var img = images[i];
            int x0 = left + (widths[i] - img.Width) / 2;
            for (int y = 0; y < img.Height; y++)
                for (int x = 0; x < img.Width; x++)
                    for (int c = 0; c < 3; c++)
                        grid[LabelHeight + y, x0 + x, c] = img[y, x, img.Channels == 1 ? 0 : c];
            int textLeft = left + (widths[i] - LabelFont.Width(labels[i], scale)) / 2;
            LabelFont.Draw(grid, labels[i], (LabelHeight - LabelFont.GlyphHeight * scale) / 2, textLeft, scale);
            left += widths[i] + Gap;
        }
        return grid;
    }
}
