using System.Collections;
using System.Globalization;
using SrTrain.Torch.Interop;
using SrTrain.Torch.Optim;

namespace SrTrain.Torch.Amp;

/// <summary>Dynamic loss scaling for fp16 training (PyTorch: torch.cuda.amp.GradScaler, same defaults and update
/// rule). The loss is multiplied by <see cref="Scale"/> before backward so small fp16 gradients do not flush to zero;
/// <see cref="Unscale"/> divides the gradients back (before clipping or any check reads them) and reports whether any
/// is inf or NaN; the caller then skips the optimizer step on inf/NaN and calls <see cref="Update"/>, which halves the
/// scale after a skipped step and doubles it after <see cref="GrowthInterval"/> clean steps in a row. The scale is a
/// float32 value as in PyTorch (its factors are powers of two, so every value is exact). One scaler per optimizer.</summary>
public sealed class GradScaler
{
    /// <summary>A scaler with GradScaler's defaults: init_scale 2^16, growth_factor 2, backoff_factor 0.5, growth_interval 2000.</summary>
    public GradScaler(double initScale = 65536.0, double growthFactor = 2.0, double backoffFactor = 0.5, int growthInterval = 2000)
    {
        if (!(growthFactor > 1.0)) throw new ArgumentOutOfRangeException(nameof(growthFactor), growthFactor, "growth_factor must be > 1");
        if (!(backoffFactor < 1.0 && backoffFactor > 0)) throw new ArgumentOutOfRangeException(nameof(backoffFactor), backoffFactor, "backoff_factor must be in (0, 1)");
        if (growthInterval < 1) throw new ArgumentOutOfRangeException(nameof(growthInterval), growthInterval, "growth_interval must be >= 1");
        Scale = (float)initScale;
        (GrowthFactor, BackoffFactor, GrowthInterval) = (growthFactor, backoffFactor, growthInterval);
    }

    /// <summary>The current loss scale (PyTorch: get_scale()).</summary>
    public float Scale { get; private set; }

    /// <summary>Clean steps in a row since the scale last changed (PyTorch: _growth_tracker).</summary>
    public int GrowthTracker { get; private set; }

    public double GrowthFactor { get; private set; }
    public double BackoffFactor { get; private set; }
    public int GrowthInterval { get; private set; }

    /// <summary><paramref name="loss"/> times the scale (PyTorch: scaler.scale(loss)), in the loss's dtype.</summary>
    public Tensor ScaleLoss(Tensor loss) => loss * (double)Scale;

    /// <summary>Divides every gradient of <paramref name="parameters"/> in place by the scale (multiplies by the float32
    /// reciprocal, as GradScaler.unscale_) and returns true when any gradient held an inf or NaN (one host sync).</summary>
    public unsafe bool Unscale(IEnumerable<Tensor> parameters)
    {
        using var scope = LibTorch.NewDisposeScope();
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return false;
        // PyTorch: inv_scale = self._scale.double().reciprocal().float()
        double inv = (float)(1.0 / Scale);
        var raw = Tensor.Raws(grads);
        int found;
        fixed (nint* p = raw) Native.Check(Native.srt_amp_unscale(p, raw.Length, inv, out found));
        GC.KeepAlive(grads);
        return found != 0;
    }

    /// <summary>The scale update after one optimizer step (PyTorch: scaler.update(), ATen's _amp_update_scale_): on inf/NaN
    /// the scale times backoff_factor and the tracker reset; otherwise the tracker counts up and at growth_interval the
    /// scale grows by growth_factor (unless that overflows float32) and the tracker resets.</summary>
    public void Update(bool foundInf)
    {
        if (foundInf)
        {
            Scale = (float)(Scale * BackoffFactor);
            GrowthTracker = 0;
            return;
        }
        int successful = GrowthTracker + 1;
        if (successful == GrowthInterval)
        {
            float grown = (float)(Scale * GrowthFactor);
            if (float.IsFinite(grown)) Scale = grown;
            GrowthTracker = 0;
        }
        else GrowthTracker = successful;
    }

    /// <summary>The state as GradScaler.state_dict() lays it out: scale, growth_factor, backoff_factor, growth_interval, _growth_tracker.</summary>
    public Dictionary<string, object?> StateDict() => new()
    {
        ["scale"] = (double)Scale,
        ["growth_factor"] = GrowthFactor,
        ["backoff_factor"] = BackoffFactor,
        ["growth_interval"] = (long)GrowthInterval,
        ["_growth_tracker"] = (long)GrowthTracker,
    };

    /// <summary>Restores a state from <see cref="StateDict"/> (or PyTorch's GradScaler.state_dict()).</summary>
    public void LoadStateDict(IDictionary state)
    {
        ArgumentNullException.ThrowIfNull(state);
        double scale = StateTree.AsDouble(StateTree.Get(state, "scale", ""), "scale");
        if (!(scale > 0) || !double.IsFinite(scale))
            throw new InvalidDataException($"grad scaler state: scale must be a positive finite number, got {scale.ToString(CultureInfo.InvariantCulture)}");
        double growth = StateTree.AsDouble(StateTree.Get(state, "growth_factor", ""), "growth_factor");
        double backoff = StateTree.AsDouble(StateTree.Get(state, "backoff_factor", ""), "backoff_factor");
        long interval = StateTree.AsLong(StateTree.Get(state, "growth_interval", ""), "growth_interval");
        long tracker = StateTree.AsLong(StateTree.Get(state, "_growth_tracker", ""), "_growth_tracker");
        if (!(growth > 1) || !(backoff > 0 && backoff < 1) || interval < 1 || tracker < 0 || tracker >= interval)
            throw new InvalidDataException($"grad scaler state: growth_factor {growth}, backoff_factor {backoff}, growth_interval {interval}, " +
                                           $"_growth_tracker {tracker} are not a valid GradScaler state");
        (Scale, GrowthFactor, BackoffFactor, GrowthInterval, GrowthTracker) = ((float)scale, growth, backoff, (int)interval, (int)tracker);
    }
}
