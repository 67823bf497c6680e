using System.Globalization;
using SrTrain.Archs;
using SrTrain.Tools.Interpolation;   // LabelledGrid keeps its namespace until ScottPlot replaces it
using SrTrain.Data;
using SrTrain.Engine.Checkpoints;
using SrTrain.Tools.Inference;
using SrTrain.Torch;

namespace SrTrain.Tools.Interpolation;

/// <summary>The perception-distortion trade-off of ESRGAN's network interpolation, made visible: each input
/// super-resolved by the network interpolated at every alpha, side by side in one labelled grid per input.</summary>
public static class InterpolationSweep
{
    /// <summary>Alphas from <c>start:step:stop</c> (stop included when the steps land on it, e.g. 0:0.2:1 gives
    /// 0, 0.2, ..., 1) or a comma list (<c>0,0.5,0.8,1</c>). Bad syntax is an error quoting the text.</summary>
    public static IReadOnlyList<double> ParseAlphas(string spec)
    {
        static double Number(string s, string spec) =>
            double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v : throw new ArgumentException($"--sweep '{spec}': '{s}' is not a number (expected start:step:stop, e.g. 0:0.2:1, or a list 0,0.5,1)");
        var parts = spec.Split(':');
        if (parts.Length == 1) return spec.Split(',').Select(s => Number(s, spec)).ToList();
        if (parts.Length != 3) throw new ArgumentException($"--sweep '{spec}': expected start:step:stop, e.g. 0:0.2:1");
        double start = Number(parts[0], spec), step = Number(parts[1], spec), stop = Number(parts[2], spec);
        if (step <= 0 || stop < start) throw new ArgumentException($"--sweep '{spec}': step must be positive and stop >= start");
        int count = (int)Math.Floor((stop - start) / step + 1e-9) + 1;
        if (count > 1000) throw new ArgumentException($"--sweep '{spec}' gives {count} alphas; at most 1000");
        // start + i * step, rounded to 12 digits so 0.6 prints and compares as 0.6, not 0.6000000000000001.
        return Enumerable.Range(0, count).Select(i => Math.Round(start + i * step, 12)).ToList();
    }

    /// <summary>The column label of <paramref name="alpha"/>.</summary>
    public static string Label(double alpha) => "alpha " + alpha.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>For each input, loads the interpolation of <paramref name="a"/> and <paramref name="b"/> at every
    /// alpha into <paramref name="upscaler"/>'s network, upscales, and writes <c>outDir/stem_sweep.png</c>;
    /// returns the grid paths. <paramref name="progress"/> hears each finished grid.</summary>
    public static IReadOnlyList<string> Run(Upscaler upscaler, IReadOnlyDictionary<string, Tensor> a, IReadOnlyDictionary<string, Tensor> b,
                                            IReadOnlyList<double> alphas, IReadOnlyList<string> inputs, string outDir,
                                            string nameA = "A", string nameB = "B", Action<string>? progress = null)
    {
        NetworkInterpolation.CheckCompatible(a, b, nameA, nameB);
        var written = new List<string>();
        foreach (var input in inputs)
        {
            var image = ImageIO.Read(input, ImageReadMode.Unchanged, out _);
            var columns = new List<Image>();
            foreach (var alpha in alphas)
            {
                var state = NetworkInterpolation.Interpolate(a, b, alpha, nameA, nameB);
                try
                {
                    ArchCheckpoint.Load(upscaler.Net, state, strict: true);
                }
                finally
                {
                    foreach (var t in state.Values) t.Dispose();
                }
                columns.Add(upscaler.Upscale(image));
            }
            var path = Path.Combine(outDir, Path.GetFileNameWithoutExtension(input) + "_sweep.png");
            ImageIO.Write(path, LabelledGrid.Compose(columns, alphas.Select(Label).ToList()));
            written.Add(path);
            progress?.Invoke(path);
        }
        return written;
    }
}
