using System.Globalization;
using SrTrain.Torch;
using SrTrain.Torch.Nn;
using SrTrain.Torch.Serialization;

namespace SrTrain.Engine.Checkpoints;

/// <summary>The network files of an experiment in BasicSR's layout: <c>models/&lt;label&gt;_&lt;iter&gt;.pth</c> holding
/// <c>{'params': ..., 'params_ema': ...}</c>, which Python's <c>torch.load(weights_only=True)</c> reads.</summary>
public static class NetworkFile
{
    /// <summary>models/&lt;label&gt;_&lt;iter&gt;.pth under <paramref name="modelsDir"/>.</summary>
    public static string PathFor(string modelsDir, string label, long iter) =>
        Path.Combine(modelsDir, $"{label}_{iter.ToString(CultureInfo.InvariantCulture)}.pth");

    /// <summary>Writes <paramref name="net"/> under <c>params</c> and, when given, <paramref name="ema"/> under
    /// <c>params_ema</c> (atomically: a crash never leaves a half-written file).</summary>
    public static void Save(string path, Module net, Module? ema)
    {
        using var scope = LibTorch.NewDisposeScope();
        var tree = new Dictionary<string, object?> { ["params"] = CpuStateDict(net) };
        if (ema is not null) tree["params_ema"] = CpuStateDict(ema);
        PthFile.Save(path, tree);
    }

    /// <summary>Detached CPU copies-or-views, as PyTorch's state_dict() gives: loaded in Python they are
    /// plain tensors (requires_grad False) that accept in-place edits.</summary>
    private static Dictionary<string, Tensor> CpuStateDict(Module net) =>
        net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Detach().To(Device.Cpu).Contiguous());
}
