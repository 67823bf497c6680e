using System.CommandLine;
using SrTrain.Cli.Commands;
using SrTrain.Abstractions.Registry;
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
        root.Subcommands.Add(InferCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(InterpCommand.Create());
        root.Subcommands.Add(MetricsCommand.Create());
        root.Subcommands.Add(AblationCommand.Create());
        var prepare = PrepareCommand.Create();
        prepare.Subcommands.Add(PrepareDiv2kCommand.Create());
        root.Subcommands.Add(prepare);
        root.Subcommands.Add(VersionCommand());
        try
        {
            // Our own handler below turns the errors a user can fix into one line, not a stack trace.
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"srtrain: {e.Message}");
            return 2;
        }
    }

    /// <summary>Errors caused by input (options, files, images, checkpoints) rather than by a bug.</summary>
    private static bool IsUserError(Exception e) =>
        e is OptionException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
          or Torch.Serialization.CheckpointFormatException or Data.ImageReadException or Torch.Nn.StateDictMismatchException
          or ArgumentException;

    private static Command VersionCommand()
    {
        var command = new Command("version", "print the SrTrain and libtorch versions and the compute devices");
        command.SetAction(_ =>
        {
            Console.WriteLine($"srtrain {typeof(Program).Assembly.GetName().Version}");
            Console.WriteLine($"libtorch {LibTorch.Version}, {LibTorch.NumThreads} threads, CUDA {(Device.CudaIsAvailable ? "available" : "not available")}");
            Console.WriteLine($"OMP_WAIT_POLICY={LibTorch.OpenMpWaitPolicy ?? "(unset)"}");
            return 0;
        });
        return command;
    }
}
