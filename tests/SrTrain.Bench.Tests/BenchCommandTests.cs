using SrTrain.Bench;

namespace SrTrain.Bench.Tests;

/// <summary>srtrain-bench (scripts/bench.sh): options, the registry, and the PyTorch twin of every benchmark.</summary>
public class BenchCommandTests
{
    [Fact]
    public void ParsesTheDocumentedOptions()
    {
        var o = BenchOptions.Parse(["--only", "conv, overhead", "--json", "out.json", "--threads", "1", "--rounds", "3"]);
        Assert.Equal(["conv", "overhead"], o.Only);
        Assert.Equal("out.json", o.Json);
        Assert.Equal(1, o.Threads);
        Assert.Equal(3, o.Rounds);
    }

    [Theory]
    [InlineData("--only", "conv,nope", "unknown benchmark(s) nope; known: conv, overhead")]
    [InlineData("--threads", "0", "--threads needs a positive integer, got '0'")]
    [InlineData("--fast", "", "unknown option '--fast'")]
    public void RejectsBadOptionsNamingThem(string option, string value, string message)
    {
        string[] args = value.Length == 0 ? [option] : [option, value];
        var ex = Assert.Throws<ArgumentException>(() => BenchOptions.Parse(args));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void EveryBenchmarkHasAPythonTwinOfTheSameName()
    {
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "scripts", "bench", "reference.py"));
        Assert.Equal(BenchmarkRegistry.All.Count, BenchmarkRegistry.All.Select(b => b.Name).Distinct().Count());
        Assert.All(BenchmarkRegistry.All, b => Assert.Contains($"@bench(\"{b.Name}\")", script));
    }

    [Fact]
    public void OneAlternatingRoundRunsBothSidesAndGivesTheirRatio()
    {
        var script = Path.Combine(RepoPaths.Root, "scripts", "bench", "reference.py");
        using var reference = new ReferenceProcess(script, LibTorch.NumThreads);
        Assert.Equal(LibTorch.NumThreads, reference.Threads);
        var result = new BenchRunner(1, reference, TextWriter.Null).Run(new OverheadBenchmark());
        Assert.True(result.SrTrainSeconds > 0 && result.ReferenceSeconds > 0);
        Assert.Equal(result.ReferenceSeconds / result.SrTrainSeconds, result.Ratio);
        Assert.True(result.Extras["srtrain_ns_per_call"] > 0);
    }

    [Fact]
    public void AMissingPythonIsOneLineNamingItNotAStackTrace()
    {
        var script = Path.Combine(RepoPaths.Root, "scripts", "bench", "reference.py");
        var error = Assert.ThrowsAny<Exception>(() => new ReferenceProcess(script, 1, "/nonexistent/python3"));
        var output = new StringWriter();
        Assert.Equal(2, Program.Report(error, output));
        var lines = output.ToString().TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("srtrain-bench: ", lines[0]);
        Assert.Contains("/nonexistent/python3", lines[0]);
    }

    [Fact]
    public void AnUnexpectedErrorIsLabelledInternal()
    {
        var output = new StringWriter();
        Assert.Equal(3, Program.Report(new NullReferenceException("boom"), output));
        Assert.Equal("srtrain-bench: internal error (NullReferenceException): boom (SRTRAIN_TRACE=1 prints the stack trace)", output.ToString().TrimEnd());
    }
}
