namespace SrTrain.Bench;

/// <summary>Parsed arguments of <c>srtrain-bench</c> (scripts/bench.sh).</summary>
public sealed record BenchOptions
{
    public IReadOnlyList<string>? Only { get; init; }
    public string? Json { get; init; }
    public int? Threads { get; init; }
    public int Rounds { get; init; } = 5;
    public string? Reference { get; init; }

    /// <summary>The Python interpreter with torch that runs the reference script (<c>--python</c>, else
    /// <see cref="ReferenceProcess.DefaultInterpreter"/>: <c>$SRTRAIN_PYTHON</c> or /usr/bin/python3).</summary>
    public string Python { get; init; } = ReferenceProcess.DefaultInterpreter;

    public bool NoReference { get; init; }

    /// <summary>Cases of the option fuzzer (<c>--fuzz N</c>); 0 runs the benchmarks instead.</summary>
    public int Fuzz { get; init; }

    /// <summary>First seed of the fuzz cases (<c>--seed</c>).</summary>
    public int Seed { get; init; }

    /// <summary>Every K-th fuzz case also trains one iteration (<c>--train-every</c>, default 10).</summary>
    public int TrainEvery { get; init; } = 10;

    /// <summary>The srtrain.dll the fuzzer and the whole-iteration benchmarks run (<c>--srtrain</c>; default: this checkout's build).</summary>
    public string? Srtrain { get; init; }

    /// <summary>Iterations of the memory soak (<c>--soak [N]</c>, default 2000), or null for the timed benchmarks.</summary>
    public int? Soak { get; init; }

    /// <summary>Option file of the memory soak (<c>--soak-config FILE</c>; default <see cref="MemorySoak.DefaultConfig"/>).</summary>
    public string? SoakConfig { get; init; }
    /// <summary>Alternating rounds of the whole-iteration benchmarks (<c>--train-rounds</c>, default 3: each is minutes).</summary>
    public int TrainRounds { get; init; } = 3;

    /// <summary><c>--quick</c> (or SRTRAIN_BENCH_QUICK=1): the whole-iteration benchmarks on one-block networks for two
    /// iterations, one round; checks that they run, measures nothing.</summary>
    public bool Quick { get; init; } = Environment.GetEnvironmentVariable("SRTRAIN_BENCH_QUICK") == "1";

    public bool List { get; init; }
    public bool Help { get; init; }

    /// <summary>Parses the command-line arguments; a bad one is an <see cref="ArgumentException"/> naming it.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Positive() =>
                int.TryParse(Value(), out var n) && n > 0 ? n : throw new ArgumentException($"{args[i - 1]} needs a positive integer, got '{args[i]}'");
            o = args[i] switch
            {
                "--only" => o with { Only = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--json" => o with { Json = Value() },
                "--threads" => o with { Threads = Positive() },
                "--rounds" => o with { Rounds = Positive() },
                "--train-rounds" => o with { TrainRounds = Positive() },
                "--quick" => o with { Quick = true },
                "--reference" => o with { Reference = Value() },
                "--no-reference" => o with { NoReference = true },
                "--soak" => o with { Soak = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? Positive() : 2000 },
                "--soak-config" => o with { SoakConfig = Value() },
                "--python" => o with { Python = Value() },
                "--list" => o with { List = true },
                "--fuzz" => o with { Fuzz = Positive() },
                "--seed" => o with { Seed = int.TryParse(Value(), out var seed) ? seed : throw new ArgumentException($"--seed needs an integer, got '{args[i]}'") },
                "--train-every" => o with { TrainEvery = Positive() },
                "--srtrain" => o with { Srtrain = Value() },
                "--help" or "-h" => o with { Help = true },
                var other => throw new ArgumentException($"unknown option '{other}'"),
            };
        }
        if (o.Only is not null) BenchmarkRegistry.Select(o.Only); // unknown names fail before anything runs
        return o;
    }
}
