using SrTrain.Torch;
using System.Text.Json;

namespace SrTrain.TestSupport;

/// <summary>One reference case of tests/fixtures/make_losses.py's vgg_cases.</summary>
public sealed record VggCase(string Name, string VggType, Dictionary<string, double> Layers, bool UseInputNorm = true,
                               bool RangeNorm = false, string Criterion = "l1", double PercepW = 1.0, double StyleW = 0.0,
                               bool AutocastBf16 = false);

/// <summary>Makes, in one Python run at test time, a seeded random VGG per type in torchvision's layout
/// (<c>&lt;vgg_type&gt;.pth</c>) and PyTorch's features and losses for each case (<c>ref_&lt;name&gt;.json</c>)
/// in a temp folder that is deleted on dispose.</summary>
public sealed class VggReference : IDisposable
{
    public VggReference(IEnumerable<VggCase> cases)
    {
        Dir = RepoPaths.NewTempDir("vgg-ref");
        var json = JsonSerializer.Serialize(cases.Select(c => new Dictionary<string, object>
        {
            ["name"] = c.Name, ["vgg_type"] = c.VggType, ["layers"] = c.Layers, ["use_input_norm"] = c.UseInputNorm,
            ["range_norm"] = c.RangeNorm, ["criterion"] = c.Criterion, ["percep_w"] = c.PercepW, ["style_w"] = c.StyleW,
            ["autocast_bf16"] = c.AutocastBf16,
        }));
        // Made at test time on this machine's kernels and with this process's thread count: past conv4 of a random
        // VGG, float32 rounding decides ReLU and max-pool ties, so only the same kernels split the same way agree.
        var threads = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = LibTorch.NumThreads.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        PythonReference.Run("import sys, json\nfrom make_losses import vgg_cases\nvgg_cases(sys.argv[1], json.loads(sys.argv[2]))", threads, Dir, json);
    }

    public string Dir { get; }

    public string WeightsPath(string vggType) => Path.Combine(Dir, vggType + ".pth");

    public TensorFixture Reference(string caseName) => TensorFixture.Load(Path.Combine(Dir, $"ref_{caseName}.json"));

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
