using SrTrain.Torch;

namespace SrTrain.Engine.Inference;

/// <summary>Runs a network over an image in tiles so any size fits in bounded memory: each LQ tile of
/// <c>tile</c> pixels is extended by <c>tilePad</c> pixels of real context on each side, super-resolved,
/// and only its centre is kept, so seams vanish once the pad covers the network's receptive field.</summary>
public static class TiledInference
{
    public static Tensor Run(Func<Tensor, Tensor> run, Tensor lq, int tile, int tilePad, int scale)
    {
        if (tile <= 0) throw new ArgumentOutOfRangeException(nameof(tile), "tile size must be positive");
        var shape = lq.Shape;
        long n = shape[0], c = shape[1], h = shape[2], w = shape[3];
        if (h <= tile && w <= tile) return run(lq);

        Tensor? output = null;
        long tilesY = (h + tile - 1) / tile, tilesX = (w + tile - 1) / tile;
        for (long ty = 0; ty < tilesY; ty++)
        for (long tx = 0; tx < tilesX; tx++)
        {
            using var scope = LibTorch.NewDisposeScope();
            long y0 = ty * tile, x0 = tx * tile;
            long y1 = Math.Min(y0 + tile, h), x1 = Math.Min(x0 + tile, w);
            long py0 = Math.Max(y0 - tilePad, 0), px0 = Math.Max(x0 - tilePad, 0);
            long py1 = Math.Min(y1 + tilePad, h), px1 = Math.Min(x1 + tilePad, w);
            var input = lq.Narrow(2, py0, py1 - py0).Narrow(3, px0, px1 - px0);
            var sr = run(input);
            if (output is null)
            {
                long outC = sr.Size(1);
                output = Tensor.Zeros([n, outC, h * scale, w * scale], sr.DType, sr.Device).MoveToOuterScope();
            }
            var centre = sr.Narrow(2, (y0 - py0) * scale, (y1 - y0) * scale).Narrow(3, (x0 - px0) * scale, (x1 - x0) * scale);
            output.Narrow(2, y0 * scale, (y1 - y0) * scale).Narrow(3, x0 * scale, (x1 - x0) * scale).CopyFrom(centre);
        }
        return output!;
    }
}
