namespace SrTrain.Torch.Tests;

/// <summary>Finite-difference gradient check in float64 (PyTorch: torch.autograd.gradcheck): the
/// autograd gradient of L = sum(f(inputs) * g), for a fixed random g, must match central
/// differences (L(x + eps) - L(x - eps)) / (2 eps) for every element of every checked input.</summary>
internal static class GradCheck
{
    /// <summary>n standard-normal samples (Box-Muller) from <paramref name="rng"/>.</summary>
    public static double[] Normal(Random rng, long n)
    {
        var v = new double[n];
        for (long i = 0; i < n; i++)
            v[i] = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        return v;
    }

    /// <summary>Checks <paramref name="f"/> at float64 <paramref name="inputs"/>; <paramref name="check"/>
    /// says which inputs are differentiated (default: all). Tolerances are gradcheck's defaults.</summary>
    public static void Check(string what, Func<Tensor[], Tensor> f, Tensor[] inputs, bool[]? check = null,
                             double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        check ??= inputs.Select(_ => true).ToArray();
        foreach (var t in inputs) Assert.Equal(DType.Float64, t.DType);
        using var scope = LibTorch.NewDisposeScope();
        var shapes = inputs.Select(t => t.Shape).ToArray();
        var values = inputs.Select(t => t.ToArray<double>()).ToArray();

        // Analytic gradients through autograd.
        var leaves = inputs.Select((t, i) => t.Detach().Clone().RequiresGrad_(check[i])).ToArray();
        var y = f(leaves);
        // A fixed upstream gradient from a local generator: the global one may be seeded by tests
        // running in parallel.
        var rng = new Random(1234);
        var upstream = Normal(rng, y.NumEl);
        var g = Tensor.From(upstream, y.Shape);
        (y * g).Sum().Backward();

        double Loss(int which, double[] perturbed)
        {
            using var inner = LibTorch.NewDisposeScope();
            using var noGrad = LibTorch.NoGrad();
            var args = values.Select((v, i) => Tensor.From(i == which ? perturbed : v, shapes[i])).ToArray();
            var output = f(args).ToArray<double>();
            double sum = 0;
            for (int k = 0; k < output.Length; k++) sum += output[k] * upstream[k];
            return sum;
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            if (!check[i]) continue;
            var analytic = leaves[i].Grad?.ToArray<double>();
            Assert.True(analytic is not null, $"{what}: no gradient reached input {i}");
            var x = (double[])values[i].Clone();
            for (int j = 0; j < x.Length; j++)
            {
                double original = x[j];
                x[j] = original + eps;
                double plus = Loss(i, x);
                x[j] = original - eps;
                double minus = Loss(i, x);
                x[j] = original;
                double numeric = (plus - minus) / (2 * eps);
                Assert.True(Math.Abs(analytic![j] - numeric) <= atol + rtol * Math.Abs(numeric),
                    $"{what}: d/d input{i}[{j}] is {analytic[j]:R} by autograd, {numeric:R} by finite differences");
            }
        }
    }
}
