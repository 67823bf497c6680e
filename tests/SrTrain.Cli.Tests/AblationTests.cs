using System.Globalization;
using System.Xml.Linq;
using SrTrain.Tools.Reporting;
using SrTrain.Tools.Reporting.Figures;
using SrTrain.Data;

namespace SrTrain.Cli.Tests;

/// <summary>`srtrain ablation` as a user runs it, on the smoke data with a tiny budget: SRResNet, EDSR, ESRGAN's PSNR
/// stage and its GAN stage from it; the report, its plots and crops; option errors that name the key.</summary>
[Collection(SerialCliCollection.Name)]
public class AblationTests
{
    private static readonly SmokeData Data = new(trainImages: 4, valImages: 2, hrSize: 48);

    private static string[] Labels => ["SRResNet", "EDSR", "ESRGAN-PSNR", "ESRGAN"];

    private static string AblationFile(string root, string name = "abl", Func<string, string>? edit = null)
    {
        var text = $$$"""
            name: {{{name}}}
            scale: {{{Data.Scale}}}
            num_gpu: 0
            manual_seed: 3
            root: {{{root}}}
            budget: {total_iter: 4, batch_size: 2, gt_size: 32, print_freq: 1}
            datasets:
              train:
                type: PairedImageDataset
                dataroot_gt: {{{Data.Hr("train")}}}
                dataroot_lq: {{{Data.Lr("train")}}}
                use_hflip: true
                use_rot: true
                num_worker_per_gpu: 0
              val:
                name: smoke_val
                type: PairedImageDataset
                dataroot_gt: {{{Data.Hr("val")}}}
                dataroot_lq: {{{Data.Lr("val")}}}
              val_2:
                name: smoke_train_as_val
                type: PairedImageDataset
                dataroot_gt: {{{Data.Hr("train")}}}
                dataroot_lq: {{{Data.Lr("train")}}}
            train:
              optim_g: {type: Adam, lr: !!float 1e-3}
              pixel_opt: {type: L1Loss, loss_weight: 1.0}
            runs:
              - {name: srresnet, label: SRResNet, network_g: {type: MSRResNet, num_feat: 8, num_block: 1, upscale: 4}}
              - {name: edsr, label: EDSR, network_g: {type: EDSR, num_feat: 8, num_block: 1, upscale: 4}}
              - {name: esrgan_psnr, label: ESRGAN-PSNR, network_g: {type: RRDBNet, num_feat: 8, num_block: 1, num_grow_ch: 4}}
              - name: esrgan
                label: ESRGAN
                model_type: ESRGANModel
                init_from: esrgan_psnr
                total_iter: 2
                network_g: {type: RRDBNet, num_feat: 8, num_block: 1, num_grow_ch: 4}
                network_d: {type: UNetDiscriminatorSN, num_in_ch: 3, num_feat: 4}
                train:
                  optim_d: {type: Adam, lr: !!float 1e-4}
                  pixel_opt: {type: L1Loss, loss_weight: !!float 1e-2}
                  perceptual_opt: {type: PerceptualLoss, layer_weights: {'conv1_2': 1}, vgg_pretrained: false, perceptual_weight: 1.0}
                  gan_opt: {type: GANLoss, gan_type: vanilla, loss_weight: !!float 5e-3}
            report: {crop_size: 16, max_crops: 1}
            """;
        Directory.CreateDirectory(root);
        var path = Path.Combine(root, name + ".yml");
        File.WriteAllText(path, edit is null ? text : edit(text));
        return path;
    }

    private static (int Code, string Error) Cli(params string[] args)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            return (Program.Main(args), error.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    [Fact]
    public void ReportHasEveryModelOnEverySetPlotsAndCrops()
    {
        var root = RepoPaths.NewTempDir("srtrain-ablation");
        var (code, error) = Cli("ablation", "-opt", AblationFile(root));
        Assert.True(code == 0, error);
        var dir = Path.Combine(root, "results", "abl");
        var md = File.ReadAllText(Path.Combine(dir, "report.md"));

        // Every (model, set) cell, bicubic included, with numbers: in the CSV and in each set's table.
        var csv = File.ReadAllLines(Path.Combine(dir, "scores.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        foreach (var set in new[] { "smoke_val", "smoke_train_as_val" })
        {
            var section = md[md.IndexOf($"## Validation set {set}", StringComparison.Ordinal)..];
            section = section[..section.IndexOf("\n\n", section.IndexOf('|'), StringComparison.Ordinal)];
            foreach (var model in Labels.Prepend("bicubic"))
            {
                var row = Assert.Single(csv, c => c[0] == set && c[1] == model);
                double psnr = double.Parse(row[2], CultureInfo.InvariantCulture), ssim = double.Parse(row[3], CultureInfo.InvariantCulture);
                Assert.InRange(psnr, 5, 60);
                Assert.InRange(ssim, -1, 1);
                Assert.Matches($@"\| {model} \| [-0-9,]+ \| {psnr:F2} \| {ssim:F4} \| [0-9.]+ \| [-0-9.]+ \| ", section);
            }
        }
        Assert.Contains("random", md);                                    // the random-VGG statement
        Assert.Contains("ESRGAN trained 2 iterations instead of the budget's 4", md);
        Assert.Matches(@"\| ESRGAN \| ESRGANModel \| RRDBNet \| [0-9,]+ \| [0-9,]+ \| 2 \| 2 x 32² \| esrgan_psnr \| [0-9.]+ \|", md);

        // Loss plots: PNGs that decode, with curve pixels; SVGs that parse; the HTML inlines them.
        var plots = Directory.GetFiles(Path.Combine(dir, "plots"), "*.png");
        Assert.Contains(plots, p => p.EndsWith("loss_l_pix.png"));
        Assert.Contains(plots, p => p.EndsWith("loss_l_g_gan.png"));
        // The GAN stage logs its L1 as l_g_pix (BasicSR's name); the report draws it in the l_pix figure with the others.
        Assert.DoesNotContain(plots, p => p.EndsWith("loss_l_g_pix.png"));
        var pixSvg = XDocument.Load(Path.Combine(dir, "plots", "loss_l_pix.svg"));
        var pixTexts = pixSvg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToList();
        Assert.All(Labels, label => Assert.Contains(label, pixTexts));
        Assert.Contains("ESRGAN starts from ESRGAN-PSNR", pixTexts);
        foreach (var png in plots)
        {
            var image = ImageIO.Read(png);
            Assert.Equal((400, 640), (image.Height, image.Width));
            int coloured = 0;
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < image.Width; x++)
                    if (Math.Abs(image[y, x, 0] - image[y, x, 2]) > 0.3f) coloured++;   // curve colours are far from grey
            Assert.True(coloured > 20, $"{png}: {coloured} curve pixels");
            var svg = XDocument.Load(Path.ChangeExtension(png, ".svg"));
            Assert.Equal("svg", svg.Root!.Name.LocalName);
            Assert.Contains(svg.Descendants(), e => e.Name.LocalName == "path");
        }
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        foreach (var png in plots)
        {
            var name = Path.GetFileName(png);
            Assert.Contains($"<img src=\"plots/{name}\"", html);
            Assert.Contains($"<a href=\"plots/{Path.ChangeExtension(name, ".svg")}\">SVG</a>", html);
        }

        // Crops: one strip with bicubic, the four models and GT, each 16 px shown at 2x under its caption.
        var crop = Assert.Single(Directory.GetFiles(Path.Combine(dir, "crops"), "*.png"));
        var strip = ImageIO.Read(crop);
        Assert.Equal(2 * CropStrip.Gap + LabelledRow.LabelHeight + 32, strip.Height);
        Assert.True(strip.Width >= CropStrip.Gap + 6 * (32 + CropStrip.Gap), $"strip width {strip.Width}");
        Assert.Contains("bicubic x4 | SRResNet | EDSR | ESRGAN-PSNR | ESRGAN | GT", md);
    }

    [Theory]
    [InlineData("{type: EDSR, num_feat: 8,", "{type: EDSR, num_feats: 8,", "runs[1] (edsr)", "num_feats")]
    [InlineData("budget: {total_iter: 4,", "budget: {totl_iter: 4,", "budget", "totl_iter")]
    [InlineData("init_from: esrgan_psnr", "init_from: esrgan_psnrr", "runs[3] (esrgan).init_from", "esrgan_psnrr")]
    [InlineData("{name: edsr, label", "{name: edsr, lable", "runs[1]", "lable")]
    [InlineData("perceptual_weight: 1.0}", "perceptual_weigth: 1.0}", "runs[3] (esrgan)", "perceptual_weigth")]
    [InlineData("max_crops: 1}", "max_crops: 1, smoothing: 1}", "report.smoothing", "[0, 1)")]
    public void OptionErrorsNameTheRunAndKeyBeforeAnythingTrains(string from, string to, string where, string key)
    {
        var root = RepoPaths.NewTempDir("srtrain-ablation-typo");
        var (code, error) = Cli("ablation", "-opt", AblationFile(root, edit: t => t.Replace(from, to)));
        Assert.Equal(2, code);
        Assert.Contains(where, error);
        Assert.Contains(key, error);
        Assert.False(Directory.Exists(Path.Combine(root, "experiments")), "nothing trains when a later run is misconfigured");
    }
}
