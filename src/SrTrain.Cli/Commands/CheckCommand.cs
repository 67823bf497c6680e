using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Data.Checking;
using SrTrain.Tools.Reporting;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain check -opt FILE [--set k=v] [--headers-only] [--all]</c>: everything that can stop a run, found
/// before it starts: contradicting options, and every dataset the file names read in full (images per root,
/// unpaired names both ways, GT/LQ sizes for the scale, images smaller than the patch, unreadable or truncated
/// files, grayscale/alpha images, duplicates), and the checkpoints' disk space against what is free. One table;
/// exit code 0 only when training can start. An ablation file (<c>runs:</c>) is checked as its runs: their options
/// each, their shared datasets once, their checkpoints together.</summary>
internal static class CheckCommand
{
    /// <summary>Exit code when the check ran and found something that stops training.</summary>
    public const int ProblemsFound = 1;

    private static readonly FindingKind[] PairedKinds =
    [
        FindingKind.GtWithoutLq, FindingKind.LqWithoutGt, FindingKind.MissingFile, FindingKind.ScaleMismatch, FindingKind.TooSmall,
        FindingKind.Unreadable, FindingKind.Grayscale, FindingKind.Alpha, FindingKind.Duplicate,
    ];

    public static Command Create()
    {
        var opt = CommonOptions.OptionFile();
        var set = CommonOptions.Set();
        var headersOnly = new Option<bool>("--headers-only") { Description = "read PNG headers only (what train checks itself): no decoding, no duplicates" };
        var all = new Option<bool>("--all") { Description = "list every finding under the table, not only the first of each kind" };
        var command = new Command("check", "read every dataset an option file names and report what would stop or spoil training") { opt, set, headersOnly, all };
        command.SetAction(result => Run(result.GetValue(opt)!, result.GetValue(set) ?? [], !result.GetValue(headersOnly), result.GetValue(all)));
        return command;
    }

    private static int Run(FileInfo file, string[] sets, bool deep, bool listAll)
    {
        if (!file.Exists) throw new FileNotFoundException($"option file not found: {file.FullName}");
        ConstructorBinder.TakeWarnings();
        // An ablation file is checked as the runs it composes (named in the messages); they share its datasets.
        bool ablation = OptionsCommand.IsAblationFile(file);
        bool isTrain = ablation || OptionsCommand.IsTrainFile(file);
        // Run: how messages name an ablation's run (runs[1] (edsr)); null for an experiment file.
        List<(string? Run, ExperimentOptions Options)> runs = ablation
            ? [.. AblationPlan.Load(file.FullName, sets, check: true).Steps.Select(step => ((string?)step.Where, step.Options))]
            : [(null, CommonOptions.Load(file, sets, isTrain))];
        var o = runs[0].Options;

        var optionErrors = new List<string>();
        var optionWarnings = new List<string>();
        foreach (var (run, options) in runs)
        {
            string prefix = run is null ? "" : $"{run}: ";
            var (errors, warnings) = OptionConsistency.Check(options);
            try { OptionsCommand.CheckSections(options); }
            catch (OptionException e) { errors.Add(e.Message); }
            optionErrors.AddRange(errors.Select(e => prefix + e));
            optionWarnings.AddRange(warnings.Select(w => prefix + w));
        }
        optionWarnings.AddRange(ConstructorBinder.TakeWarnings());

        var report = new DatasetReport();
        var setNames = new List<string>();
        foreach (var (phase, raw) in o.Datasets)
        {
            var where = $"datasets.{phase}";
            setNames.Add(where);
            try
            {
                var section = OptionConversion.AsMap(raw, where).ToDictionary(kv => kv.Key, kv => kv.Value);
                DatasetInspector.Inspect(phase, section, o.Scale, deep, report);
            }
            catch (Exception e) when (e is OptionException or ArgumentException or IOException)
            {
                optionErrors.Add(e.Message);
            }
        }

        // Every run keeps its checkpoints: together they must fit (one file system: the runs' experiments share a root).
        var spaces = new List<(string? Run, CheckpointSpace Space)>();
        string? spaceError = null;
        if (isTrain)
            foreach (var (run, options) in runs.Where(r => r.Options.Train is not null))
            {
                try { spaces.Add((run, CheckpointSpace.Estimate(options))); }
                catch (Exception e) when (e is OptionException or ArgumentException) { spaceError = (run is null ? "" : $"{run}: ") + e.Message; }
            }
        long free = spaces.Count == 0 ? -1 : spaces[0].Space.FreeBytes;
        bool spaceOk = free < 0 || spaces.Sum(x => x.Space.NeededBytes) <= free;

        var console = Output();
        console.Write(Table(file, o, report, setNames, optionErrors, optionWarnings, spaces, spaceOk, spaceError, deep));
        var findings = report.Findings.GroupBy(f => (f.Set, f.Kind)).SelectMany(g => listAll ? g : g.Take(g.First().Blocking ? 20 : 3)).ToList();
        foreach (var f in findings) console.WriteLine((f.Blocking ? "error: " : "warning: ") + f);
        foreach (var e in optionErrors) console.WriteLine("error: " + e);
        foreach (var w in optionWarnings) console.WriteLine("warning: " + w);
        bool ok = optionErrors.Count == 0 && report.CanTrain && spaceOk;
        console.WriteLine(ok
            ? $"{file.Name}: training can start ({report.ImagesInspected} images {(deep ? "read" : "headers read")})"
            : $"{file.Name}: training cannot start: {report.Findings.Count(f => f.Blocking) + optionErrors.Count + (spaceOk ? 0 : 1)} problem(s)");
        return ok ? 0 : ProblemsFound;
    }

    private static Table Table(FileInfo file, ExperimentOptions o, DatasetReport report, List<string> setNames, List<string> optionErrors,
                               List<string> optionWarnings, List<(string? Run, CheckpointSpace Space)> spaces, bool spaceOk,
                               string? spaceError, bool deep)
    {
        var table = new Table { Title = new TableTitle($"srtrain check {Markup.Escape(file.Name)} (scale {o.Scale}{(deep ? "" : ", headers only")})") };
        table.AddColumns("set", "check", "result", "details");
        table.AddRow(Cells("options", "contradictions", Result(optionErrors.Count, optionWarnings.Count), First(optionErrors.Concat(optionWarnings))));
        foreach (var r in report.Roots)
            table.AddRow(Cells(r.Set, $"images in {r.Key}", r.Images.ToString(CultureInfo.InvariantCulture), r.Root));
        foreach (var set in setNames)
        {
            var mine = report.Findings.Where(f => f.Set == set).ToList();
            foreach (var kind in PairedKinds.Concat(mine.Select(f => f.Kind)).Distinct())
            {
                var of = mine.Where(f => f.Kind == kind).ToList();
                if (of.Count == 0 && ((!deep && kind is FindingKind.Duplicate or FindingKind.Unreadable) ||
                                      (kind == FindingKind.TooSmall && set != "datasets.train"))) continue;
                table.AddRow(Cells(set, DatasetFinding.Label(kind),
                                   of.Count == 0 ? "ok" : of[0].Blocking ? $"FAIL {of.Count}" : $"warn {of.Count}",
                                   First(of.Select(f => f.Subject + (f.Detail.Length > 0 ? ": " + f.Detail : "")))));
            }
        }
        foreach (var (run, space) in spaces)
            table.AddRow(Cells("checkpoints", run is null ? "disk space" : $"disk space, {run}",
                spaceOk ? "ok" : "FAIL",
                $"{space.Saves} save(s) x {CheckpointSpace.Format(space.BytesPerSave)} = {CheckpointSpace.Format(space.NeededBytes)}; " +
                (space.FreeBytes < 0 ? "free space unknown" : $"{CheckpointSpace.Format(space.FreeBytes)} free") + $" under {space.Folder}" +
                (spaces.Count > 1 ? $" ({spaces.Count} runs: {CheckpointSpace.Format(spaces.Sum(x => x.Space.NeededBytes))} in all)" : "")));
        if (spaceError is not null) table.AddRow(Cells("checkpoints", "disk space", "?", spaceError));
        return table;
    }

    private static string Result(int errors, int warnings) => errors > 0 ? $"FAIL {errors}" : warnings > 0 ? $"warn {warnings}" : "ok";

    private static string First(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "" : list[0] + (list.Count > 1 ? $" (+{list.Count - 1} more)" : "");
    }

    private static IRenderable[] Cells(params string[] texts) => texts.Select(t => (IRenderable)new Text(t)).ToArray();

    /// <summary>A console on the current <see cref="Console.Out"/> (tests redirect it), wide enough to keep paths on one line
    /// when the output is not a terminal.</summary>
    private static IAnsiConsole Output()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (Console.IsOutputRedirected) console.Profile.Width = 240;
        return console;
    }
}
