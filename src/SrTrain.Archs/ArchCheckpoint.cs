using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Archs;

/// <summary>Loads checkpoint weights into an arch the way BasicSR's <c>load_network</c> does, and a little more:
/// strips the <c>module.</c> prefix that DataParallel/DistributedDataParallel checkpoints carry, and converts
/// the ESRGAN release's key layouts (<see cref="EsrganReleaseLayout"/>) when loading into <see cref="RrdbNet"/>.</summary>
public static class ArchCheckpoint
{
    /// <summary>The state re-keyed for <paramref name="net"/>; <paramref name="note"/> says what was changed
    /// (null when nothing was), for the log.</summary>
    public static Dictionary<string, Tensor> ConvertKeys(Module net, IReadOnlyDictionary<string, Tensor> state, out string? note)
    {
        var notes = new List<string>();
        var result = new Dictionary<string, Tensor>();
        int stripped = 0;
        foreach (var (key, tensor) in state)
        {
            var name = key.StartsWith("module.", StringComparison.Ordinal) ? key["module.".Length..] : key;
            if (name.Length != key.Length) stripped++;
            if (!result.TryAdd(name, tensor))
                throw new ArgumentException($"checkpoint has both '{key}' and '{name}': cannot strip the DataParallel 'module.' prefix");
        }
        if (stripped > 0) notes.Add($"stripped the 'module.' prefix from {stripped} keys");
        if (net is RrdbNet && EsrganReleaseLayout.Detect(result) is var layout and not EsrganReleaseLayout.Layout.BasicSR)
        {
            result = EsrganReleaseLayout.ToBasicSR(result);
            notes.Add($"converted the ESRGAN {layout} key layout to RRDBNet's");
        }
        note = notes.Count == 0 ? null : string.Join("; ", notes);
        return result;
    }

    /// <summary>Copies <paramref name="state"/> into <paramref name="net"/> after <see cref="ConvertKeys"/>. With
    /// <paramref name="strict"/> every key must match; a shape mismatch is always an error. The exception
    /// names the missing, unexpected and mis-shaped keys.</summary>
    public static LoadStateDictResult Load(Module net, IReadOnlyDictionary<string, Tensor> state, bool strict = true) =>
        Load(net, state, strict, out _);

    /// <inheritdoc cref="Load(Module, IReadOnlyDictionary{string, Tensor}, bool)"/>
    public static LoadStateDictResult Load(Module net, IReadOnlyDictionary<string, Tensor> state, bool strict, out string? note)
    {
        var converted = ConvertKeys(net, state, out note);
        return net.LoadStateDict(converted, strict);
    }
}
