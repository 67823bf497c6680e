using SrTrain.Tools.Reporting.Figures;
using SrTrain.Data;

namespace SrTrain.Tools.Interpolation;

/// <summary>A row of images side by side on white, each with a text label in a strip above it: the
/// perception-distortion sweep of <c>srtrain interp --sweep</c> (columns = alphas), drawn by the report's
/// <see cref="LabelledRow"/> in its one font.</summary>
public static class LabelledGrid
{
    /// <summary>Pixels between columns.</summary>
    public const int Gap = 4;

    /// <summary>Height of the label strip above the images.</summary>
    public const int LabelHeight = LabelledRow.LabelHeight;

    /// <summary>The grid: column i is <paramref name="images"/>[i] under <paramref name="labels"/>[i]; a column is
    /// as wide as its image (wider only if its label does not fit), images top-aligned and centred.
    /// Output channels: RGB (grey images are spread to RGB, alpha dropped).</summary>
    public static Image Compose(IReadOnlyList<Image> images, IReadOnlyList<string> labels)
    {
        if (images.Count == 0) throw new ArgumentException("a grid needs at least one image");
        if (images.Count != labels.Count) throw new ArgumentException($"{images.Count} images but {labels.Count} labels");
        var row = LabelledRow.Render(images.Select((img, i) => new LabelledImage(labels[i], img.Data, img.Width, img.Height, img.Channels)).ToList(), Gap);
        return new Image(row.Height, row.Width, 3, row.Hwc);
    }
}
