using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;
using Spectre.Console;

namespace SrTrain.Engine.Training;

/// <summary>Where a training run reports: on a terminal, log lines scroll above a live Spectre.Console
/// progress bar (iteration, ETA); redirected (CI, files, pipes) it prints plain log lines only.</summary>
internal static class TrainingConsole
{
    /// <summary>True when stdout is an interactive terminal and not a CI run.</summary>
    public static bool IsInteractive =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>The console sink: through AnsiConsole when a live display is shown, so lines land above it.</summary>
    public static LoggerConfiguration WriteToConsole(this LoggerConfiguration config, bool interactive) =>
        interactive
            ? config.WriteTo.Sink(new AnsiConsoleSink())
            : config.WriteTo.Console(outputTemplate: Template, formatProvider: CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="loop"/> with a progress callback (iteration done) that drives the bar.</summary>
    public static T Run<T>(bool interactive, long startIter, long totalIter, Func<Action<long>, T> loop)
    {
        if (!interactive) return loop(_ => { });
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: totalIter);
                task.Value = startIter;
                result = loop(iter => task.Value = iter);
            });
        return result;
    }

    private const string Template = "{Timestamp:yyyy-MM-dd HH:mm:ss} {Level:u4}: {Message:lj}{NewLine}{Exception}";

    /// <summary>Renders like the plain console sink, but through AnsiConsole so lines scroll above the bar.</summary>
    private sealed class AnsiConsoleSink : ILogEventSink
    {
        private readonly MessageTemplateTextFormatter formatter = new(Template, CultureInfo.InvariantCulture);

        public void Emit(LogEvent e)
        {
            using var text = new StringWriter();
            formatter.Format(e, text);
            AnsiConsole.Write(new Text(text.ToString()));
        }
    }
}
