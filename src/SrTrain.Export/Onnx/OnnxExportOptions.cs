namespace SrTrain.Export.Onnx;

/// <summary>How <see cref="OnnxExporter"/> writes a network: <paramref name="Opset"/> of the default ONNX
/// domain; <paramref name="Fp16"/> stores weights and computes in float16 (input and output stay float32);
/// <paramref name="StaticShape"/> fixes the input to N, C, H, W (else N, H, W are dynamic);
/// <paramref name="FoldBatchNorm"/> folds eval-mode BN into the preceding conv (else BatchNormalization nodes).</summary>
public sealed record OnnxExportOptions(int Opset = 17, bool Fp16 = false, long[]? StaticShape = null, bool FoldBatchNorm = true)
{
    /// <summary>Opsets the exporter's ops are written for: Resize's attributes need 13, the vendored schema ends at 17.</summary>
    public const int MinOpset = 13, MaxOpset = 17;

    /// <summary>Parses <c>--static 1x3x64x64</c>.</summary>
    public static long[] ParseShape(string text)
    {
        var parts = text.Split('x', StringSplitOptions.TrimEntries);
        if (parts.Length != 4 || parts.Any(p => !long.TryParse(p, out var v) || v < 1))
            throw new ArgumentException($"--static '{text}': expected NxCxHxW with positive sizes, e.g. 1x3x64x64");
        return parts.Select(long.Parse).ToArray();
    }

    /// <summary>Rejects an opset outside the supported range, naming the option.</summary>
    public void Validate()
    {
        if (Opset is < MinOpset or > MaxOpset)
            throw new ArgumentException($"--opset {Opset} is not supported: use {MinOpset}..{MaxOpset} (default 17)");
    }
}
