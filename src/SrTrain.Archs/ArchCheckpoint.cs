using SrTrain.Engine.Models;
using SrTrain.Torch;
using SrTrain.Torch.Nn;
using SrTrain.Torch.Serialization;

namespace SrTrain.Archs;

/// <summary>Loads checkpoint weights into an arch the way BasicSR's <c>load_network</c> does, and a little more:
/// strips the <c>module.</c> prefix that DataParallel/DistributedDataParallel checkpoints carry, and lets an arch
/// that is an <see cref="Abstractions.Contracts.ICheckpointKeyAdapter"/> convert foreign layouts (<see cref="RrdbNet"/>: the
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
    /// with param_key and strict). See <see cref="StateDictFile.Read"/> for how <paramref name="paramKey"/> is resolved.</summary>
    public static LoadStateDictResult Load(Module net, string path, string? paramKey = "params", bool strict = true) =>
        Load(net, path, paramKey, strict, out _);

    /// <inheritdoc cref="Load(Module, string, string?, bool)"/>
    /// <remarks><paramref name="note"/> says which entry was loaded and which keys were converted, for the log.</remarks>
    public static LoadStateDictResult Load(Module net, string path, string? paramKey, bool strict, out string? note)
    {
        var state = StateDictFile.Read(path, paramKey, out var keyNote);
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
}
