using System.Globalization;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Torch.Distributed;

namespace SrTrain.Engine.Training;

/// <summary>Where this process stands in a multi-process run, read the way BasicSR's init_dist reads it:
/// <c>--launcher pytorch</c> from torchrun's RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT;
/// <c>--launcher slurm</c> from SLURM_PROCID, SLURM_NTASKS, SLURM_NODELIST (first host is the master) and
/// <c>dist_params.port</c> (else MASTER_PORT, else 29500). The backend is <c>dist_params.backend</c>.</summary>
public sealed record DistributedLaunch(int Rank, int WorldSize, int LocalRank, string MasterAddr, int MasterPort, string Backend, TimeSpan Timeout)
{
    /// <summary>torch.distributed's default collective timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The launch for <paramref name="launcher"/> (none | pytorch | slurm); null for none.
    /// <paramref name="env"/> reads an environment variable; <paramref name="warn"/> receives fallbacks.</summary>
    public static DistributedLaunch? From(string launcher, ExperimentOptions o, Func<string, string?> env, Action<string> warn)
    {
        var (backend, port, timeout) = DistParams(o.DistParams);
        switch (launcher)
        {
            case "none":
                return null;
            case "pytorch":
            {
                int rank = Int("RANK", env), world = Int("WORLD_SIZE", env);
                int localRank = env("LOCAL_RANK") is { } lr ? Int("LOCAL_RANK", env) : rank;
                string addr = env("MASTER_ADDR") is { Length: > 0 } a ? a : throw Missing("MASTER_ADDR");
                return Check(new DistributedLaunch(rank, world, localRank, addr, Int("MASTER_PORT", env), ChooseBackend(backend, warn), timeout));
            }
            case "slurm":
            {
                int rank = Int("SLURM_PROCID", env), world = Int("SLURM_NTASKS", env);
                string nodes = env("SLURM_NODELIST") is { Length: > 0 } n ? n : throw Missing("SLURM_NODELIST");
                int localRank = env("SLURM_LOCALID") is { } _ ? Int("SLURM_LOCALID", env) : rank;
                int masterPort = port ?? (env("MASTER_PORT") is { } _ ? Int("MASTER_PORT", env) : 29500);
                return Check(new DistributedLaunch(rank, world, localRank, FirstHost(nodes), masterPort, ChooseBackend(backend, warn), timeout));
            }
            default:
                throw new OptionException($"--launcher: '{launcher}' is not one of none, pytorch, slurm");
        }
    }

    /// <summary>The first host of a slurm node list: "gpu[03-05,07],cpu1" gives "gpu03" (what
    /// <c>scontrol show hostnames LIST | head -n1</c> prints).</summary>
    public static string FirstHost(string nodeList)
    {
        int depth = 0, end = nodeList.Length;
        for (int i = 0; i < nodeList.Length; i++)
        {
            if (nodeList[i] == '[') depth++;
            else if (nodeList[i] == ']') depth--;
            else if (nodeList[i] == ',' && depth == 0) { end = i; break; }
        }
        var first = nodeList[..end].Trim();
        int open = first.IndexOf('[');
        if (open < 0) return first;
        int close = first.IndexOf(']', open);
        if (close < 0) throw new OptionException($"SLURM_NODELIST: unbalanced brackets in '{nodeList}'");
        var range = first[(open + 1)..close].Split(',')[0].Split('-')[0];
        return first[..open] + range + first[(close + 1)..];
    }

    /// <summary>Joins the process group this launch describes (rank 0 hosts the store; blocks until all ranks are there).</summary>
    public DataParallel Connect() => new(ProcessGroup.Init(MasterAddr, MasterPort, Rank, WorldSize, Backend, Timeout));

    private static (string? Backend, int? Port, TimeSpan Timeout) DistParams(object? section)
    {
        if (section is null) return (null, null, DefaultTimeout);
        if (section is not IDictionary<string, object?> map)
            throw new OptionException($"dist_params: expected a mapping such as {{backend: gloo, port: 29500}}, got {section}");
        foreach (var key in map.Keys)
            if (key is not ("backend" or "port" or "timeout"))
                throw new OptionException($"dist_params.{key}: unknown key (known: backend, port, timeout)");
        string? backend = map.TryGetValue("backend", out var b) && b is not null ? Convert.ToString(b, CultureInfo.InvariantCulture) : null;
        int? port = map.TryGetValue("port", out var p) && p is not null ? (int)OptionConversion.Convert(p, typeof(int), "dist_params.port")! : null;
        if (port is < 1 or > 65535) throw new OptionException($"dist_params.port: must be in 1..65535, got {port}");
        double seconds = map.TryGetValue("timeout", out var t) && t is not null
            ? (double)OptionConversion.Convert(t, typeof(double), "dist_params.timeout")! : DefaultTimeout.TotalSeconds;
        if (seconds <= 0) throw new OptionException($"dist_params.timeout: must be > 0 seconds, got {seconds}");
        return (backend, port, TimeSpan.FromSeconds(seconds));
    }

    // BasicSR's files say backend: nccl; without CUDA in this libtorch, Gloo (CPU tensors) is the one that works.
    private static string ChooseBackend(string? requested, Action<string> warn)
    {
        var b = (requested ?? "gloo").ToLowerInvariant();
        if (b is not ("gloo" or "nccl")) throw new OptionException($"dist_params.backend: '{requested}' is not gloo or nccl");
        if (b == "nccl" && !ProcessGroup.IsAvailable("nccl"))
        {
            warn("dist_params.backend is nccl, but this libtorch has no CUDA (no NCCL): using gloo");
            return "gloo";
        }
        return b;
    }

    private static DistributedLaunch Check(DistributedLaunch l)
    {
        if (l.WorldSize < 1) throw new OptionException($"WORLD_SIZE: must be >= 1, got {l.WorldSize}");
        if (l.Rank < 0 || l.Rank >= l.WorldSize) throw new OptionException($"RANK: {l.Rank} is not in 0..{l.WorldSize - 1}");
        if (l.MasterPort is < 1 or > 65535) throw new OptionException($"MASTER_PORT: must be in 1..65535, got {l.MasterPort}");
        return l;
    }

    private static int Int(string name, Func<string, string?> env)
    {
        var v = env(name) ?? throw Missing(name);
        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i : throw new OptionException($"{name}: '{v}' is not an integer");
    }

    private static OptionException Missing(string name) =>
        new($"{name} is not set: --launcher pytorch needs RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT as torchrun sets them; " +
            "--launcher slurm needs SLURM_PROCID, SLURM_NTASKS and SLURM_NODELIST (srun sets them); or start the ranks with srtrain launch --nproc N");
}
