using System.Text.Json;

namespace SrTrain.Losses.Tests;

/// <summary>Makes a seeded random VGG in torchvision's layout (vgg.pth) and PyTorch's features and
/// losses for it (ref.json) in a temp folder, with tests/fixtures/make_losses.py's vgg_case.</summary>
internal static class VggReference
{
    public static string Make(string vggType, IReadOnlyDictionary<string, double> layers, bool useInputNorm = true, bool rangeNorm = false,
                              string criterion = "l1", double percepWeight = 1.0, double styleWeight = 0.0)
    {
        var dir = RepoPaths.NewTempDir("vgg-ref");
        var args = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["vgg_type"] = vggType, ["layers"] = layers, ["use_input_norm"] = useInputNorm, ["range_norm"] = rangeNorm,
            ["criterion"] = criterion, ["percep_w"] = percepWeight, ["style_w"] = styleWeight,
        });
        PythonReference.Run("""
            import sys, json
            from make_losses import vgg_case
            a = json.loads(sys.argv[2])
            vgg_case(sys.argv[1], a["vgg_type"], a["layers"], a["use_input_norm"], a["range_norm"], a["criterion"], a["percep_w"], a["style_w"])
            """, dir, args);
        return dir;
    }
}
