using System.CommandLine;
using SrTrain.Cli.Commands;
using SrTrain.Torch;

namespace SrTrain.Cli;

/// <summary>Entry point of the `srtrain` executable: one command per user task.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("SrTrain: super-resolution training (BasicSR option files) on libtorch");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(LaunchCommand.Create());
        root.Subcommands.Add(TestCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(OptionsCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(InferCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(InterpCommand.Create());
        root.Subcommands.Add(MetricsCommand.Create());
        root.Subcommands.Add(AblationCommand.Create());
        var prepare = PrepareCommand.Create();
        prepare.Subcommands.Add(PrepareDiv2kCommand.Create());
        root.Subcommands.Add(prepare);
        root.Subcommands.Add(VersionCommand());
        root.Subcommands.Add(ParityCheckCommand.Create()); // hidden: the GPU check kit's op parity (docs/gpu-check.md)
        try
        {
            // Our own handler below turns the errors a user can fix into one line, not a stack trace.
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return ErrorReport.Print(e, Console.Error);
        }
    }

    private static Command VersionCommand()
    {
        var command = new Command("version", "print the SrTrain and libtorch versions and the compute devices");
        command.SetAction(_ =>
        {
            Console.WriteLine($"srtrain {typeof(Program).Assembly.GetName().Version}");
            Console.WriteLine($"libtorch {LibTorch.Version}, {LibTorch.NumThreads} threads, CUDA {(Device.CudaIsAvailable ? "available" : "not available")}");
            Console.WriteLine($"OMP_WAIT_POLICY={LibTorch.OpenMpWaitPolicy ?? "(unset)"}");
            Console.WriteLine($"native heap: {NativeHeap.Mode}");
            Console.WriteLine($"winograd convolutions: {(ConvAlgorithm.WinogradAvailable ? "available (conv_algorithm: auto uses them for float32 training)" : "unavailable (no linked oneDNN, or oneDNN below AVX-512)")}");
            return 0;
        });
        return command;
    }
}
