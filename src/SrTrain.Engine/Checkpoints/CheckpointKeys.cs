using SrTrain.Abstractions.Contracts;
using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Engine.Checkpoints;

/// <summary>The one key normalisation between a checkpoint file and a network, shared by the engine
/// (<see cref="Models.TrainingModel"/>: pretrain_network_*, resume) and <see cref="ArchCheckpoint"/>
/// (<c>srtrain infer</c>, <c>interp</c>): strip the <c>module.</c> prefix that DataParallel and
/// DistributedDataParallel checkpoints carry, then let an <see cref="ICheckpointKeyAdapter"/> arch rename a
/// foreign layout to its own keys.</summary>
public static class CheckpointKeys
{
    /// <summary>The state re-keyed for <paramref name="net"/> (the same tensors; the caller keeps owning them).
    /// <paramref name="note"/> says what was changed, null when nothing was. A key present both with and
    /// without the prefix is an <see cref="ArgumentException"/> naming both.</summary>
    public static Dictionary<string, Tensor> ForNetwork(Module net, IReadOnlyDictionary<string, Tensor> state, out string? note)
    {
        var notes = new List<string>();
        var result = StripDataParallelPrefix(state, out int stripped);
        if (stripped > 0) notes.Add($"stripped the 'module.' prefix from {stripped} keys");
        if (net is ICheckpointKeyAdapter adapter)
        {
            var adapted = adapter.AdaptCheckpointKeys(result, out var conversion);
            if (conversion is not null)
            {
                result = adapted as Dictionary<string, Tensor> ?? adapted.ToDictionary(p => p.Key, p => p.Value);
                notes.Add(conversion);
            }
        }
        note = notes.Count == 0 ? null : string.Join("; ", notes);
        return result;
    }

    /// <summary>The state with a leading <c>module.</c> removed from each key that has one; <paramref name="stripped"/>
    /// counts them.</summary>
    public static Dictionary<string, Tensor> StripDataParallelPrefix(IReadOnlyDictionary<string, Tensor> state, out int stripped)
    {
        const string Prefix = "module.";
        var result = new Dictionary<string, Tensor>();
        stripped = 0;
        foreach (var (key, tensor) in state)
        {
            var name = key.StartsWith(Prefix, StringComparison.Ordinal) ? key[Prefix.Length..] : key;
            if (name.Length != key.Length) stripped++;
            if (!result.TryAdd(name, tensor))
                throw new ArgumentException($"checkpoint has both '{Prefix}{name}' and '{name}': cannot strip the DataParallel '{Prefix}' prefix");
        }
        return result;
    }
}
