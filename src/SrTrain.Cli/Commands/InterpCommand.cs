using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SrTrain.Tools.Inference;
using SrTrain.Tools.Interpolation;
using SrTrain.Torch;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain interp --a psnr.pth --b esrgan.pth --alpha 0.8 -o interp.pth</c> (ESRGAN network
/// interpolation), or with <c>--sweep 0:0.2:1 --arch ... --scale 4 -i images -o dir</c> one labelled image grid
/// per input across the alphas.</summary>
internal static class InterpCommand
{
    public static Command Create()
    {
        var a = new Option<FileInfo>("--a") { Description = "network at alpha 0 (the PSNR-oriented one)", Required = true };
        var b = new Option<FileInfo>("--b") { Description = "network at alpha 1 (the GAN one)", Required = true };
        var alpha = new Option<double?>("--alpha") { Description = "theta = (1 - alpha) theta_a + alpha theta_b (ESRGAN: 0.8)" };
        var output = new Option<string>("--output", "-o") { Description = "interpolated checkpoint (.pth), or the grid folder with --sweep", Required = true };
        var paramKey = InferCommand.ParamKey();
        var sweep = new Option<string>("--sweep") { Description = "alphas start:step:stop (0:0.2:1) or a list (0,0.5,1): write one image grid per input" };
        var arch = new Option<string>("--arch") { Description = "arch for --sweep, e.g. RRDBNet" };
        var archOpt = InferCommand.ArchOptions();
        var scale = new Option<int?>("--scale", "-s") { Description = "upscaling factor for --sweep" };
        var input = new Option<string>("--input", "-i") { Description = "image file or folder for --sweep" };
        var tile = new Option<int>("--tile") { Description = "LQ tile size for --sweep (0 = whole image)", DefaultValueFactory = _ => 0 };
        var tilePad = new Option<int>("--tile-pad") { Description = "context pixels around each tile", DefaultValueFactory = _ => 10 };
        var device = InferCommand.Device();
        var command = new Command("interp", "interpolate two networks (ESRGAN), or sweep alpha into image grids")
        {
            a, b, alpha, output, paramKey, sweep, arch, archOpt, scale, input, tile, tilePad, device,
        };
        command.SetAction(result =>
        {
            string pathA = result.GetValue(a)!.FullName, pathB = result.GetValue(b)!.FullName, outPath = result.GetValue(output)!;
            var key = result.GetValue(paramKey);
            void Log(string note) => Console.Error.WriteLine($"interp: {note}");
            var stateA = NetworkInterpolation.Read(pathA, key, Log);
            Dictionary<string, Tensor>? stateB = null;
            try
            {
                stateB = NetworkInterpolation.Read(pathB, key, Log);
                if (result.GetValue(sweep) is { } spec)
                {
                    var alphas = InterpolationSweep.ParseAlphas(spec);
                    var archName = result.GetValue(arch) ?? throw new ArgumentException("--sweep needs --arch (e.g. --arch RRDBNet)");
                    var s = result.GetValue(scale) ?? throw new ArgumentException("--sweep needs --scale");
                    var inputs = Upscaler.ListInputs(result.GetValue(input) ?? throw new ArgumentException("--sweep needs -i <image file or folder>"));
                    var settings = new UpscaleSettings(result.GetValue(tile), result.GetValue(tilePad), Device: Device.Parse(result.GetValue(device)!));
                    using var upscaler = new Upscaler(Upscaler.BuildArch(archName, ArchOptionParser.Parse(result.GetValue(archOpt)), s), s, settings);
                    IReadOnlyList<string> grids = [];
                    AnsiConsole.Progress().Start(ctx =>
                    {
                        var task = ctx.AddTask("sweep", maxValue: inputs.Count);
                        grids = InterpolationSweep.Run(upscaler, stateA, stateB, alphas, inputs, outPath, pathA, pathB, _ => task.Increment(1));
                    });
                    Console.WriteLine($"{grids.Count} grid(s) of alpha {string.Join(", ", alphas.Select(x => x.ToString(CultureInfo.InvariantCulture)))} written to {outPath}");
                    return 0;
                }
                var value = result.GetValue(alpha) ?? throw new ArgumentException("give --alpha (e.g. 0.8) or --sweep");
                var mixed = NetworkInterpolation.Interpolate(stateA, stateB, value, pathA, pathB);
                try
                {
                    NetworkInterpolation.Save(outPath, mixed);
                }
                finally
                {
                    foreach (var t in mixed.Values) t.Dispose();
                }
                Console.WriteLine($"{outPath}: {mixed.Count} tensors = {(1 - value).ToString("0.###", CultureInfo.InvariantCulture)} x {Path.GetFileName(pathA)} + {value.ToString("0.###", CultureInfo.InvariantCulture)} x {Path.GetFileName(pathB)} (key 'params')");
                return 0;
            }
            finally
            {
                foreach (var t in stateA.Values) t.Dispose();
                if (stateB is not null) foreach (var t in stateB.Values) t.Dispose();
            }
        });
        return command;
    }
}
