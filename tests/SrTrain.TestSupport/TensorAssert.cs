using SrTrain.Torch;
using Xunit;

namespace SrTrain.TestSupport;

/// <summary>Numeric comparisons of tensors with messages that say where they differ.</summary>
public static class TensorAssert
{
    /// <summary>Asserts equal shapes and every element within <paramref name="tolerance"/> of the expected one
    /// (<see cref="Tolerance"/> states the rule; the default is <see cref="Tolerance.Layer"/>), compared in float64.</summary>
    public static void Close(Tensor expected, Tensor actual, Tolerance? tolerance = null, string what = "tensor")
    {
        tolerance ??= Tolerance.Layer;
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(", ", actual.Shape)}] differs from expected [{string.Join(", ", expected.Shape)}]");
        var (ratio, index, e, a) = tolerance.Worst(expected, actual);
        Assert.True(ratio <= 1,
            $"{what}: element {index} is {a:R}, expected {e:R} (|diff| {Math.Abs(a - e):E3} is {ratio:G3} x the tolerance: {tolerance}; {CpuKernels.Describe()})");
    }

    /// <summary>Asserts bit-identical values and shapes.</summary>
    public static void Equal(Tensor expected, Tensor actual, string what = "tensor")
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(", ", actual.Shape)}] differs from expected [{string.Join(", ", expected.Shape)}]");
        Assert.Equal(expected.ToArray<double>(), actual.ToArray<double>());
    }
}
