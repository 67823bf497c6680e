namespace SrTrain.Losses;

/// <summary>GAN objectives of <see cref="GanLoss"/> (BasicSR's <c>gan_type</c> values).</summary>
public enum GanType
{
    /// <summary>The original GAN: binary cross-entropy on logits.</summary>
    Vanilla,
    /// <summary>Least-squares GAN: mean squared error to the label.</summary>
    Lsgan,
    /// <summary>Wasserstein GAN: -mean for real, +mean for fake.</summary>
    Wgan,
    /// <summary>Wasserstein GAN with softplus: softplus(-x) for real, softplus(x) for fake.</summary>
    WganSoftplus,
    /// <summary>Hinge loss: relu(1 -+ x) for the discriminator, -mean for the generator.</summary>
    Hinge,
}
