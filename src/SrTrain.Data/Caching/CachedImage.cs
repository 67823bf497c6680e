namespace SrTrain.Data.Caching;

/// <summary>An image in a mapped decode cache: cropping reads only the patch's rows from memory and converts
/// them exactly as decoding would (8-bit v / 255f, 16-bit v / 65535f, float as stored).</summary>
internal sealed unsafe class CachedImage(byte* data, int height, int width, int channels, int bytesPerValue) : StoredImage
{
    private static readonly float[] Lut8 = Enumerable.Range(0, 256).Select(v => v / 255.0f).ToArray();

    public override int Height => height;
    public override int Width => width;
    public override int Channels => channels;

    protected override void CropTo(int top, int left, int h, int w, Span<float> destination)
    {
        int row = w * channels;
        for (int y = 0; y < h; y++)
        {
            long start = ((long)(top + y) * width + left) * channels;
            var dst = destination.Slice(y * row, row);
            switch (bytesPerValue)
            {
                case 1:
                {
                    var src = new ReadOnlySpan<byte>(data + start, row);
                    var lut = Lut8;
                    for (int i = 0; i < row; i++) dst[i] = lut[src[i]];
                    break;
                }
                case 2:
                {
                    var src = new ReadOnlySpan<ushort>((ushort*)data + start, row);
                    for (int i = 0; i < row; i++) dst[i] = src[i] / 65535.0f;
                    break;
                }
                default:
                    new ReadOnlySpan<float>((float*)data + start, row).CopyTo(dst);
                    break;
            }
        }
    }
}
