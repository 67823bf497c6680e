namespace SrTrain.Torch.Serialization;

/// <summary>Finds the state dict inside a loaded checkpoint tree: the tree itself, the entry a
/// param key names (BasicSR's <c>params</c> / <c>params_ema</c>), or the only dict-of-tensors entry.</summary>
internal static class StateDictSelector
{
    /// <summary>The chosen state dict; every other tensor of the tree is disposed.</summary>
    public static Dictionary<string, Tensor> Select(object? tree, string? paramKey, string file)
    {
        if (tree is not OrderedDictionary<object, object?> root)
            throw new CheckpointFormatException(file, $"holds {Describe(tree)}, not a dict, so it has no state dict");

        object? chosen;
        string where;
        if (paramKey is not null)
        {
            if (!root.TryGetValue(paramKey, out chosen))
                throw new CheckpointFormatException(file, $"has no entry '{paramKey}'; its top-level keys are: {Keys(root)}");
            where = $"entry '{paramKey}'";
            if (!IsStateDict(chosen))
                throw new CheckpointFormatException(file, $"{where} is {Describe(chosen)}, not a dict of tensors");
        }
        else if (IsStateDict(root))
        {
            chosen = root;
            where = "the top-level dict";
        }
        else
        {
            var candidates = root.Where(e => IsStateDict(e.Value)).ToList();
            if (candidates.Count != 1)
                throw new CheckpointFormatException(file,
                    (candidates.Count == 0 ? "holds no dict of tensors at its top level or one below" : "holds several state dicts")
                    + $"; top-level keys: {Keys(root)}; pass the param key that names the one to load (BasicSR: param_key_g, e.g. 'params_ema')");
            chosen = candidates[0].Value;
            where = $"entry '{candidates[0].Key}'";
        }

        var dict = (OrderedDictionary<object, object?>)chosen!;
        var result = new Dictionary<string, Tensor>(dict.Count);
        foreach (var (key, value) in dict)
        {
            if (key is not string name)
                throw new CheckpointFormatException(file, $"{where} has a non-string key {key}; state dict keys are parameter names");
            result[name] = (Tensor)value!;
        }

        var kept = new HashSet<Tensor>(result.Values, ReferenceEqualityComparer.Instance);
        DisposeOthers(tree, kept);
        return result;
    }

    private static bool IsStateDict(object? value) =>
        value is OrderedDictionary<object, object?> { Count: > 0 } d && d.Values.All(v => v is Tensor);

    private static void DisposeOthers(object? tree, HashSet<Tensor> kept)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(tree);

        void Walk(object? node)
        {
            switch (node)
            {
                case Tensor t when !kept.Contains(t): t.Dispose(); break;
                case OrderedDictionary<object, object?> d when visited.Add(d):
                    foreach (var v in d.Values) Walk(v);
                    break;
                case List<object?> l when visited.Add(l):
                    foreach (var v in l) Walk(v);
                    break;
                case object?[] a when visited.Add(a):
                    foreach (var v in a) Walk(v);
                    break;
            }
        }
    }

    private static string Keys(OrderedDictionary<object, object?> root) =>
        root.Count == 0 ? "(none)" : string.Join(", ", root.Select(e => $"'{e.Key}' ({Describe(e.Value)})"));

    private static string Describe(object? v) => v switch
    {
        null => "None",
        Tensor t => $"a tensor [{string.Join(", ", t.Shape)}]",
        OrderedDictionary<object, object?> d => $"a dict of {d.Count} entries, {d.Values.Count(x => x is Tensor)} tensors",
        List<object?> l => $"a list of {l.Count}",
        object?[] a => $"a tuple of {a.Length}",
        string => "a string",
        long or System.Numerics.BigInteger => "an int",
        double => "a float",
        bool => "a bool",
        _ => $"a {v.GetType().Name}",
    };
}
