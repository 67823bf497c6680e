namespace SrTrain.Torch.Serialization;

/// <summary>The globals a PyTorch checkpoint may name, and what each becomes: the same allow-list
/// idea as Python's <c>torch.load(weights_only=True)</c>. Tensors become <see cref="PendingTensor"/>s
/// and storages <see cref="StorageRef"/>s; the caller reads the storage bytes afterwards.</summary>
internal sealed class TorchPickleHost : IPickleHost
{
    private static readonly Dictionary<string, DType> StorageTypes = new()
    {
        ["FloatStorage"] = DType.Float32,
        ["DoubleStorage"] = DType.Float64,
        ["HalfStorage"] = DType.Float16,
        ["BFloat16Storage"] = DType.BFloat16,
        ["LongStorage"] = DType.Int64,
        ["IntStorage"] = DType.Int32,
        ["ShortStorage"] = DType.Int16,
        ["CharStorage"] = DType.Int8,
        ["ByteStorage"] = DType.UInt8,
        ["BoolStorage"] = DType.Bool,
        ["UntypedStorage"] = DType.UInt8,
    };

    private static readonly Dictionary<string, DType> DTypes = new()
    {
        ["float32"] = DType.Float32, ["float"] = DType.Float32, ["float64"] = DType.Float64, ["double"] = DType.Float64,
        ["float16"] = DType.Float16, ["half"] = DType.Float16, ["bfloat16"] = DType.BFloat16, ["int64"] = DType.Int64,
        ["long"] = DType.Int64, ["int32"] = DType.Int32, ["int"] = DType.Int32, ["int16"] = DType.Int16,
        ["int8"] = DType.Int8, ["uint8"] = DType.UInt8, ["bool"] = DType.Bool,
    };

    private static readonly HashSet<string> Callables =
    [
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "torch.Size",
        "torch.device",
        "_codecs.encode",
        "builtins.set",
        "__builtin__.set",
        "builtins.frozenset",
        "__builtin__.frozenset",
    ];

    /// <summary>Every storage the pickle referred to, by key, in first-use order.</summary>
    public Dictionary<string, StorageRef> Storages { get; } = [];

    public object ResolveGlobal(string module, string name)
    {
        var full = $"{module}.{name}";
        if (Callables.Contains(full)) return new PickleGlobal(module, name);
        if ((module == "torch" || module == "torch.cuda" || module == "torch.storage") && StorageTypes.ContainsKey(name))
            return new PickleGlobal(module, name);
        if (module == "torch" && DTypes.TryGetValue(name, out var dtype)) return dtype;
        throw new NotSupportedException(
            $"unsupported pickle global '{full}': only state dicts, tensors and plain Python containers/values are read " +
            "(a whole pickled nn.Module or a custom class cannot be); in Python, re-save with " +
            "torch.save(model.state_dict(), path) or convert the object to plain values first");
    }

    public object? Call(object callable, object?[] args)
    {
        var g = callable as PickleGlobal ?? throw new NotSupportedException($"calling a {callable.GetType().Name}");
        switch (g.FullName)
        {
            case "collections.OrderedDict":
            {
                var d = new OrderedDictionary<object, object?>();
                if (args.Length > 0 && args[0] is System.Collections.IEnumerable pairs)
                    foreach (var pair in pairs)
                        if (pair is object?[] { Length: 2 } kv) d[kv[0]!] = kv[1];
                return d;
            }
            case "torch._utils._rebuild_tensor_v2":
            case "torch._utils._rebuild_tensor":
            {
                if (args.Length < 4) throw new InvalidDataException($"{g} takes at least 4 arguments, got {args.Length}");
                var storage = args[0] as StorageRef ?? throw new InvalidDataException($"{g}: first argument is not a storage");
                bool requiresGrad = args.Length > 4 && args[4] is true;
                return new PendingTensor(storage, AsLong(args[1]), Longs(args[2]), Longs(args[3]), requiresGrad);
            }
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
            {
                var data = args.Length > 0 ? args[0] as PendingTensor : null;
                if (data is null) throw new InvalidDataException($"{g}: first argument is not a tensor");
                return data with { RequiresGrad = args.Length > 1 && args[1] is true };
            }
            case "torch.Size":
                return args.Length == 0 ? Array.Empty<object?>() : Longs(args[0]).Select(v => (object?)v).ToArray();
            case "torch.device":
                return args.Length switch
                {
                    1 => args[0] switch { string s => s, long i => $"cuda:{i}", var o => throw new InvalidDataException($"torch.device({o})") },
                    2 => $"{args[0]}:{args[1]}",
                    _ => throw new InvalidDataException($"torch.device with {args.Length} arguments"),
                };
            case "_codecs.encode":
                // Protocol 2 spells a bytes object as _codecs.encode(latin-1 text, 'latin1').
                return System.Text.Encoding.Latin1.GetBytes(args[0] as string ?? "");
            case "builtins.set" or "__builtin__.set" or "builtins.frozenset" or "__builtin__.frozenset":
                return args.Length == 0 ? new HashSet<object?>() : new HashSet<object?>(((System.Collections.IEnumerable)args[0]!).Cast<object?>());
            default:
                throw new NotSupportedException($"'{g}' is a type, not a function a checkpoint may call");
        }
    }

    public void Build(object? target, object? state)
    {
        // A state dict's OrderedDict carries `_metadata` (module versions) and a Parameter may carry
        // attributes; neither changes the tensor values, so the state is dropped.
        if (target is OrderedDictionary<object, object?> or PendingTensor) return;
        throw new NotSupportedException($"BUILD (setting the state of an object) on a {target?.GetType().Name ?? "None"}");
    }

    public object? PersistentLoad(object? pid)
    {
        // zip: ('storage', storage_type, key, location, numel)
        // legacy: ('storage', storage_type, root_key, location, numel, view_metadata)
        if (pid is not object?[] { Length: >= 5 } t || t[0] is not string kind)
            throw new InvalidDataException($"unsupported persistent id {Describe(pid)}");
        if (kind != "storage")
            throw new NotSupportedException(kind == "module"
                ? "the checkpoint pickles a whole nn.Module; save model.state_dict() instead"
                : $"unsupported persistent id kind '{kind}'");
        var type = t[1] as PickleGlobal ?? throw new InvalidDataException($"storage type {Describe(t[1])} is not a global");
        if (!StorageTypes.TryGetValue(type.Name, out var dtype))
            throw new NotSupportedException($"unsupported storage type '{type}'");
        var key = t[2]?.ToString() ?? throw new InvalidDataException("storage without a key");
        long numel = AsLong(t[4]);
        if (numel < 0) throw new InvalidDataException($"storage '{key}' has negative size {numel}");
        var root = new StorageRef(key, dtype, numel);
        if (Storages.TryGetValue(key, out var known))
        {
            if (known.DType != dtype || known.NumEl != numel)
                throw new InvalidDataException($"storage '{key}' is named as {known.DType}[{known.NumEl}] and as {dtype}[{numel}]");
        }
        else Storages[key] = root;

        if (t.Length > 5 && t[5] is object?[] { Length: 3 } view)
        {
            // Legacy storage view (PyTorch < 1.0): elements [offset, offset + size) of the root storage.
            long offset = AsLong(view[1]), size = AsLong(view[2]);
            if (offset < 0 || size < 0 || offset + size > numel)
                throw new InvalidDataException($"storage view [{offset}, {offset + size}) outside storage '{key}' of {numel} elements");
            return root with { ElementOffset = offset, NumEl = size };
        }
        return root;
    }

    private static long AsLong(object? v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new InvalidDataException($"expected an integer, got {Describe(v)}"),
    };

    private static long[] Longs(object? v) => v switch
    {
        object?[] tuple => tuple.Select(AsLong).ToArray(),
        List<object?> list => list.Select(AsLong).ToArray(),
        _ => throw new InvalidDataException($"expected a tuple of integers, got {Describe(v)}"),
    };

    private static string Describe(object? v) => v switch
    {
        null => "None",
        object?[] t => $"({string.Join(", ", t.Select(Describe))})",
        string s => $"'{s}'",
        _ => v.ToString() ?? v.GetType().Name,
    };
}
