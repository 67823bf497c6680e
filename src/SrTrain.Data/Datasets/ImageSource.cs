namespace SrTrain.Data.Datasets;

/// <summary>Where a dataset's images come from: BasicSR's <c>io_backend</c>. <c>{type: disk}</c> decodes the
/// file on every read. (LMDB is not supported: prepare folders of PNG sub-images instead.)</summary>
public class ImageSource
{
    /// <summary>The backend named by an <c>io_backend</c> section (null means disk).</summary>
    public static ImageSource FromOptions(IReadOnlyDictionary<string, object?>? ioBackend, string where = "io_backend")
    {
        var type = ioBackend is null ? "disk" : ioBackend.TryGetValue("type", out var t) ? t?.ToString() ?? "disk" : "disk";
        return type.ToLowerInvariant() switch
        {
            "disk" => new ImageSource(),
            "lmdb" => throw new NotSupportedException($"{where}.type: lmdb is not supported; use folders of images (srtrain prepare subimages) with type: disk"),
            _ => throw new ArgumentException($"{where}.type: unknown io backend '{type}' (valid: disk)"),
        };
    }

    /// <summary>Decodes <paramref name="path"/> as RGB (or one-channel gray when <paramref name="mode"/> says so).</summary>
    public virtual Image Read(string path, ImageReadMode mode = ImageReadMode.Rgb) => ImageIO.Read(path, mode);
}
