using SrTrain.Torch;
using SrTrain.Torch.Nn;

namespace SrTrain.Engine.Training;

/// <summary>Whether a loss and a network's gradients (or weights) are all finite, with one reduction and one host
/// sync: the float64 sum of every tensor's sum is finite exactly when no element is NaN or infinite (a NaN or an
/// infinity survives the sums; +inf and -inf together give NaN), short of a float32 overflow of a sum, which is
/// divergence too.</summary>
public static class FiniteCheck
{
    /// <summary>True when <paramref name="loss"/> (if given) and every gradient of <paramref name="net"/> are finite.</summary>
    public static bool Gradients(Tensor? loss, Module net) =>
        AllFinite(net.Parameters().Select(p => p.Grad).OfType<Tensor>().Concat(loss is null ? [] : [loss.Detach()]));

    /// <summary>True when every parameter and buffer of <paramref name="net"/> is finite (checked before a checkpoint is written).</summary>
    public static bool Weights(Module net) => AllFinite(net.StateDict().Values);

    /// <summary>True when every tensor and every floating-point number reachable through the dicts and lists of
    /// <paramref name="tree"/> (an optimizer's or scheduler's state dict) is finite.</summary>
    public static bool Tree(object? tree)
    {
        var tensors = new List<Tensor>();
        bool numbersFinite = true;
        Walk(tree);
        return numbersFinite && AllFinite(tensors);

        void Walk(object? node)
        {
            switch (node)
            {
                case Tensor t: tensors.Add(t); break;
                case double d: numbersFinite &= double.IsFinite(d); break;
                case float f: numbersFinite &= float.IsFinite(f); break;
                case string: break;
                case System.Collections.IDictionary map:
                    foreach (var v in map.Values) Walk(v);
                    break;
                case System.Collections.IEnumerable list:
                    foreach (var v in list) Walk(v);
                    break;
            }
        }
    }

    /// <summary>True when every element of every tensor is finite.</summary>
    public static bool AllFinite(IEnumerable<Tensor> tensors)
    {
        using var scope = LibTorch.NewDisposeScope();
        var sums = tensors.Where(t => t.DType.IsFloatingPoint()).Select(t => t.Sum().To(DType.Float64)).ToList();
        if (sums.Count == 0) return true;
        return double.IsFinite(Tensor.Stack(sums).Sum().Item());
    }
}
