using SrTrain.Torch;
using SrTrain.Torch.Nn;
using SrTrain.Torch.Serialization;

namespace SrTrain.Engine.Checkpoints;

/// <summary>What loading one weights file into a network did: the keys that did not match (non-strict loading),
/// which entry of the file was loaded (<see cref="Entry"/>, null when it was the one asked for) and which key
/// layout was converted (<see cref="Conversion"/>, null when none was).</summary>
public sealed record CheckpointLoadReport(LoadStateDictResult Keys, string? Entry, string? Conversion)
{
    /// <summary>Entry and conversion notes in one line for the log; null when there is nothing to say.</summary>
    public string? Note => string.Join("; ", new[] { Entry, Conversion }.Where(n => n is not null)) is { Length: > 0 } n ? n : null;

    /// <summary>Keys of a non-strict load that were skipped because their shapes differ (BasicSR's <c>.ignore</c>
    /// keys): e.g. an x2 network's upsampler loaded into an x3 one.</summary>
    public IReadOnlyList<KeyShapes> ShapeMismatches { get; init; } = [];

    /// <summary>What a non-strict load left out, one line per kind (empty when everything matched): the keys
    /// skipped for their shape, the network's keys the checkpoint lacks, the checkpoint's keys the network lacks.</summary>
    public IReadOnlyList<string> KeyLines(int loaded)
    {
        var lines = new List<string>();
        if (ShapeMismatches.Count > 0)
            lines.Add($"skipped {ShapeMismatches.Count} key(s) whose shape differs (kept the network's initial values): " +
                      string.Join(", ", ShapeMismatches.Select(k => $"{k.Key} {Format(k.Checkpoint)} in the checkpoint, {Format(k.Network)} in the network")));
        var missing = Keys.MissingKeys.Except(ShapeMismatches.Select(k => k.Key)).ToList();
        if (missing.Count > 0) lines.Add($"not in the checkpoint ({missing.Count}, kept the network's initial values): {string.Join(", ", missing.Select(k => NetworkShape(k)))}");
        if (Keys.UnexpectedKeys.Count > 0) lines.Add($"not in the network ({Keys.UnexpectedKeys.Count}, ignored): {string.Join(", ", Keys.UnexpectedKeys)}");
        if (lines.Count > 0) lines.Insert(0, $"loaded {loaded} key(s) non-strictly");
        return lines;
    }

    /// <summary>Shapes of the network's keys, for naming missing keys with their shapes.</summary>
    public IReadOnlyDictionary<string, long[]> NetworkShapes { get; init; } = new Dictionary<string, long[]>();

    private string NetworkShape(string key) => NetworkShapes.TryGetValue(key, out var s) ? $"{key} {Format(s)}" : key;

    private static string Format(long[] shape) => $"[{string.Join(", ", shape)}]";
}

/// <summary>A key whose tensor has one shape in the checkpoint and another in the network.</summary>
public sealed record KeyShapes(string Key, long[] Checkpoint, long[] Network);

/// <summary>Loads checkpoint weights into a network the way BasicSR's <c>load_network</c> does, and a little more,
/// for every loader (<c>path.pretrain_network_*</c>, resume, <c>srtrain infer</c>, <c>test</c>, <c>interp</c>): reads the
/// file (<see cref="StateDictFile"/>: BasicSR <c>params</c>/<c>params_ema</c>, bare, ESRGAN release, .safetensors),
/// strips the <c>module.</c> prefix that DataParallel/DistributedDataParallel checkpoints carry, and lets an arch that
/// is an <see cref="Abstractions.Contracts.ICheckpointKeyAdapter"/> convert foreign layouts (RRDBNet: the ESRGAN
/// release's), through <see cref="CheckpointKeys"/>.</summary>
public static class ArchCheckpoint
{
    /// <summary>The state re-keyed for <paramref name="net"/> (<see cref="CheckpointKeys.ForNetwork"/>);
    /// <paramref name="note"/> says what was changed (null when nothing was), for the log.</summary>
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
        try
        {
            var report = LoadFile(net, path, paramKey, strict);
            note = report.Note;
            return report.Keys;
        }
        catch (StateDictMismatchException e)
        {
            throw new InvalidDataException($"{path}{(paramKey is null ? "" : $" ['{paramKey}']")}: {e.Message}", e);
        }
    }

    /// <summary>The one path from a weights file into a network: reads the entry <paramref name="paramKey"/> (then
    /// <paramref name="fallbackKeys"/>, <c>params</c>, the file's only state dict), converts its keys and loads them.
    /// A key layout that cannot be converted is an <see cref="ArgumentException"/>, a mismatch with
    /// <paramref name="strict"/> a <see cref="StateDictMismatchException"/>; without it, keys whose shapes differ are
    /// skipped and reported (<see cref="CheckpointLoadReport.ShapeMismatches"/>). The file's tensors are freed either way.</summary>
    public static CheckpointLoadReport LoadFile(Module net, string path, string? paramKey, bool strict, IReadOnlyList<string?>? fallbackKeys = null)
    {
        var state = StateDictFile.Read(path, paramKey, out var entryNote, fallbackKeys);
        try
        {
            var converted = ConvertKeys(net, state, out var keysNote);
            var own = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Shape.ToArray());
            // Non-strict, BasicSR skips keys whose shapes differ (renames them '.ignore') instead of failing: that is
            // what lets an x2 model initialise an x3/x4 one (EDSR paper, section 4.2) with only the upsampler new.
            var mismatched = strict ? [] : converted
                .Where(kv => own.TryGetValue(kv.Key, out var shape) && !shape.SequenceEqual(kv.Value.Shape))
                .Select(kv => new KeyShapes(kv.Key, kv.Value.Shape.ToArray(), own[kv.Key])).ToList();
            foreach (var k in mismatched) converted.Remove(k.Key);
            return new CheckpointLoadReport(net.LoadStateDict(converted, strict), entryNote, keysNote)
            {
                ShapeMismatches = mismatched,
                NetworkShapes = own,
            };
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }
}
