namespace SrTrain.Bench;

/// <summary>One benchmark of <c>srtrain-bench</c>: a unit of work ("step") timed on the SrTrain side
/// here and on the PyTorch side by the function of the same name in scripts/bench/reference.py.
/// To add one: derive from this class, list it in <see cref="BenchmarkRegistry"/>, and register a
/// Python function under the same <see cref="Name"/>.</summary>
public abstract class Benchmark
{
    /// <summary>Name used by <c>--only</c>, in the JSON and on the Python side.</summary>
    public abstract string Name { get; }

    /// <summary>One line saying what a step does.</summary>
    public abstract string Description { get; }

    /// <summary>Steps per timed round on both sides: enough for a round to last a few tenths of a second.</summary>
    public abstract int Iterations { get; }

    /// <summary>Untimed steps before the first round (allocator caches, JIT, kernel selection).</summary>
    public virtual int Warmup => 3;

    /// <summary>Why this benchmark cannot run on this machine (null: it can); the bench skips it and says so.</summary>
    public virtual string? Unavailable => null;

    /// <summary>Allocates the inputs; the workload's <see cref="IWorkload.Step"/> runs one step.</summary>
    public abstract IWorkload Prepare();

    /// <summary>Figures derived from the median seconds per step of each side (GFLOPS, ns per call),
    /// added to the JSON result and the table.</summary>
    public virtual IReadOnlyDictionary<string, double> Extras(double srtrainSeconds, double? referenceSeconds) =>
        new Dictionary<string, double>();
}

/// <summary>The prepared inputs of a <see cref="Benchmark"/>; disposing frees them.</summary>
public interface IWorkload : IDisposable
{
    /// <summary>Runs one step; every temporary it creates is freed before it returns.</summary>
    void Step();
}
