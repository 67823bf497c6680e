using SrTrain.Engine.Logging;
using SrTrain.Tools.Reporting;

namespace SrTrain.Tools.Tests.Reporting;

public class ScalarCurvesTests
{
    [Fact]
    public void ReadsTheLossColumnsOfTheTrainersCsvLog()
    {
        var dir = RepoPaths.NewTempDir("scalar-curves");
        using (var log = CsvScalarLog.InDirectory(dir))
        {
            log.Log(10, 0, 1e-3, new Dictionary<string, double> { ["l_pix"] = 0.5 });
            log.Log(20, 0, 1e-3, new Dictionary<string, double> { ["l_pix"] = 0.25, ["l_g_gan"] = 2.0 });
            log.Log(20, 0, 1e-3, new Dictionary<string, double> { ["metrics/val/psnr"] = 25.0 });
            log.Log(30, 1, 1e-3, new Dictionary<string, double> { ["l_pix"] = double.NaN });
        }
        var curves = ScalarCurves.ReadLosses(Path.Combine(dir, CsvScalarLog.DefaultFileName));
        Assert.Equal(["l_pix", "l_g_gan"], curves.Keys.OrderByDescending(k => k.Length == 5));
        Assert.Equal([(10.0, 0.5), (20.0, 0.25)], curves["l_pix"].Take(2));
        Assert.True(double.IsNaN(curves["l_pix"][2].Value), "a diverged loss is kept as NaN (the plot breaks the curve there)");
        Assert.Equal([(20.0, 2.0)], curves["l_g_gan"]);
    }

    [Fact]
    public void MissingLogIsAnErrorNamingTheFile()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ScalarCurves.ReadLosses("/nonexistent/scalars.csv"));
        Assert.Contains("/nonexistent/scalars.csv", e.Message);
    }
}
