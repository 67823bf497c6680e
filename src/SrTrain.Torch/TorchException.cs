namespace SrTrain.Torch;

/// <summary>An error raised inside libtorch (or the shim), carrying libtorch's own message,
/// e.g. a conv2d shape mismatch. The native side never lets a C++ exception escape.</summary>
public class TorchException(string message) : Exception(message);
