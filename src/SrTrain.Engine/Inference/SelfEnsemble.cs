using SrTrain.Torch;

namespace SrTrain.Engine.Inference;

/// <summary>x8 self-ensemble (EDSR's "+" results, Lim et al. 2017 §4.3): the network runs on the 8
/// flips/transpositions of the input, each output is transformed back, and the 8 are averaged.</summary>
public static class SelfEnsemble
{
    /// <summary>Averages <paramref name="run"/> over the 8 dihedral transforms of NCHW <paramref name="lq"/>.</summary>
    public static Tensor Run(Func<Tensor, Tensor> run, Tensor lq)
    {
        Tensor? sum = null;
        using (var scope = LibTorch.NewDisposeScope())
        {
            for (int code = 0; code < 8; code++)
            {
                var y = Invert(run(Apply(lq, code)), code);
                sum = sum is null ? y : sum + y;
            }
            sum = (sum! / 8.0).MoveToOuterScope();
        }
        return sum;
    }

    /// <summary>Transform <paramref name="code"/> (bits: 1 flip width, 2 flip height, 4 transpose), in that order.</summary>
    public static Tensor Apply(Tensor x, int code)
    {
        var y = x;
        if ((code & 1) != 0) y = y.Flip(-1);
        if ((code & 2) != 0) y = y.Flip(-2);
        if ((code & 4) != 0) y = y.Transpose(-2, -1);
        return ReferenceEquals(y, x) ? x.Alias() : y;
    }

    /// <summary>The inverse of <see cref="Apply"/>: the same steps in reverse order.</summary>
    public static Tensor Invert(Tensor y, int code)
    {
        var x = y;
        if ((code & 4) != 0) x = x.Transpose(-2, -1);
        if ((code & 2) != 0) x = x.Flip(-2);
        if ((code & 1) != 0) x = x.Flip(-1);
        return x;
    }
}
