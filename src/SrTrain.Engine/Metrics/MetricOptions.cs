namespace SrTrain.Engine.Metrics;

/// <summary>Checks of the option values BasicSR's metric functions accept.</summary>
internal static class MetricOptions
{
    public static void Check(int cropBorder, string inputOrder, string better)
    {
        if (cropBorder < 0) throw new ArgumentException($"crop_border must be >= 0, got {cropBorder}");
        if (inputOrder != "HWC")
            throw new ArgumentException($"input_order '{inputOrder}' is not supported: images are HWC here (CHW tensors go to the *_pt metrics)");
        if (better is not ("higher" or "lower"))
            throw new ArgumentException($"better must be 'higher' or 'lower', got '{better}'");
    }
}
