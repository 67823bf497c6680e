namespace SrTrain.Export.Onnx;

/// <summary>The network cannot be written as ONNX: names the module (dotted state-dict path) and the op.</summary>
public sealed class OnnxExportException(string message) : ArgumentException(message)
{
    /// <summary>The error for a module whose op has no ONNX mapping in the exporter.</summary>
    public static OnnxExportException Unsupported(string path, object module, string op) =>
        new($"cannot export module '{(path.Length == 0 ? "(root)" : path)}' ({module.GetType().Name}) to ONNX: " +
            $"the exporter has no mapping for its op {op}");
}
