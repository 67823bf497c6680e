using SrTrain.Torch;
using Xunit;

namespace SrTrain.TestSupport;

/// <summary>Numeric comparisons of tensors with messages that say where they differ.</summary>
public static class TensorAssert
{
    /// <summary>Asserts equal shapes and max |a-e| / max(|e|, floor) &lt;= rtol elementwise in float64.</summary>
    public static void Close(Tensor expected, Tensor actual, double rtol = 1e-5, double atol = 0, string what = "tensor")
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(", ", actual.Shape)}] differs from expected [{string.Join(", ", expected.Shape)}]");
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        double scale = e.Length == 0 ? 1 : Math.Max(e.Max(Math.Abs), 1e-12);
        for (int i = 0; i < e.Length; i++)
        {
            double diff = Math.Abs(e[i] - a[i]);
            if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
            // Relative to the tensor's scale, so values near zero do not demand impossible accuracy.
            Assert.True(diff <= atol + rtol * Math.Max(Math.Abs(e[i]), scale * 1e-3),
                $"{what}: element {i} is {a[i]:R}, expected {e[i]:R} (|diff| {diff:E3}, rtol {rtol:E1})");
        }
    }

    /// <summary>Asserts bit-identical values and shapes.</summary>
    public static void Equal(Tensor expected, Tensor actual, string what = "tensor")
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(", ", actual.Shape)}] differs from expected [{string.Join(", ", expected.Shape)}]");
        Assert.Equal(expected.ToArray<double>(), actual.ToArray<double>());
    }
}
