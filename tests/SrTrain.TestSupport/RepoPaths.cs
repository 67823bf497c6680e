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

    /// <summary>This test process's folder of temporary directories, removed when the process exits (a suite leaves
    /// thousands of experiment folders otherwise); SRTRAIN_KEEP_TEST_DIRS=1 keeps it for a look after a failure.</summary>
    private static readonly Lazy<string> ProcessTemp = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"srtrain-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        if (Environment.GetEnvironmentVariable("SRTRAIN_KEEP_TEST_DIRS") != "1")
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { Directory.Delete(dir, recursive: true); }
                catch (IOException) { }   // a file still open: the OS's temp clean-up takes the rest
                catch (UnauthorizedAccessException) { }
            };
        return dir;
    });

    /// <summary>A fresh empty temporary directory inside this process's test folder (removed at exit).</summary>
    public static string NewTempDir(string prefix = "srtrain-test")
    {
        var dir = Path.Combine(ProcessTemp.Value, $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
