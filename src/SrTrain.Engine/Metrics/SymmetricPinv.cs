namespace SrTrain.Engine.Metrics;

/// <summary>Moore-Penrose pseudo-inverse of a symmetric matrix (np.linalg.pinv for NIQE's pooled covariance) by
/// cyclic Jacobi eigen-decomposition: V diag(1/lambda) V^T over |lambda| > 1e-15 max|lambda| (pinv's rcond).</summary>
internal static class SymmetricPinv
{
    public static double[] Of(double[] matrix, int n)
    {
        var a = (double[])matrix.Clone();
        var v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        double total = 0;
        foreach (var x in a) total += x * x;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
            if (off <= 1e-34 * total) break;          // off-diagonal below rounding of the diagonal
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    if (apq == 0) continue;
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k * n + p], akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p * n + k], aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k * n + p], vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
        }
        double max = 0;
        for (int i = 0; i < n; i++) max = Math.Max(max, Math.Abs(a[i * n + i]));
        var inv = new double[n * n];
        for (int k = 0; k < n; k++)
        {
            double lambda = a[k * n + k];
            if (Math.Abs(lambda) <= 1e-15 * max) continue;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) inv[i * n + j] += v[i * n + k] * v[j * n + k] / lambda;
        }
        return inv;
    }
}
