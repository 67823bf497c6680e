namespace SrTrain.Torch.Serialization;

/// <summary>Reads what Python's <c>torch.save</c> wrote (zip format and the legacy format of
/// PyTorch &lt; 1.6, e.g. the original ESRGAN release) and writes files that
/// <c>torch.load(p, weights_only=True)</c> reads. Only data is read — dicts, lists, tuples, ints,
/// floats, strings, bools, None and tensors — never code, so an unknown pickle global is an error.
/// <para>Ownership: tensors returned by the loaders belong to no dispose scope; the caller disposes
/// them (<see cref="DisposeTensors"/> frees a whole tree). They are CPU tensors whatever device
/// they were saved from; tensors that shared a storage when saved share one after loading.</para></summary>
public static class PthFile
{
    /// <summary>The object tree of a checkpoint: dicts as <c>OrderedDictionary&lt;object, object?&gt;</c>
    /// (keys string or long), lists as <c>List&lt;object?&gt;</c>, tuples (and torch.Size) as
    /// <c>object?[]</c>, tensors (also nn.Parameter) as <see cref="Tensor"/>, ints as long
    /// (<see cref="System.Numerics.BigInteger"/> beyond 64 bits), floats as double, str as string,
    /// bool, None as null. A state dict's <c>_metadata</c> attribute is not kept.</summary>
    public static object? Load(string path)
    {
        using var scope = LibTorch.NewDisposeScope(); // frees the storage tensors; the views leave it
        return PthReader.Read(path);
    }

    /// <summary>The state dict in a checkpoint (<c>.pth</c> / <c>.pt</c> / <c>.ckpt</c> or, by its extension,
    /// <c>.safetensors</c>), in file order. <paramref name="paramKey"/> picks an entry of the top-level dict
    /// (BasicSR: "params" or "params_ema"); without it, a top-level dict of tensors is used as is, or
    /// else its only entry that is a dict of tensors. Any other layout is an error listing the
    /// top-level keys. Tensors not returned are freed; the caller disposes the returned ones.</summary>
    public static Dictionary<string, Tensor> LoadStateDict(string path, string? paramKey = null)
    {
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            if (paramKey is not null)
                throw new ArgumentException($"{path}: a .safetensors file holds one flat state dict; param key '{paramKey}' does not apply");
            return Safetensors.Load(path);
        }
        var tree = Load(path);
        try
        {
            return StateDictSelector.Select(tree, paramKey, path);
        }
        catch
        {
            DisposeTensors(tree);
            throw;
        }
    }

    /// <summary>Saves <paramref name="tree"/> in PyTorch's zip format, atomically (temporary file,
    /// then rename). Accepted values: <see cref="Tensor"/>, dictionaries (string or integer keys), lists,
    /// <c>object?[]</c> (saved as tuples), strings, integers, floats, bools and null. A dictionary of
    /// tensors (e.g. <c>Module.StateDict()</c>) is saved as a <c>collections.OrderedDict</c>, so
    /// <c>model.load_state_dict(torch.load(p, weights_only=True))</c> works in Python. PyTorch 1.13's
    /// weights_only loader has no float opcode: files holding float values (not tensors) need plain
    /// <c>torch.load</c> there (newer PyTorch reads them either way).</summary>
    public static void Save(string path, object? tree)
    {
        using var scope = LibTorch.NewDisposeScope(); // frees the CPU copies of GPU storages
        try
        {
            PthWriter.Write(path, tree);
        }
        catch (NotSupportedException e)
        {
            throw new CheckpointFormatException(path, $"cannot save: {e.Message}", e);
        }
    }

    /// <summary>Disposes every tensor in a tree returned by <see cref="Load"/> (or any nesting of
    /// dictionaries, lists and arrays).</summary>
    public static void DisposeTensors(object? tree) => TensorTree.DisposeAll(tree);
}
