namespace SrTrain.Data;

/// <summary>An image a region can be cut from as a float <see cref="Image"/>: a decoded <see cref="Image"/>, or a
/// <see cref="StoredImage"/> that converts only the region. The crop transforms take either.</summary>
public interface ICroppable
{
    int Height { get; }
    int Width { get; }

    /// <summary>Rows [top, top+height) x columns [left, left+width) as a new image; a region outside is an error.</summary>
    Image Crop(int top, int left, int height, int width);
}
