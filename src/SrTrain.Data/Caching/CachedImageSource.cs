using SrTrain.Data.Datasets;

namespace SrTrain.Data.Caching;

/// <summary><c>io_backend: {type: cache, cache_dir: ~}</c>: images come from the decode-once cache of their
/// dataset root (<see cref="DecodedCache"/>), built when the dataset is created; files outside any attached
/// root are decoded from disk.</summary>
internal sealed class CachedImageSource(string? cacheDir, Action<string> report) : ImageSource
{
    private readonly List<DecodedCache> caches = [];
    private readonly HashSet<string> roots = [];

    public override void Attach(string root, IReadOnlyList<string> files, ImageReadMode mode = ImageReadMode.Rgb)
    {
        var file = DecodedCache.PathFor(root, cacheDir, mode);
        if (!roots.Add(file)) return;
        caches.Add(DecodedCache.OpenOrBuild(root, files, mode, file, report));
    }

    public override StoredImage Open(string path, ImageReadMode mode = ImageReadMode.Rgb)
    {
        if (mode == ImageReadMode.Rgb)
            foreach (var cache in caches)
                if (cache.TryGet(path, out var image)) return image;
        return base.Open(path, mode);
    }
}
