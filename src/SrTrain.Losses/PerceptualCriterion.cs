namespace SrTrain.Losses;

/// <summary>How <see cref="PerceptualLoss"/> compares features (BasicSR's <c>criterion</c> values).</summary>
public enum PerceptualCriterion
{
    /// <summary>Mean absolute difference.</summary>
    L1,
    /// <summary>Mean squared difference (PyTorch: nn.MSELoss).</summary>
    L2,
    /// <summary>Frobenius norm of the difference (not divided by the element count).</summary>
    Fro,
}
