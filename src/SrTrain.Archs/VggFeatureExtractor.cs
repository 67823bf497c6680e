using SrTrain.Abstractions.Registry;
using SrTrain.Torch;
using SrTrain.Torch.Nn;
using SrTrain.Torch.Serialization;

namespace SrTrain.Archs;

/// <summary>The <c>features</c> part of VGG (Simonyan and Zisserman, 2015) with BasicSR's layer names
/// (<c>conv1_1</c>, <c>relu1_1</c>, ..., <c>pool5</c>), returning the requested layers: <c>conv5_4</c> is
/// VGG19's last convolution before its ReLU (ESRGAN's perceptual feature), <c>relu5_4</c> after it
/// (SRGAN's). Only the layers up to the deepest requested one are built. Weights come from torchvision's
/// ImageNet file (<c>features.N.weight</c> keys, e.g. vgg19-dcbb9e9d.pth); state-dict keys follow
/// BasicSR's VGGFeatureExtractor (<c>mean</c>, <c>std</c>, <c>vgg_net.conv1_1.weight</c>, ...).</summary>
[Arch("VGGFeatureExtractor")]
public sealed class VggFeatureExtractor : Module
{
    /// <summary>Where BasicSR looks for the ImageNet weights, relative to the working directory.</summary>
    public const string PretrainedDir = "experiments/pretrained_models";

    private static readonly Dictionary<string, int[]> ConvsPerBlock = new()
    {
        ["vgg11"] = [1, 1, 2, 2, 2], ["vgg13"] = [2, 2, 2, 2, 2], ["vgg16"] = [2, 2, 3, 3, 3], ["vgg19"] = [2, 2, 4, 4, 4],
    };

    // The files torchvision's vgg16(pretrained=True) / vgg19(pretrained=True) download.
    private static readonly Dictionary<string, string> TorchvisionFiles = new()
    {
        ["vgg16"] = "vgg16-397923af.pth", ["vgg19"] = "vgg19-dcbb9e9d.pth",
    };

    private static readonly int[] BlockChannels = [64, 128, 256, 512, 512];
    private static readonly double[] ImageNetMean = [0.485, 0.456, 0.406];
    private static readonly double[] ImageNetStd = [0.229, 0.224, 0.225];

    private readonly List<(string Name, Module Layer)> layers = [];
    private readonly HashSet<string> requested;
    private readonly Tensor? mean, std;

    /// <param name="layerNameList">Layers to return, e.g. [conv5_4] or [relu1_1, relu2_1, ...].</param>
    /// <param name="vggType">vgg11 | vgg13 | vgg16 | vgg19.</param>
    /// <param name="useInputNorm">Normalise the [0, 1] input with ImageNet's mean and std.</param>
    /// <param name="rangeNorm">Map a [-1, 1] input to [0, 1] first.</param>
    /// <param name="requiresGrad">Train the VGG weights (default frozen, in eval mode).</param>
    /// <param name="removePooling">Drop the max-pooling layers.</param>
    /// <param name="poolingStride">Stride of the 2x2 max pooling.</param>
    /// <param name="pretrained">Load ImageNet weights (false: random weights, for tests only).</param>
    /// <param name="pretrainedPath">The weights file; default experiments/pretrained_models/&lt;torchvision file&gt;.</param>
    public VggFeatureExtractor(string[] layerNameList, string vggType = "vgg19", bool useInputNorm = true, bool rangeNorm = false,
                               bool requiresGrad = false, bool removePooling = false, int poolingStride = 2,
                               bool pretrained = true, string? pretrainedPath = null)
        : this(layerNameList, vggType, useInputNorm, rangeNorm, requiresGrad, removePooling, poolingStride, pretrained, pretrainedPath, "")
    {
    }

    /// <summary>The extractor inside a loss whose option keys carry a prefix (PerceptualLoss: <c>vgg_pretrained</c>,
    /// <c>vgg_pretrained_path</c>), so that errors name the keys the user wrote.</summary>
    public static VggFeatureExtractor WithKeyPrefix(string keyPrefix, string[] layerNameList, string vggType = "vgg19", bool useInputNorm = true,
                                                    bool rangeNorm = false, bool requiresGrad = false, bool pretrained = true,
                                                    string? pretrainedPath = null) =>
        new(layerNameList, vggType, useInputNorm, rangeNorm, requiresGrad, false, 2, pretrained, pretrainedPath, keyPrefix);

    private VggFeatureExtractor(string[] layerNameList, string vggType, bool useInputNorm, bool rangeNorm, bool requiresGrad,
                                bool removePooling, int poolingStride, bool pretrained, string? pretrainedPath, string keyPrefix)
    {
        if (layerNameList.Length == 0) throw new ArgumentException("layer_name_list is empty: name at least one layer, e.g. conv5_4");
        var names = LayerNames(vggType); // also rejects an unknown vgg_type
        foreach (var n in layerNameList)
            if (!names.Contains(n))
                throw new ArgumentException($"{vggType} has no layer '{n}'{NameMatching.Suggestion(n, names)}; layers: {string.Join(", ", names)}");
        if (!pretrained && pretrainedPath is not null)
            throw new ArgumentException($"{keyPrefix}pretrained: false contradicts {keyPrefix}pretrained_path '{pretrainedPath}': drop one of them");

        (VggType, UseInputNorm, RangeNorm) = (vggType, useInputNorm, rangeNorm);
        requested = [.. layerNameList];
        int last = layerNameList.Max(n => names.IndexOf(n));

        var net = Register("vgg_net", new NamedLayers());
        long inCh = 3;
        for (int i = 0; i <= last; i++)
        {
            string name = names[i];
            Module layer;
            if (name.StartsWith("conv"))
            {
                int block = name[4] - '1';
                layer = new Conv2d(inCh, BlockChannels[block], 3, padding: 1);
                inCh = BlockChannels[block];
            }
            else if (name.StartsWith("relu")) layer = new ReLU();
            else if (removePooling) continue;
            else layer = new MaxPool(poolingStride);
            TorchvisionIndex[name] = i;
            net.Add(name, layer);
            layers.Add((name, layer));
        }

        if (useInputNorm)
        {
            mean = RegisterBuffer("mean", Tensor.From(ImageNetMean.Select(v => (float)v).ToArray(), [1, 3, 1, 1]));
            std = RegisterBuffer("std", Tensor.From(ImageNetStd.Select(v => (float)v).ToArray(), [1, 3, 1, 1]));
        }

        if (pretrained) LoadPretrained(ResolveWeights(vggType, pretrainedPath, keyPrefix));
        RequiresGrad(requiresGrad);
        if (!requiresGrad) Eval();
    }

    public string VggType { get; }
    public bool UseInputNorm { get; }
    public bool RangeNorm { get; }

    /// <summary>Index of each built layer in torchvision's <c>features</c> (keys <c>features.N.weight</c>).</summary>
    public Dictionary<string, int> TorchvisionIndex { get; } = [];

    /// <summary>BasicSR's layer names of <paramref name="vggType"/> in order (index = torchvision's features index).</summary>
    public static List<string> LayerNames(string vggType)
    {
        if (!ConvsPerBlock.TryGetValue(vggType, out var convs))
            throw new ArgumentException($"vgg_type '{vggType}' is not supported; use one of {string.Join(", ", ConvsPerBlock.Keys)}");
        var names = new List<string>();
        for (int b = 0; b < 5; b++)
        {
            for (int c = 0; c < convs[b]; c++)
            {
                names.Add($"conv{b + 1}_{c + 1}");
                names.Add($"relu{b + 1}_{c + 1}");
            }
            names.Add($"pool{b + 1}");
        }
        return names;
    }

    /// <summary>The requested layers' outputs for an (N, 3, H, W) batch, in network order (PyTorch: forward).</summary>
    public Dictionary<string, Tensor> Features(Tensor x)
    {
        if (x.Dim != 4 || x.Size(1) != 3)
            throw new ArgumentException($"VGG expects (N, 3, H, W) RGB images, got [{string.Join(", ", x.Shape)}]");
        var output = new Dictionary<string, Tensor>();
        // Each intermediate made here is disposed once the next exists, unless it is a requested output: autograd keeps
        // its own reference to what backward needs, and PyTorch frees the rest at that point. Left to the caller's
        // scope, a batch of 4 at 128x128 through conv5_4 kept about twice the activations PyTorch holds, and under
        // no_grad (the GT's features) all of them.
        var current = x;
        void Advance(Tensor next)
        {
            if (!ReferenceEquals(current, x) && !ReferenceEquals(current, next) && !output.ContainsValue(current)) current.Dispose();
            current = next;
        }
        if (RangeNorm)
        {
            using var shifted = current + 1.0;
            Advance(shifted / 2.0);
        }
        if (mean is not null && std is not null)
        {
            using var centred = current - mean;
            Advance(centred / std);
        }
        foreach (var (name, layer) in layers)
        {
            Advance(layer.Forward(current));
            if (requested.Contains(name)) output[name] = current;
        }
        return output;
    }

    /// <summary>Copies torchvision-layout weights (<c>features.N.weight</c>, <c>features.N.bias</c>; other keys
    /// such as <c>classifier.*</c> are ignored) or this module's own layout (<c>vgg_net.conv1_1.weight</c>).</summary>
    public void LoadTorchvisionStateDict(IReadOnlyDictionary<string, Tensor> state, string source = "state dict")
    {
        bool own = state.Keys.Any(k => k.StartsWith("vgg_net."));
        using var scope = LibTorch.NewDisposeScope();
        using var noGrad = LibTorch.NoGrad();
        foreach (var (name, layer) in layers)
        {
            if (layer is not Conv2d conv) continue;
            string prefix = own ? $"vgg_net.{name}." : $"features.{TorchvisionIndex[name]}.";
            Copy(state, prefix + "weight", conv.Weight, source, name);
            Copy(state, prefix + "bias", conv.Bias!, source, name);
        }
    }

    private static void Copy(IReadOnlyDictionary<string, Tensor> state, string key, Tensor target, string source, string layer)
    {
        if (!state.TryGetValue(key, out var value))
            throw new InvalidDataException($"{source}: no '{key}' (weights of {layer}); is this a torchvision VGG state dict of the right type?");
        if (!value.Shape.SequenceEqual(target.Shape))
            throw new InvalidDataException(
                $"{source}: '{key}' has shape [{string.Join(", ", value.Shape)}], {layer} needs [{string.Join(", ", target.Shape)}]; wrong vgg_type?");
        target.CopyFrom(value);
    }

    private static string ResolveWeights(string vggType, string? path, string keyPrefix)
    {
        if (path is not null)
            return File.Exists(path) ? path
                : throw new FileNotFoundException($"VGG weights file '{Path.GetFullPath(path)}' ({keyPrefix}pretrained_path) does not exist", path);
        if (!TorchvisionFiles.TryGetValue(vggType, out var file))
            throw new FileNotFoundException($"no default weights file for {vggType}: set {keyPrefix}pretrained_path to torchvision's ImageNet {vggType} .pth");
        var defaultPath = Path.Combine(PretrainedDir, file);
        if (File.Exists(defaultPath)) return defaultPath;
        throw new FileNotFoundException(
            $"ImageNet weights for {vggType} not found at '{Path.GetFullPath(defaultPath)}'. Put torchvision's {file} " +
            $"(the file torchvision.models.{vggType}(pretrained=True) downloads) at {PretrainedDir}/{file} under the " +
            $"working directory, or give its location with {keyPrefix}pretrained_path. Only for tests: {keyPrefix}pretrained: false builds a randomly initialised VGG.",
            defaultPath);
    }

    private void LoadPretrained(string path)
    {
        var state = PthFile.LoadStateDict(path);
        try { LoadTorchvisionStateDict(state, path); }
        finally { foreach (var t in state.Values) t.Dispose(); }
    }

    /// <summary>Holds the layers under their BasicSR names, so keys read <c>vgg_net.conv1_1.weight</c>.</summary>
    private sealed class NamedLayers : Module
    {
        public void Add(string name, Module layer) => Register(name, layer);
    }

    /// <summary>2x2 max pooling (PyTorch: nn.MaxPool2d(kernel_size=2, stride=stride)).</summary>
    private sealed class MaxPool(int stride) : Module
    {
        public override Tensor Forward(Tensor input) => F.MaxPool2d(input, 2, stride);
    }
}
