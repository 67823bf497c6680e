
namespace SrTrain.Torch.Serialization;

/// <summary>Walks a loaded object tree (dicts, lists, tuples): turns pending tensors into views of
/// their storage tensor, and disposes every tensor in a tree.</summary>
internal static class TensorTree
{
    /// <summary>Replaces each <see cref="PendingTensor"/> with <c>storage.as_strided(size, stride, offset)</c>:
    /// tensors that shared a storage when saved share one again. The views leave every dispose
    /// scope (the caller owns them); the storage tensors stay in the current scope.</summary>
    public static object? Materialize(object? tree, IReadOnlyDictionary<string, Tensor> storages, string file)
    {
        var done = new Dictionary<PendingTensor, Tensor>(ReferenceEqualityComparer.Instance);
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var materialized = Visit(tree, "");
        return materialized;

        object? Visit(object? node, string path)
        {
            switch (node)
            {
                case PendingTensor p:
                    if (!done.TryGetValue(p, out var t)) done[p] = t = Build(p, path);
                    return t;
                case OrderedDictionary<object, object?> dict when visited.Add(dict):
                    for (int i = 0; i < dict.Count; i++)
                    {
                        var (key, value) = dict.GetAt(i);
                        if (value is PendingTensor or System.Collections.ICollection)
                            dict.SetAt(i, Visit(value, Join(path, key.ToString())));
                    }
                    return dict;
                case List<object?> list when visited.Add(list):
                    for (int i = 0; i < list.Count; i++) list[i] = Visit(list[i], $"{path}[{i}]");
                    return list;
                case object?[] tuple when visited.Add(tuple):
                    for (int i = 0; i < tuple.Length; i++) tuple[i] = Visit(tuple[i], $"{path}[{i}]");
                    return tuple;
                case StorageRef:
                    throw new CheckpointFormatException(file, $"{Where(path)} is a bare storage, not a tensor; only tensors are supported");
                default:
                    return node;
            }
        }

        Tensor Build(PendingTensor p, string path)
        {
            var s = p.Storage;
            if (p.Size.Length != p.Stride.Length)
                throw new CheckpointFormatException(file, $"tensor {Where(path)} has {p.Size.Length} sizes but {p.Stride.Length} strides");
            long last = p.StorageOffset;
            bool empty = false;
            for (int d = 0; d < p.Size.Length; d++)
            {
                if (p.Size[d] < 0 || p.Stride[d] < 0)
                    throw new CheckpointFormatException(file, $"tensor {Where(path)} has a negative size or stride");
                if (p.Size[d] == 0) empty = true;
                last += (p.Size[d] - 1) * p.Stride[d];
            }
            if (p.StorageOffset < 0 || (!empty && last >= s.NumEl))
                throw new CheckpointFormatException(file,
                    $"tensor {Where(path)} (shape [{string.Join(", ", p.Size)}], stride [{string.Join(", ", p.Stride)}], offset {p.StorageOffset}) " +
                    $"reaches element {last} of storage '{s.Key}', which has {s.NumEl} elements");
            var view = storages[s.Key].AsStrided(p.Size, p.Stride, s.ElementOffset + p.StorageOffset);
            if (p.RequiresGrad) view.RequiresGrad = true;
            return view.DetachFromDisposeScope();
        }
    }

    /// <summary>Disposes every tensor reachable through dicts, lists and tuples of <paramref name="tree"/>.</summary>
    public static void DisposeAll(object? tree)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(tree);

        void Walk(object? node)
        {
            switch (node)
            {
                case Tensor t: t.Dispose(); break;
                case string: break;
                case System.Collections.IDictionary d when visited.Add(d):
                    foreach (var v in d.Values) Walk(v);
                    break;
                case System.Collections.IEnumerable e when visited.Add(e):
                    foreach (var v in e) Walk(v);
                    break;
            }
        }
    }

    private static string Join(string path, string? key) => path.Length == 0 ? key ?? "" : $"{path}.{key}";

    private static string Where(string path) => path.Length == 0 ? "at the top level" : $"'{path}'";
}
