using SrTrain.Archs;
using SrTrain.Engine.Checkpoints;
using SrTrain.Torch;
using SrTrain.Torch.Serialization;

namespace SrTrain.Tools.Interpolation;

/// <summary>ESRGAN's network interpolation (Wang et al., 2018, §3.4, eq. 7): theta = (1 - alpha) theta_PSNR +
/// alpha theta_GAN over every parameter and buffer, a smooth knob between the PSNR-oriented and the GAN
/// network (BasicSR: scripts/... net_interp). Checkpoints are compared after the same key normalisation the
/// loader applies (<c>module.</c> prefix stripped, ESRGAN release layouts renamed), so a release file and a
/// BasicSR file of the same arch interpolate.</summary>
public static class NetworkInterpolation
{
    /// <summary>The state dict of <paramref name="path"/> (entry <paramref name="paramKey"/> with the loader's
    /// fallbacks), keys normalised; caller-owned tensors. <paramref name="log"/> hears what was converted.</summary>
    public static Dictionary<string, Tensor> Read(string path, string? paramKey, Action<string>? log = null)
    {
        var state = StateDictFile.Read(path, paramKey, out var note);
        if (note is not null) log?.Invoke(note);
        try
        {
            Dictionary<string, Tensor> result;
            try
            {
                result = CheckpointKeys.StripDataParallelPrefix(state, out _);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }
            // No network is built here (either file may name the arch), so the release layouts are detected on
            // the state alone rather than through RRDBNet's ICheckpointKeyAdapter.
            if (EsrganReleaseLayout.Detect(result) is var layout and not EsrganReleaseLayout.Layout.BasicSR)
            {
                result = EsrganReleaseLayout.ToBasicSR(result);
                log?.Invoke($"{path}: converted the ESRGAN {layout} key layout to RRDBNet's");
            }
            return result;
        }
        catch
        {
            foreach (var t in state.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>Throws an <see cref="InvalidDataException"/> listing every key only one side has and every
    /// key whose shape or dtype differs, naming the two files.</summary>
    public static void CheckCompatible(IReadOnlyDictionary<string, Tensor> a, IReadOnlyDictionary<string, Tensor> b,
                                       string nameA = "A", string nameB = "B")
    {
        var onlyA = a.Keys.Where(k => !b.ContainsKey(k)).ToList();
        var onlyB = b.Keys.Where(k => !a.ContainsKey(k)).ToList();
        var shapes = a.Where(p => b.TryGetValue(p.Key, out var t) && (!p.Value.Shape.SequenceEqual(t.Shape) || p.Value.DType != t.DType))
                      .Select(p => $"{p.Key} [{string.Join(", ", p.Value.Shape)}] {p.Value.DType} vs [{string.Join(", ", b[p.Key].Shape)}] {b[p.Key].DType}")
                      .ToList();
        if (onlyA.Count + onlyB.Count + shapes.Count == 0) return;
        static string List(List<string> items) => string.Join(", ", items.Take(8)) + (items.Count > 8 ? $", ... ({items.Count} in all)" : "");
        var parts = new List<string>();
        if (onlyA.Count > 0) parts.Add($"only in {nameA}: {List(onlyA)}");
        if (onlyB.Count > 0) parts.Add($"only in {nameB}: {List(onlyB)}");
        if (shapes.Count > 0) parts.Add($"shape/dtype differs: {List(shapes)}");
        throw new InvalidDataException($"cannot interpolate {nameA} and {nameB}, the networks differ: {string.Join("; ", parts)}");
    }

    /// <summary>(1 - alpha) a + alpha b for every floating-point tensor, in its own dtype (in A's key order);
    /// integer buffers (e.g. BatchNorm's num_batches_tracked) are taken from the nearer network. alpha 0
    /// and 1 return exact copies of a and b. Caller-owned result.</summary>
    public static Dictionary<string, Tensor> Interpolate(IReadOnlyDictionary<string, Tensor> a, IReadOnlyDictionary<string, Tensor> b,
                                                         double alpha, string nameA = "A", string nameB = "B")
    {
        if (!double.IsFinite(alpha)) throw new ArgumentException($"--alpha must be a finite number, got {alpha}");
        CheckCompatible(a, b, nameA, nameB);
        var result = new Dictionary<string, Tensor>();
        using var scope = LibTorch.NewDisposeScope();
        using var noGrad = LibTorch.NoGrad();
        foreach (var (key, ta) in a)
        {
            var tb = b[key];
            Tensor t;
            if (alpha == 0 || (!ta.DType.IsFloatingPoint() && alpha < 0.5)) t = ta.Clone();
            else if (alpha == 1 || !ta.DType.IsFloatingPoint()) t = tb.Clone();
            else t = ta * (1 - alpha) + tb * alpha;   // ESRGAN eq. 7
            result[key] = t.MoveToOuterScope();
        }
        return result;
    }

    /// <summary>Writes <paramref name="state"/> as a BasicSR checkpoint (<c>{'params': state}</c>) that
    /// <c>srtrain infer</c>, BasicSR and Python's <c>torch.load</c> read.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> state)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        PthFile.Save(path, new Dictionary<string, object?> { ["params"] = state.ToDictionary(p => p.Key, p => p.Value) });
    }
}
