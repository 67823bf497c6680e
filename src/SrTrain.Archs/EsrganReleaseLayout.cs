using System.Text.RegularExpressions;
using SrTrain.Torch;

namespace SrTrain.Archs;

/// <summary>Renames the key layouts of the ESRGAN release's RRDB checkpoints to <see cref="RrdbNet"/>'s
/// (BasicSR's): the original release (<c>model.0</c> = conv_first, <c>model.1.sub.N.RDBk.convj.0</c> = body.N.rdbk.convj,
/// <c>model.1.sub.{num_block}</c> = conv_body, <c>model.3</c> = conv_up1, <c>model.6</c> = conv_up2,
/// <c>model.8</c> = conv_hr, <c>model.10</c> = conv_last; the even indices in between are the parameter-free
/// upsampling and activation layers) and the ESRGAN repository's later one (<c>RRDB_trunk</c>, <c>trunk_conv</c>,
/// <c>upconv1</c>, <c>upconv2</c>, <c>HRconv</c>). Tensors are not copied, only re-keyed.</summary>
public static partial class EsrganReleaseLayout
{
    /// <summary>Which layout a state dict uses.</summary>
    public enum Layout { BasicSR, OriginalRelease, EsrganRepository }

    public static Layout Detect(IReadOnlyDictionary<string, Tensor> state)
    {
        if (state.ContainsKey("model.0.weight") && state.Keys.Any(k => k.StartsWith("model.1.sub.", StringComparison.Ordinal)))
            return Layout.OriginalRelease;
        if (state.Keys.Any(k => k.StartsWith("RRDB_trunk.", StringComparison.Ordinal)) || state.ContainsKey("trunk_conv.weight"))
            return Layout.EsrganRepository;
        return Layout.BasicSR;
    }

    /// <summary>The state re-keyed to RRDBNet's names (unchanged when it already uses them). A key the layout
    /// does not have is an error naming it.</summary>
    public static Dictionary<string, Tensor> ToBasicSR(IReadOnlyDictionary<string, Tensor> state)
    {
        var layout = Detect(state);
        var result = new Dictionary<string, Tensor>();
        foreach (var (key, tensor) in state)
        {
            var name = layout switch
            {
                Layout.OriginalRelease => FromOriginal(key),
                Layout.EsrganRepository => FromRepository(key),
                _ => key,
            } ?? throw new ArgumentException($"key '{key}' is not part of the ESRGAN {layout} RRDB layout; cannot convert it to RRDBNet's keys");
            if (!result.TryAdd(name, tensor))
                throw new ArgumentException($"keys of the ESRGAN {layout} layout map twice to '{name}' (second: '{key}')");
        }
        return result;
    }

    [GeneratedRegex(@"^model\.1\.sub\.(\d+)\.RDB([123])\.(conv[1-5])\.0\.(weight|bias)$")]
    private static partial Regex OriginalRdb();

    [GeneratedRegex(@"^model\.1\.sub\.(\d+)\.(weight|bias)$")]
    private static partial Regex OriginalTrunkConv();

    [GeneratedRegex(@"^model\.(\d+)\.(weight|bias)$")]
    private static partial Regex OriginalTop();

    [GeneratedRegex(@"^RRDB_trunk\.(\d+)\.RDB([123])\.(conv[1-5])\.(weight|bias)$")]
    private static partial Regex RepositoryRdb();

    private static string? FromOriginal(string key)
    {
        if (OriginalRdb().Match(key) is { Success: true } m)
            return $"body.{m.Groups[1].Value}.rdb{m.Groups[2].Value}.{m.Groups[3].Value}.{m.Groups[4].Value}";
        // The trunk's last entry (index num_block) is the conv after the RRDBs.
        if (OriginalTrunkConv().Match(key) is { Success: true } t) return $"conv_body.{t.Groups[2].Value}";
        if (OriginalTop().Match(key) is { Success: true } top)
        {
            string? layer = top.Groups[1].Value switch
            {
                "0" => "conv_first", "3" => "conv_up1", "6" => "conv_up2", "8" => "conv_hr", "10" => "conv_last", _ => null,
            };
            return layer is null ? null : $"{layer}.{top.Groups[2].Value}";
        }
        return null;
    }

    private static string? FromRepository(string key)
    {
        if (RepositoryRdb().Match(key) is { Success: true } m)
            return $"body.{m.Groups[1].Value}.rdb{m.Groups[2].Value}.{m.Groups[3].Value}.{m.Groups[4].Value}";
        int dot = key.IndexOf('.');
        if (dot < 0) return null;
        string? layer = key[..dot] switch
        {
            "conv_first" => "conv_first", "trunk_conv" => "conv_body", "upconv1" => "conv_up1", "upconv2" => "conv_up2",
            "HRconv" => "conv_hr", "conv_last" => "conv_last", _ => null,
        };
        return layer is null ? null : layer + key[dot..];
    }
}
