using SrTrain.Data.Caching;

namespace SrTrain.Data.Datasets;

/// <summary>Where a dataset's images come from: BasicSR's <c>io_backend</c>. <c>{type: disk}</c> decodes the
/// file on every read; <c>{type: cache, cache_dir: DIR}</c> decodes each dataset root once into a
/// memory-mapped file (<see cref="DecodedCache"/>: under <c>ROOT/.srtrain_cache/</c> unless <c>cache_dir</c>
/// is given) and crops from memory afterwards. (LMDB is not supported: prepare folders of PNG sub-images instead.)</summary>
public class ImageSource
{
    private static readonly string[] CacheKeys = ["type", "cache_dir"];

    /// <summary>The backend named by an <c>io_backend</c> section (null means disk). Cache messages (its size
    /// before it is built, rebuild reasons, warnings) go to <paramref name="report"/>, or standard error.</summary>
    public static ImageSource FromOptions(IReadOnlyDictionary<string, object?>? ioBackend, string where = "io_backend",
                                          Action<string>? report = null)
    {
        var type = ioBackend is null ? "disk" : ioBackend.TryGetValue("type", out var t) ? t?.ToString() ?? "disk" : "disk";
        switch (type.ToLowerInvariant())
        {
            case "disk":
                return new ImageSource();
            case "cache":
                var unknown = ioBackend!.Keys.FirstOrDefault(k => !CacheKeys.Contains(k));
                if (unknown is not null) throw new ArgumentException($"{where}.{unknown}: unknown key for type cache (valid: {string.Join(", ", CacheKeys)})");
                var dir = ioBackend.TryGetValue("cache_dir", out var d) ? d?.ToString() : null;
                return new CachedImageSource(string.IsNullOrWhiteSpace(dir) ? null : dir, report ?? (m => Console.Error.WriteLine($"srtrain: {m}")));
            case "lmdb":
                throw new NotSupportedException($"{where}.type: lmdb is not supported; use folders of images (srtrain prepare subimages) with type: disk or cache");
            default:
                throw new ArgumentException($"{where}.type: unknown io backend '{type}' (valid: disk, cache)");
        }
    }

    /// <summary>Tells the source which files of <paramref name="root"/> the dataset will read (the cache
    /// backend builds or opens its cache here, when the dataset is created); disk ignores it.</summary>
    public virtual void Attach(string root, IReadOnlyList<string> files, ImageReadMode mode = ImageReadMode.Rgb) { }

    /// <summary>The image of <paramref name="path"/> with its pixels not yet converted to float, so a dataset
    /// converts only the patch it crops; dispose it after cropping.</summary>
    public virtual StoredImage Open(string path, ImageReadMode mode = ImageReadMode.Rgb) => ImageIO.Open(path, mode);

    /// <summary>Decodes <paramref name="path"/> as RGB (or one-channel gray when <paramref name="mode"/> says so).</summary>
    public Image Read(string path, ImageReadMode mode = ImageReadMode.Rgb)
    {
        using var image = Open(path, mode);
        return image.ToImage();
    }
}
