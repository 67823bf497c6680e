namespace SrTrain.Torch.Tests;

/// <summary>Elementwise arithmetic (every operator, tensor and scalar, both operand orders),
/// in-place forms, comparisons, unary math, Where and MatMul against PyTorch (fixture
/// tests/fixtures/ops/tensor_math.json; regenerate with <c>/usr/bin/python3 tests/fixtures/make_ops.py</c>).</summary>
public class TensorMathTests
{
    private const double S = 1.5;

    [Fact]
    public void OperatorsMatchPyTorch()
    {
        using var f = TensorFixture.Load("ops/tensor_math.json");
        using var scope = LibTorch.NewDisposeScope();
        Tensor a = f["a"], b = f["b"];
        TensorAssert.Close(f["add"], a + b, Tolerance.Elementwise, what: "a + b");
        TensorAssert.Close(f["sub"], a - b, Tolerance.Elementwise, what: "a - b");
        TensorAssert.Close(f["mul"], a * b, Tolerance.Elementwise, what: "a * b");
        TensorAssert.Close(f["div"], a / b, Tolerance.Elementwise, what: "a / b");
        TensorAssert.Close(f["neg"], -a, Tolerance.Elementwise, what: "-a");
        TensorAssert.Close(f["neg"], a.Neg(), Tolerance.Elementwise, what: "a.Neg()");
        TensorAssert.Close(f["add_s"], a + S, Tolerance.Elementwise, what: "a + s");
        TensorAssert.Close(f["radd_s"], S + a, Tolerance.Elementwise, what: "s + a");
        TensorAssert.Close(f["sub_s"], a - S, Tolerance.Elementwise, what: "a - s");
        TensorAssert.Close(f["rsub_s"], S - a, Tolerance.Elementwise, what: "s - a");
        TensorAssert.Close(f["mul_s"], a * S, Tolerance.Elementwise, what: "a * s");
        TensorAssert.Close(f["rmul_s"], S * a, Tolerance.Elementwise, what: "s * a");
        TensorAssert.Close(f["div_s"], a / S, Tolerance.Elementwise, what: "a / s");
        TensorAssert.Close(f["rdiv_s"], S / a, Tolerance.Elementwise, what: "s / a");
        TensorAssert.Close(f["add_alpha"], a.Add(b, 0.5), Tolerance.Elementwise, what: "a.add(b, alpha)");
        TensorAssert.Close(f["sub_alpha"], a.Sub(b, 0.5), Tolerance.Elementwise, what: "a.sub(b, alpha)");
        TensorAssert.Close(f["mul"], a.Mul(b), Tolerance.Elementwise, what: "a.Mul(b)");
        TensorAssert.Close(f["div"], a.Div(b), Tolerance.Elementwise, what: "a.Div(b)");
        TensorAssert.Close(f["maximum"], a.Maximum(b), Tolerance.Elementwise, what: "maximum");
        TensorAssert.Close(f["minimum"], a.Minimum(b), Tolerance.Elementwise, what: "minimum");
    }

    [Fact]
    public void InPlaceFormsEqualOutOfPlaceAndReturnThis()
    {
        using var f = TensorFixture.Load("ops/tensor_math.json");
        using var scope = LibTorch.NewDisposeScope();
        Tensor a = f["a"], b = f["b"];
        void Same(string key, Func<Tensor, Tensor> inPlace)
        {
            var target = a.Clone();
            Assert.Same(target, inPlace(target));
            TensorAssert.Close(f[key], target, Tolerance.Elementwise, what: key + " in place");
        }
        Same("add", t => t.Add_(b));
        Same("sub", t => t.Sub_(b));
        Same("mul", t => t.Mul_(b));
        Same("div", t => t.Div_(b));
        Same("add_alpha", t => t.Add_(b, 0.5));
        Same("sub_alpha", t => t.Sub_(b, 0.5));
        Same("add_s", t => t.Add_(S));
        Same("sub_s", t => t.Sub_(S));
        Same("mul_s", t => t.Mul_(S));
        Same("div_s", t => t.Div_(S));
        var m = f["m"].Clone();
        TensorAssert.Close(f["clamp"], m.Clamp_(-0.5, 0.75), Tolerance.Elementwise, what: "clamp_");
        Assert.All(a.Clone().Fill_(3).ToArray<float>(), v => Assert.Equal(3f, v));
        Assert.All(a.Clone().Zero_().ToArray<float>(), v => Assert.Equal(0f, v));
        // addcmul_/addcdiv_/lerp_ against their definitions.
        TensorAssert.Close(a + 0.5 * a * b, a.Clone().AddCMul_(a, b, 0.5), Tolerance.Elementwise, what: "addcmul_");
        TensorAssert.Close(a + 0.5 * a / b, a.Clone().AddCDiv_(a, b, 0.5), Tolerance.Elementwise, what: "addcdiv_");
        TensorAssert.Close(a + 0.25 * (b - a), a.Clone().Lerp_(b, 0.25), Tolerance.Elementwise, what: "lerp_");
    }

    [Fact]
    public void ComparisonsMatchPyTorch()
    {
        using var f = TensorFixture.Load("ops/tensor_math.json");
        using var scope = LibTorch.NewDisposeScope();
        Tensor a = f["a"], b = f["b"], m = f["m"];
        TensorAssert.Equal(f["lt"], a < b, "a < b");
        TensorAssert.Equal(f["le"], a <= b, "a <= b");
        TensorAssert.Equal(f["gt"], a > b, "a > b");
        TensorAssert.Equal(f["ge"], a >= b, "a >= b");
        TensorAssert.Equal(f["eq"], a.Eq(b), "a == b");
        TensorAssert.Equal(f["ne"], a.Ne(b), "a != b");
        TensorAssert.Equal(f["gt_s"], m > 0.25, "m > s");
        TensorAssert.Equal(f["lt_s"], m < 0.25, "m < s");
        TensorAssert.Equal(f["gt_s"], (m <= 0.25).LogicalNot(), "!(m <= s)");
        TensorAssert.Equal(f["lt_s"], (m >= 0.25).LogicalNot(), "!(m >= s)");
        Assert.Equal(DType.Bool, (a < b).DType);
        Assert.Equal(0, (a.Eq(b)).LogicalAnd(a.Ne(b)).Sum().Item());
        Assert.Equal(a.NumEl, (a.Eq(b)).LogicalOr(a.Ne(b)).Sum().Item());
    }

    [Fact]
    public void UnaryMathMatchesPyTorch()
    {
        using var f = TensorFixture.Load("ops/tensor_math.json");
        using var scope = LibTorch.NewDisposeScope();
        Tensor a = f["a"], b = f["b"], m = f["m"];
        TensorAssert.Close(f["pow_s"], a.Pow(2.5), Tolerance.Elementwise, what: "pow(s)");
        TensorAssert.Close(f["pow_t"], a.Pow(b), Tolerance.Elementwise, what: "pow(t)");
        TensorAssert.Close(f["sqrt"], a.Sqrt(), Tolerance.Elementwise, what: "sqrt");
        TensorAssert.Close(f["exp"], a.Exp(), Tolerance.Elementwise, what: "exp");
        TensorAssert.Close(f["log"], a.Log(), Tolerance.Elementwise, what: "log");
        TensorAssert.Equal(f["abs"], m.Abs(), "abs");
        TensorAssert.Equal(f["sign"], m.Sign(), "sign");
        TensorAssert.Equal(f["round"], (m * 3).Round(), "round");
        TensorAssert.Equal(f["clamp"], m.Clamp(-0.5, 0.75), "clamp");
        TensorAssert.Equal(f["clamp_min"], m.Clamp(min: -0.5), "clamp(min)");
        TensorAssert.Equal(f["clamp_max"], m.Clamp(max: 0.75), "clamp(max)");
        // torch.round rounds half to even.
        Assert.Equal(new float[] { 0, 2, 2, -2, -0f }, Tensor.From(new[] { 0.5f, 1.5f, 2.5f, -2.5f, -0.4f }).Round().ToArray<float>());
    }

    [Fact]
    public void WhereAndMatMulMatchPyTorch()
    {
        using var f = TensorFixture.Load("ops/tensor_math.json");
        using var scope = LibTorch.NewDisposeScope();
        Tensor a = f["a"], b = f["b"], m = f["m"];
        TensorAssert.Equal(f["where"], Tensor.Where(m > 0, m, m * 2), "where");
        TensorAssert.Close(f["matmul"], a.MatMul(b.T()), what: "matmul");
        TensorAssert.Close(f["matmul_batched"], m.MatMul(b.Transpose(0, 1)), what: "batched matmul");
    }

    [Fact]
    public void IntegerAddAndSubTakeAnIntegralAlpha()
    {
        using var scope = LibTorch.NewDisposeScope();
        var a = Tensor.From(new long[] { 1, 2, 3 });
        var b = Tensor.From(new long[] { 10, 20, 30 });
        Assert.Equal(new long[] { 21, 42, 63 }, a.Add(b, 2).ToArray<long>());
        Assert.Equal(new long[] { -9, -18, -27 }, (a - b).ToArray<long>());
        a.Add_(b);
        Assert.Equal(new long[] { 11, 22, 33 }, a.ToArray<long>());
        Assert.Equal(DType.Int64, a.DType);
    }
}
