using System.CommandLine;

namespace SrTrain.Cli.Commands;

/// <summary><c>srtrain launch --nproc N [--master-port P] train -opt file.yml ...</c>: N local ranks of
/// <c>srtrain train --launcher pytorch</c>, like <c>torchrun --nproc_per_node=N</c>, without Python.</summary>
internal static class LaunchCommand
{
    public static Command Create()
    {
        var nproc = new Option<int>("--nproc") { Description = "ranks to start on this machine", Required = true };
        var addr = new Option<string>("--master-addr") { Description = "address of rank 0's store", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--master-port") { Description = "port of rank 0's store", DefaultValueFactory = _ => 29500 };
        var grace = new Option<double>("--grace") { Description = "seconds a rank gets to stop after SIGTERM before SIGKILL", DefaultValueFactory = _ => 10 };
        var command = new Command("launch", "start N local training ranks: srtrain launch --nproc 2 train -opt file.yml")
        {
            nproc, addr, port, grace,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(result =>
        {
            int n = result.GetValue(nproc);
            if (n < 1) throw new ArgumentException($"--nproc: must be >= 1, got {n}");
            int p = result.GetValue(port);
            if (p is < 1 or > 65535) throw new ArgumentException($"--master-port: must be in 1..65535, got {p}");
            var rest = result.UnmatchedTokens.ToList();
            if (rest.Count > 0 && rest[0] == "--") rest.RemoveAt(0);
            if (rest.Count == 0 || rest[0] != "train")
                throw new ArgumentException("srtrain launch starts training ranks: srtrain launch --nproc N train -opt file.yml [--set ...]");
            if (!rest.Contains("--launcher")) rest.AddRange(["--launcher", "pytorch"]);
            return new LocalRanks(rest, n, result.GetValue(addr)!, p, TimeSpan.FromSeconds(result.GetValue(grace))).Run(Console.Error);
        });
        return command;
    }
}
