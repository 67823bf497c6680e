using System.Reflection;
using System.Text;
using SrTrain.Core.Registry;

namespace SrTrain.Core.Options;

/// <summary>Documents every option key from the same types that bind them (<c>srtrain options --schema</c>),
/// so the schema cannot drift from what the parser accepts.</summary>
public static class OptionSchema
{
    public static string Describe()
    {
        var sb = new StringBuilder();
        sb.AppendLine("# SrTrain option keys (BasicSR schema). Sections marked [registry] take 'type' plus that type's keys: srtrain list <kind>.");
        Describe(typeof(ExperimentOptions), "", sb);
        sb.AppendLine();
        sb.AppendLine("# datasets.<phase>: type + the dataset's keys (srtrain list datasets) + loader keys.");
        sb.AppendLine("# network_g / network_d: type + the arch's keys (srtrain list archs).");
        sb.AppendLine("# train.pixel_opt / perceptual_opt / gan_opt: type + the loss's keys (srtrain list losses).");
        sb.AppendLine("# train.optim_g / optim_d: srtrain list optimizers; train.scheduler: srtrain list schedulers.");
        sb.AppendLine("# val.metrics.<name>: type + the metric's keys (srtrain list metrics).");
        return sb.ToString();
    }

    /// <summary>All dotted keys the binder accepts, e.g. "train.total_iter" (for tests and tooling).</summary>
    public static IReadOnlyList<string> Keys()
    {
        var keys = new List<string>();
        Collect(typeof(ExperimentOptions), "", keys);
        return keys;
    }

    private static void Collect(Type type, string prefix, List<string> keys)
    {
        foreach (var p in ConstructorBinder.ParametersOf(ConstructorBinder.PrimaryConstructor(type)))
        {
            var key = prefix + p.Key;
            keys.Add(key);
            var t = Nullable.GetUnderlyingType(p.Type) ?? p.Type;
            if (IsSection(t)) Collect(t, key + ".", keys);
        }
    }

    private static void Describe(Type type, string prefix, StringBuilder sb)
    {
        foreach (var p in ConstructorBinder.ParametersOf(ConstructorBinder.PrimaryConstructor(type)))
        {
            var t = Nullable.GetUnderlyingType(p.Type) ?? p.Type;
            var doc = p.Info.GetCustomAttribute<OptionDocAttribute>()?.Text;
            var noEffect = p.Info.GetCustomAttribute<NoEffectAttribute>()?.Reason;
            string typeText = IsSection(t) ? "section" : t == typeof(Dictionary<string, object?>) ? "[registry] mapping" : OptionConversion.Describe(p.Type);
            var line = $"{prefix}{p.Key}: {typeText}";
            if (p.HasDefault && !IsSection(t)) line += $" = {Format(p.Default)}";
            else if (!p.HasDefault) line += " (required)";
            sb.Append(line.PadRight(48)).Append(" # ").AppendLine(noEffect is not null ? $"accepted, no effect: {noEffect}" : doc ?? "");
            if (IsSection(t)) Describe(t, prefix + p.Key + ".", sb);
        }
    }

    private static bool IsSection(Type t) => t.IsClass && t != typeof(string) && t != typeof(object) && !t.IsArray && !t.IsGenericType;

    private static string Format(object? v) => v switch
    {
        null => "~",
        bool b => b ? "true" : "false",
        string s => $"'{s}'",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
