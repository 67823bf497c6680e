namespace SrTrain.Data;

/// <summary>How channels of a file are mapped when it is decoded (BasicSR's imfrombytes flags, plus an
/// explicit RGBA mode).</summary>
public enum ImageReadMode
{
    /// <summary>Three channels RGB: grayscale replicated, alpha dropped (cv2.IMREAD_COLOR, keeping 16 bits).</summary>
    Rgb = 0,
    /// <summary>Four channels RGBA: alpha kept, opaque alpha added to images without one.</summary>
    Rgba = 1,
    /// <summary>One channel (cv2.IMREAD_GRAYSCALE: the codec's own luma for colour files).</summary>
    Gray = 2,
    /// <summary>Channels as stored (1, 3 or 4), colour ones in RGB(A) order.</summary>
    Unchanged = 3,
}
