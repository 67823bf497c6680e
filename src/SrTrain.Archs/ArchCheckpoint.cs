using SrTrain.Core.Models;
using SrTrain.Torch;
using SrTrain.Torch.Nn;
using SrTrain.Torch.Serialization;

namespace SrTrain.Archs;

/// <summary>Loads checkpoint weights into an arch the way BasicSR's <c>load_network</c> does, and a little more:
/// strips the <c>module.</c> prefix that DataParallel/DistributedDataParallel checkpoints carry, and lets an arch
/// that is an <see cref="Core.Contracts.ICheckpointKeyAdapter"/> convert foreign layouts (<see cref="RrdbNet"/>: the
/// ESRGAN release's, <see cref="EsrganReleaseLayout"/>), through the same <see cref="CheckpointKeys"/> the
/// training engine uses.</summary>
public static class ArchCheckpoint
{
    /// <summary>The state re-keyed for <paramref name="net"/> by the engine's own normalisation
    /// (<see cref="CheckpointKeys.ForNetwork"/>); <paramref name="note"/> says what was changed (null when
    /// nothing was), for the log.</summary>
    public static Dictionary<string, Tensor> ConvertKeys(Module net, IReadOnlyDictionary<string, Tensor> state, out string? note) =>
        CheckpointKeys.ForNetwork(net, state, out note);

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

    /// <summary>Loads the checkpoint at <paramref name="path"/> into <paramref name="net"/> (BasicSR: load_network
    /// with param_key and strict). See <see cref="ReadStateDict"/> for how <paramref name="paramKey"/> is resolved.</summary>
    public static LoadStateDictResult Load(Module net, string path, string? paramKey = "params", bool strict = true) =>
        Load(net, path, paramKey, strict, out _);

    /// <inheritdoc cref="Load(Module, string, string?, bool)"/>
    /// <remarks><paramref name="note"/> says which entry was loaded and which keys were converted, for the log.</remarks>
    public static LoadStateDictResult Load(Module net, string path, string? paramKey, bool strict, out string? note)
    {
        var state = ReadStateDict(path, paramKey, out var keyNote);
        try
        {
            var result = Load(net, state, strict, out var keysNote);
            note = string.Join("; ", new[] { keyNote, keysNote }.Where(n => n is not null)) is { Length: > 0 } n ? n : null;
            return result;
        }
        catch (StateDictMismatchException e)
        {
            throw new InvalidDataException($"{path}{(paramKey is null ? "" : $" ['{paramKey}']")}: {e.Message}", e);
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    /// <summary>The state dict stored in <paramref name="path"/> (caller-owned tensors). <paramref name="paramKey"/>
    /// names the entry of a BasicSR checkpoint (<c>params</c> or <c>params_ema</c>); when the file has no such
    /// entry it falls back, as BasicSR does, to <c>params</c>, and then to the file's only state dict (a flat
    /// one such as the ESRGAN release's); <paramref name="note"/> says so. When nothing fits, the error lists
    /// the file's top-level keys. null means the file's only state dict.</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path, string? paramKey, out string? note)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint {path} does not exist", path);
        note = null;
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            if (paramKey is not null) note = $"{path} is a flat .safetensors state dict; param key '{paramKey}' does not apply";
            return PthFile.LoadStateDict(path);
        }
        if (paramKey is null) return PthFile.LoadStateDict(path);
        try
        {
            return PthFile.LoadStateDict(path, paramKey);
        }
        catch (CheckpointFormatException first)
        {
            // Re-reading happens only on this fallback path; the common case reads the file once.
            foreach (var fallback in paramKey == "params" ? new string?[] { null } : ["params", null])
            {
                try
                {
                    var state = PthFile.LoadStateDict(path, fallback);
                    note = $"{path} has no '{paramKey}' entry; loaded " + (fallback is null ? "its only state dict" : $"'{fallback}' instead");
                    return state;
                }
                catch (CheckpointFormatException) { }
            }
            throw new CheckpointFormatException(path, $"cannot load param key '{paramKey}' or fall back to another state dict ({first.Message})", first);
        }
    }
}
