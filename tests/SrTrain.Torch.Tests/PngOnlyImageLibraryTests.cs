using System.Diagnostics;

namespace SrTrain.Torch.Tests;

/// <summary>The PNG-only build of the image library (CMake SRTRAIN_IMAGE_OPENCV=OFF, what the GPU check kit carries) decodes
/// every PNG fixture (8/16-bit, gray, gray+alpha, palette, tRNS, interlaced, EXIF) to the same stored values as the OpenCV
/// build in every read mode, writes PNGs the OpenCV build reads back exactly, and refuses other formats naming the build
/// (scripts/gpu-check/png_only_check.py through the libraries' C exports).</summary>
public class PngOnlyImageLibraryTests
{
    [Fact]
    public void PngOnlyBuildAgreesWithTheOpenCvBuild()
    {
        var build = RepoPaths.NewTempDir("srimage-png-only");
        Run("cmake", "-S", Path.Combine(RepoPaths.Root, "src", "SrTrain.Torch", "native"), "-B", build, "-DCMAKE_BUILD_TYPE=Release",
            "-DSRTRAIN_BUILD_TORCH=OFF", "-DSRTRAIN_IMAGE_OPENCV=OFF");
        Run("cmake", "--build", build, "-j2");
        var fixtures = Directory.GetFiles(RepoPaths.Fixture("images")).Order().ToArray();
        var output = Run(PythonReference.Interpreter, [Path.Combine(RepoPaths.Root, "scripts", "gpu-check", "png_only_check.py"),
                         Path.Combine(AppContext.BaseDirectory, "libsrimage.so"), Path.Combine(build, "libsrimage.so"), .. fixtures]);
        Assert.Contains("3 encodes, OK", output);
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }
}
