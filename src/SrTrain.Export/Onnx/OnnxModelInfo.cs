using System.Globalization;
using System.Text.Json;

namespace SrTrain.Export.Onnx;

/// <summary>What an exported file records in its ONNX metadata (keys <c>srtrain.*</c>) so that
/// <c>srtrain infer --model model.onnx</c> needs no --arch or --scale: the arch and its options as given,
/// the scale, the multiple the input's height and width must have (RRDBNet x1/x2: 4/2; inference pads to it)
/// and the precision.</summary>
public sealed record OnnxModelInfo(string Arch, int Scale, IReadOnlyDictionary<string, string> ArchOptions,
                                   int InputMultiple = 1, bool Fp16 = false)
{
    public const string ArchKey = "srtrain.arch", ScaleKey = "srtrain.scale", OptionsKey = "srtrain.arch_options",
                        MultipleKey = "srtrain.input_multiple", PrecisionKey = "srtrain.precision";

    /// <summary>The metadata entries.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToMetadata() =>
    [
        new(ArchKey, Arch),
        new(ScaleKey, Scale.ToString(CultureInfo.InvariantCulture)),
        new(OptionsKey, JsonSerializer.Serialize(ArchOptions)),
        new(MultipleKey, InputMultiple.ToString(CultureInfo.InvariantCulture)),
        new(PrecisionKey, Fp16 ? "float16" : "float32"),
    ];

    /// <summary>Reads the entries back; <paramref name="file"/> names the model in the error when one is missing
    /// (a file from another exporter: its scale is then unknown).</summary>
    public static OnnxModelInfo FromMetadata(IReadOnlyDictionary<string, string> meta, string file)
    {
        string Get(string key) => meta.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{file}: no '{key}' in the ONNX metadata; export the model with `srtrain export` (it records arch and scale)");
        if (!int.TryParse(Get(ScaleKey), CultureInfo.InvariantCulture, out int scale) || scale < 1)
            throw new InvalidDataException($"{file}: metadata {ScaleKey} = '{Get(ScaleKey)}' is not a positive integer");
        var options = meta.TryGetValue(OptionsKey, out var json)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [] : [];
        int multiple = meta.TryGetValue(MultipleKey, out var m) && int.TryParse(m, CultureInfo.InvariantCulture, out int mv) && mv > 0 ? mv : 1;
        return new OnnxModelInfo(Get(ArchKey), scale, options, multiple, meta.GetValueOrDefault(PrecisionKey) == "float16");
    }
}
