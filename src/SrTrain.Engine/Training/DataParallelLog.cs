using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace SrTrain.Engine.Training;

/// <summary>The log of ranks other than 0 (BasicSR's get_root_logger sets them to ERROR): errors only, on the console,
/// prefixed with the rank; rank 0 writes the experiment's log.</summary>
internal static class DataParallelLog
{
    public static Logger ForOtherRanks(int rank) => new LoggerConfiguration()
        .MinimumLevel.Error()
        .WriteTo.Console(outputTemplate: $"[rank {rank}] {{Timestamp:yyyy-MM-dd HH:mm:ss}} {{Level:u4}}: {{Message:lj}}{{NewLine}}{{Exception}}",
                         formatProvider: CultureInfo.InvariantCulture)
        .CreateLogger();
}
