using System.Text.Json;

namespace SrTrain.Engine.Metrics;

/// <summary>NIQE's pristine-image model: mean (36) and covariance (36x36) of the multivariate Gaussian of the
/// 36 features on pristine patches, and the 7x7 Gaussian window (sigma 7/6) of the local mean and variance.
/// Loaded from the embedded niqe_pristine_model.json (origin: see niqe_pristine_model.md next to it).</summary>
public sealed class NiqePristineModel
{
    private NiqePristineModel(double[] mu, double[] cov, double[] window) => (Mu, Cov, Window) = (mu, cov, window);

    /// <summary>The 36 feature means.</summary>
    public double[] Mu { get; }

    /// <summary>The 36x36 covariance, row-major.</summary>
    public double[] Cov { get; }

    /// <summary>The 7x7 window, row-major.</summary>
    public double[] Window { get; }

    public const int WindowSize = 7;

    /// <summary>The model MATLAB's niqe() and BasicSR ship (niqe_pris_params).</summary>
    public static NiqePristineModel Default => Lazy.Value;

    private static readonly Lazy<NiqePristineModel> Lazy = new(Load);

    private static NiqePristineModel Load()
    {
        const string name = "SrTrain.Engine.Metrics.niqe_pristine_model.json";
        using var stream = typeof(NiqePristineModel).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from {typeof(NiqePristineModel).Assembly.GetName().Name}");
        using var doc = JsonDocument.Parse(stream);
        var root = doc.RootElement;
        var mu = Flatten(root.GetProperty("mu_pris_param"));
        var cov = Flatten(root.GetProperty("cov_pris_param"));
        var window = Flatten(root.GetProperty("gaussian_window"));
        if (mu.Length != 36 || cov.Length != 36 * 36 || window.Length != WindowSize * WindowSize)
            throw new InvalidDataException($"{name}: expected mu 1x36, cov 36x36, window 7x7; got {mu.Length}, {cov.Length}, {window.Length} values");
        return new NiqePristineModel(mu, cov, window);
    }

    private static double[] Flatten(JsonElement e)
    {
        var values = new List<double>();
        void Walk(JsonElement x)
        {
            if (x.ValueKind == JsonValueKind.Array) foreach (var item in x.EnumerateArray()) Walk(item);
            else values.Add(x.GetDouble());
        }
        Walk(e);
        return values.ToArray();
    }
}
