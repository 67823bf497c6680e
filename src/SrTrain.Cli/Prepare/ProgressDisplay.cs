using System.Diagnostics;
using Spectre.Console;
using SrTrain.Data.Preparation;

namespace SrTrain.Cli.Prepare;

/// <summary>Shows the <see cref="PrepareProgress"/> of a preparation step: a Spectre.Console bar per stage when
/// standard output is a terminal, plain lines otherwise (logs, CI, tests); and an images/s line per stage.</summary>
internal sealed class ProgressDisplay
{
    private readonly TextWriter output;
    private readonly Dictionary<string, (Stopwatch Clock, int Total)> stages = [];
    private readonly object gate = new();
    private readonly List<string> summaries = [];

    private ProgressDisplay(TextWriter output) => this.output = output;

    /// <summary>Runs <paramref name="work"/>, giving it a progress callback; returns what it returned.</summary>
    public static T Run<T>(Func<Action<PrepareProgress>, T> work)
    {
        var display = new ProgressDisplay(Console.Out);
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            return work(display.Plain);
        T result = default!;
        var tasks = new Dictionary<string, ProgressTask>();
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => result = work(p =>
            {
                lock (display.gate)
                {
                    // A stage name can come back (demo: "lr x4" for train, then for valid): Done == 0 starts it anew.
                    if (p.Done == 0 || !tasks.TryGetValue(p.Stage, out var task))
                        tasks[p.Stage] = task = ctx.AddTask(p.Stage, maxValue: Math.Max(p.Total, 1));
                    task.Value = p.Done;
                    display.Track(p, summary: false);
                }
            }));
        foreach (var line in display.summaries) display.output.WriteLine(line);
        return result;
    }

    // Plain mode: a line when a stage starts, at every tenth, and its summary at the end.
    private void Plain(PrepareProgress p)
    {
        lock (gate)
        {
            Track(p, summary: true);
            if (p.Done == 0) output.WriteLine($"{p.Stage}: {p.Total} images");
            else if (p.Done < p.Total && p.Done * 10 / p.Total != (p.Done - 1) * 10 / p.Total) output.WriteLine($"{p.Stage}: {p.Done}/{p.Total}");
        }
    }

    private void Track(PrepareProgress p, bool summary)
    {
        if (p.Done == 0 || !stages.TryGetValue(p.Stage, out var s)) stages[p.Stage] = s = (Stopwatch.StartNew(), p.Total);
        if (p.Done != p.Total) return;
        var line = Summary(p.Stage, p.Total, s.Clock.Elapsed.TotalSeconds);
        if (summary) output.WriteLine(line);
        else summaries.Add(line);   // printed after the live bars are gone
    }

    private static string Summary(string stage, int total, double seconds) =>
        $"{stage}: {total} images in {seconds:F1} s ({total / Math.Max(seconds, 1e-6):F1} images/s)";
}
