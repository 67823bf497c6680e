using System.CommandLine;
using SrTrain.Cli.Prepare;
using SrTrain.Data.Preparation;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain prepare subimages|lr|meta-info|demo</c>: BasicSR's dataset preparation scripts
/// (extract_subimages, MATLAB bicubic LR, generate_meta_info) over SrTrain.Data.Preparation, with a progress
/// bar on a terminal and images/s.</summary>
internal static class PrepareCommand
{
    public static Command Create() => new("prepare", "prepare datasets: sub-images, bicubic LR, meta_info files, demo data")
    {
        SubImagesCommand(), LowResolutionCommand(), MetaInfoCommand(), DemoCommand(),
    };

    private static Option<string> Input(string what) => new("--input", "-i") { Description = what, Required = true };
    private static Option<string> Output(string what) => new("--output", "-o") { Description = what, Required = true };
    private static Option<int> Workers() => new("--workers") { Description = "parallel images (default: all cores)", DefaultValueFactory = _ => 0 };

    private static Command SubImagesCommand()
    {
        var input = Input("folder of images (e.g. DIV2K_train_HR)");
        var output = Output("folder for the tiles (e.g. DIV2K_train_HR_sub)");
        var crop = new Option<int>("--crop") { Description = "tile size (BasicSR: 480 for GT; divide by the scale for LQ)", DefaultValueFactory = _ => SubImages.DefaultCrop };
        var step = new Option<int>("--step") { Description = "distance between tiles (BasicSR: 240 for GT)", DefaultValueFactory = _ => SubImages.DefaultStep };
        var thresh = new Option<int>("--thresh") { Description = "add a tile flush with the border when more than this many pixels are left", DefaultValueFactory = _ => SubImages.DefaultThresh };
        var workers = Workers();
        var command = new Command("subimages", "cut images into overlapping tiles named 0001_s001.png (BasicSR extract_subimages)")
        {
            input, output, crop, step, thresh, workers,
        };
        command.SetAction(r =>
        {
            int tiles = ProgressDisplay.Run(p => SubImages.Extract(r.GetValue(input)!, r.GetValue(output)!, r.GetValue(crop), r.GetValue(step),
                                                                   r.GetValue(thresh), p, r.GetValue(workers)));
            Console.WriteLine($"wrote {tiles} tiles to {r.GetValue(output)}");
            return 0;
        });
        return command;
    }

    private static Command LowResolutionCommand()
    {
        var input = Input("folder of HR images");
        var output = Output("folder for the LR images");
        var scale = new Option<int>("--scale") { Description = "downscaling factor", Required = true };
        var keepNames = new Option<bool>("--keep-names") { Description = "name LR files as the HR ones (default: DIV2K's 0001x4.png)" };
        var workers = Workers();
        var command = new Command("lr", "make LR images by MATLAB bicubic downscaling (mod-crop, then imresize 1/scale)")
        {
            input, output, scale, keepNames, workers,
        };
        command.SetAction(r =>
        {
            int n = ProgressDisplay.Run(p => LowResolution.Make(r.GetValue(input)!, r.GetValue(output)!, r.GetValue(scale), r.GetValue(keepNames), p,
                                                                r.GetValue(workers)));
            Console.WriteLine($"wrote {n} x{r.GetValue(scale)} images to {r.GetValue(output)}");
            return 0;
        });
        return command;
    }

    private static Command MetaInfoCommand()
    {
        var input = Input("folder of images");
        var output = Output("meta_info file to write (lines like '0001_s001.png (480,480,3)')");
        var workers = Workers();
        var command = new Command("meta-info", "write a BasicSR meta_info file listing a folder's images and their sizes") { input, output, workers };
        command.SetAction(r =>
        {
            int n = ProgressDisplay.Run(p => MetaInfo.Write(r.GetValue(input)!, r.GetValue(output)!, p, r.GetValue(workers)));
            Console.WriteLine($"wrote {n} lines to {r.GetValue(output)}");
            return 0;
        });
        return command;
    }

    private static Command DemoCommand()
    {
        var root = new Option<string>("--root") { Description = "where to build the tree", DefaultValueFactory = _ => Path.Combine("datasets", "demo") };
        var command = new Command("demo",
            "build the tiny DIV2K-shaped demo tree from photos in Debian packages (mate-backgrounds, python3-skimage)") { root };
        command.SetAction(r =>
        {
            var target = r.GetValue(root)!;
            bool built = ProgressDisplay.Run(p => DemoData.Build(target, p));
            Console.WriteLine(built ? $"built the demo data in {target}" : $"{target} is complete (delete it to rebuild)");
            return 0;
        });
        return command;
    }
}
