using System.CommandLine;
using System.Globalization;
using SrTrain.Tools.Reporting;
using SrTrain.Data;
using SrTrain.Data.Pipeline;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain ablation -opt options/ablation/srresnet_edsr_esrgan.yml [--set k=v]</c>: trains the file's runs under one
/// budget and writes results/&lt;name&gt;/report.md and report.html (<see cref="AblationRunner"/>).</summary>
internal static class AblationCommand
{
    public static Command Create()
    {
        var opt = CommonOptions.OptionFile();
        opt.Description = "ablation file (options/ablation/*.yml): shared datasets and budget, a list of runs";
        var set = CommonOptions.Set();
        var command = new Command("ablation", "train several models under one budget and write a comparison report (results/<name>/report.md, report.html)")
        {
            opt, set,
        };
        command.SetAction(result =>
        {
            var plan = AblationPlan.Load(result.GetValue(opt)!.FullName, result.GetValue(set) ?? []);
            Console.WriteLine($"ablation {plan.Options.Name}: {plan.Steps.Count} runs ({string.Join(" -> ", plan.Steps.Select(s => s.Label))}), " +
                              $"{plan.Options.Budget.TotalIter} iterations each, val sets {string.Join(", ", plan.ValPhases)}");
            // Bicubic baseline with MATLAB's kernel, the one the LR images were made with.
            var runner = new AblationRunner(plan, new DataPipeline(), new ImageFileWriter(), (lq, scale) => Imresize.Resize(lq, scale),
                                            line => Console.WriteLine($"ablation: {line}"));
            var report = runner.Run();
            foreach (var s in report.Sets)
            {
                Console.WriteLine($"{s}:");
                foreach (var row in report.Scores.Where(r => r.Set == s))
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {row.Model,-24} PSNR {row.PsnrRgb,6:F2} dB  SSIM {row.SsimRgb:F4}  (Y: {row.PsnrY:F2} dB, {row.SsimY:F4})"));
            }
            Console.WriteLine($"report: {Path.Combine(plan.ResultsDir, "report.md")}");
            Console.WriteLine($"        {Path.Combine(plan.ResultsDir, "report.html")}");
            return 0;
        });
        return command;
    }
}
