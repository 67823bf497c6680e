using SrTrain.Tools.Reporting;
using SrTrain.Tools.Reporting.Figures;

namespace SrTrain.Tools.Tests.Reporting;

public class LabelledRowTests
{
    private static float[] Ramp(int w, int h, int channels, float offset) =>
        Enumerable.Range(0, w * h * channels).Select(i => (i % 97) / 97f * 0.5f + offset).ToArray();

    [Fact]
    public void Images_are_copied_exactly_under_labels_in_dark_ink()
    {
        var a = new LabelledImage("alpha 0", Ramp(96, 40, 3, 0), 96, 40);
        var b = new LabelledImage("grey", Ramp(80, 30, 1, 0.25f), 80, 30, Channels: 1);
        var row = LabelledRow.Render([a, b], gap: 4);
        Assert.Equal((96 + 4 + 80, LabelledRow.LabelHeight + 40), (row.Width, row.Height));
        for (int y = 0; y < 40; y++)
            for (int x = 0; x < 96; x++)
                for (int c = 0; c < 3; c++) Assert.Equal(a.Pixels[(y * 96 + x) * 3 + c], row[x, LabelledRow.LabelHeight + y, c]);
        Assert.Equal(b.Pixels[0], row[100, LabelledRow.LabelHeight, 2]);                         // grey spread to RGB
        Assert.Equal(1f, row[100, LabelledRow.LabelHeight + 35, 0]);                              // below the shorter image: white
        int Ink(int left, int width) => Enumerable.Range(0, LabelledRow.LabelHeight)
            .Sum(y => Enumerable.Range(left, width).Count(x => row[x, y, 0] < 0.5f));
        Assert.InRange(Ink(0, 96), 15, 96 * LabelledRow.LabelHeight / 3);
        Assert.InRange(Ink(100, 80), 10, 80 * LabelledRow.LabelHeight / 3);
        Assert.Equal(0, Ink(96, 4));                                                              // the gap holds no text
    }

    [Fact]
    public void A_column_widens_for_a_label_wider_than_its_image_instead_of_cutting_it()
    {
        var strip = CropStrip.Render([("bicubic x4", Ramp(16, 16, 3, 0)), ("GT", Ramp(16, 16, 3, 0.1f))], 16, zoom: 2);
        Assert.Equal(2 * CropStrip.Gap + LabelledRow.LabelHeight + 32, strip.Height);
        Assert.True(strip.Width > CropStrip.Gap + 2 * (32 + CropStrip.Gap), $"width {strip.Width}: 'bicubic x4' needs more than 32 pixels");
        // The zoomed GT panel ends at the strip's right margin, each source pixel a 2x2 block.
        int gtLeft = strip.Width - CropStrip.Gap - 32, top = CropStrip.Gap + LabelledRow.LabelHeight;
        Assert.Equal(0.1f, strip[gtLeft, top, 0]);
        Assert.Equal(strip[gtLeft, top, 1], strip[gtLeft + 1, top + 1, 1]);
    }
}
