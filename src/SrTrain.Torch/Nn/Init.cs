namespace SrTrain.Torch.Nn;

/// <summary>Weight initialisers drawing from the global generator exactly as torch.nn.init does,
/// so the same seed gives the same weights as PyTorch.</summary>
public static class Init
{
    /// <summary>(fan_in, fan_out) as torch.nn.init._calculate_fan_in_and_fan_out: dim 1 is the input.</summary>
    public static (long FanIn, long FanOut) Fans(Tensor weight)
    {
        var s = weight.Shape;
        if (s.Length < 2) throw new ArgumentException("fan in/out need a tensor of at least 2 dims");
        long receptive = 1;
        for (int i = 2; i < s.Length; i++) receptive *= s[i];
        return (s[1] * receptive, s[0] * receptive);
    }

    /// <summary>Recommended gain for a nonlinearity: leaky_relu with slope a gives sqrt(2 / (1 + a^2)).</summary>
    public static double LeakyReluGain(double a) => Math.Sqrt(2.0 / (1 + a * a));

    private static long Fan(Tensor w, bool fanIn) => fanIn ? Fans(w).FanIn : Fans(w).FanOut;

    /// <summary>He initialisation, normal (PyTorch: kaiming_normal_(w, a, mode, 'leaky_relu')).</summary>
    public static Tensor KaimingNormal_(Tensor w, double a = 0, bool fanIn = true)
    {
        using var _ = LibTorch.NoGrad();
        return w.Normal_(0, LeakyReluGain(a) / Math.Sqrt(Fan(w, fanIn)));
    }

    /// <summary>He initialisation, uniform (PyTorch: kaiming_uniform_(w, a, mode, 'leaky_relu')).</summary>
    public static Tensor KaimingUniform_(Tensor w, double a = 0, bool fanIn = true)
    {
        using var _ = LibTorch.NoGrad();
        double bound = Math.Sqrt(3.0) * LeakyReluGain(a) / Math.Sqrt(Fan(w, fanIn));
        return w.Uniform_(-bound, bound);
    }

    public static Tensor Uniform_(Tensor w, double from, double to)
    {
        using var _ = LibTorch.NoGrad();
        return w.Uniform_(from, to);
    }

    public static Tensor Normal_(Tensor w, double mean, double std)
    {
        using var _ = LibTorch.NoGrad();
        return w.Normal_(mean, std);
    }

    public static Tensor Constant_(Tensor w, double value)
    {
        using var _ = LibTorch.NoGrad();
        return w.Fill_(value);
    }

    /// <summary>PyTorch's default for Conv/Linear (reset_parameters): kaiming_uniform_(a=sqrt(5)) for the
    /// weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias.</summary>
    public static void DefaultLayerInit(Tensor weight, Tensor? bias)
    {
        KaimingUniform_(weight, Math.Sqrt(5));
        if (bias is null) return;
        long fanIn = Fans(weight).FanIn;
        double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        Uniform_(bias, -bound, bound);
    }

    /// <summary>"Scaled MSRA" (BasicSR default_init_weights): kaiming_normal_ times <paramref name="scale"/>
    /// on every Conv2d/Linear weight, biases set to <paramref name="biasFill"/>; BatchNorm weights 1.
    /// ESRGAN uses scale 0.1 so the deep RRDB trunk starts near identity.</summary>
    public static void ScaledMsra(Module module, double scale = 1, double biasFill = 0)
    {
        using var _ = LibTorch.NoGrad();
        foreach (var (_, m) in module.NamedModules())
        {
            switch (m)
            {
                case Conv2d or Linear:
                    var weight = m.NamedParameters(recurse: false).First(p => p.Name == "weight").Tensor;
                    KaimingNormal_(weight);
                    weight.Mul_(scale);
                    foreach (var (name, b) in m.NamedParameters(recurse: false))
                        if (name == "bias") b.Fill_(biasFill);
                    break;
                case BatchNorm2d:
                    foreach (var (name, p) in m.NamedParameters(recurse: false))
                        p.Fill_(name == "weight" ? 1 : biasFill);
                    break;
            }
        }
    }
}
