namespace SrTrain.Cli.Tests;

/// <summary>Runs <c>srtrain</c> in-process and captures what it printed (tests using it run serially).</summary>
internal static class CliRun
{
    public static (int ExitCode, string Output, string Error) Capture(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        var output = new StringWriter();
        var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int rc = Program.Main(args);
            return (rc, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}
