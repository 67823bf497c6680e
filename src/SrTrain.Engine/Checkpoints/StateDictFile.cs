using SrTrain.Torch;
using SrTrain.Torch.Serialization;

namespace SrTrain.Engine.Checkpoints;

/// <summary>Reads the state dict a weights file holds, for every loader (<c>path.pretrain_network_*</c>, resume,
/// <c>srtrain infer</c>, <c>interp</c>): a BasicSR checkpoint's <c>params</c> / <c>params_ema</c> entry, or a
/// flat state dict such as the ESRGAN release files or a <c>.safetensors</c> file.</summary>
public static class StateDictFile
{
    /// <summary>The state dict stored in <paramref name="path"/> (caller-owned tensors). <paramref name="paramKey"/>
    /// names the entry of a BasicSR checkpoint; when the file has no such entry it tries
    /// <paramref name="fallbackKeys"/> in order, then, as BasicSR does, <c>params</c>, and then the file's only
    /// state dict (a flat one such as the ESRGAN release's); <paramref name="note"/> says which was loaded.
    /// null means the file's only state dict. When nothing fits, the error gives the first key's problem.</summary>
    public static Dictionary<string, Tensor> Read(string path, string? paramKey, out string? note, IReadOnlyList<string?>? fallbackKeys = null)
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
            var tried = new List<string?> { paramKey };
            foreach (var fallback in (fallbackKeys ?? []).Append("params").Append(null))
            {
                if (tried.Contains(fallback)) continue;
                tried.Add(fallback);
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
