namespace SrTrain.Data.Degradations;

/// <summary>The Bessel function of the first kind of order one, J1, for the sinc kernel (scipy.special.j1).</summary>
public static class BesselJ1
{
    /// <summary>J1(x) from Bessel's integral J1(x) = 1/(2π) ∫_0^2π cos(τ - x sin τ) dτ. The integrand is periodic and
    /// analytic, so the trapezoidal rule converges geometrically once the points outnumber |x|: 64 + 2|x| points give
    /// double precision for the arguments of kernels (|x| below 50).</summary>
    public static double Value(double x)
    {
        int n = 64 + 2 * (int)Math.Ceiling(Math.Abs(x));
        double sum = 0;
        for (int k = 0; k < n; k++)
        {
            double t = 2 * Math.PI * k / n;
            sum += Math.Cos(t - x * Math.Sin(t));
        }
        return sum / n;
    }
}
