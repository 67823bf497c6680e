namespace SrTrain.TestSupport;

/// <summary>Locations inside the repository, found from the test binary by walking up to SrTrain.sln.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SrTrain.sln"))) return dir.FullName;
        throw new InvalidOperationException($"SrTrain.sln not found above {AppContext.BaseDirectory}");
    });

    /// <summary>The repository root.</summary>
    public static string Root => RootPath.Value;

    /// <summary>A path under tests/fixtures.</summary>
    public static string Fixture(string relative) => Path.Combine(Root, "tests", "fixtures", relative);

    /// <summary>A fresh empty temporary directory (deleted by the caller or left to the OS).</summary>
    public static string NewTempDir(string prefix = "srtrain-test")
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
