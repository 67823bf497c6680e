namespace SrTrain.Bench;

/// <summary>Entry point of <c>srtrain-bench</c> (scripts/bench.sh).</summary>
public static class Program
{
    public static int Main(string[] args) => BenchCommand.Run(args);
}
