using SrTrain.Torch;

namespace SrTrain.Cli;

/// <summary>Entry point of the `srtrain` executable.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "--help";
        switch (command)
        {
            case "version":
            case "--version":
                Console.WriteLine($"srtrain {typeof(Program).Assembly.GetName().Version}");
                Console.WriteLine($"libtorch {LibTorch.Version}, {LibTorch.NumThreads} threads, CUDA {(Device.CudaIsAvailable ? "available" : "not available")}");
                return 0;
            case "bench":
                return Bench.BenchCommand.Run(args[1..]);
            case "--help":
            case "-h":
            case "help":
                PrintUsage();
                return 0;
            default:
                Console.Error.WriteLine($"srtrain: unknown command '{command}'");
                PrintUsage();
                return 2;
        }
    }

    private static void PrintUsage()
    {
        Console.WriteLine("usage: srtrain <command> [options]");
        Console.WriteLine();
        Console.WriteLine("commands:");
        Console.WriteLine("  version    print the SrTrain and libtorch versions and the compute devices");
        Console.WriteLine("  bench      time SrTrain against PyTorch on the same ops (--only conv,overhead --json FILE)");
    }
}
