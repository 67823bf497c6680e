using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Training;

namespace SrTrain.Engine.Tests.Training;

/// <summary>Where a process stands in a multi-process run, read as torchrun and BasicSR's slurm launcher set it.</summary>
public class DistributedLaunchTests
{
    private static ExperimentOptions Options(Dictionary<string, object?>? dist = null) => new("x", DistParams: dist);

    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void NoneIsOneProcess() =>
        Assert.Null(DistributedLaunch.From("none", Options(), Env(("RANK", "1")), _ => { }));

    [Fact]
    public void PytorchReadsTorchrunVariables()
    {
        var l = DistributedLaunch.From("pytorch", Options(), Env(("RANK", "3"), ("WORLD_SIZE", "4"), ("LOCAL_RANK", "1"),
                                                                   ("MASTER_ADDR", "10.0.0.1"), ("MASTER_PORT", "29501")), _ => { })!;
        Assert.Equal(new DistributedLaunch(3, 4, 1, "10.0.0.1", 29501, "gloo", DistributedLaunch.DefaultTimeout), l);
    }

    [Fact]
    public void PytorchNamesTheMissingVariable()
    {
        var ex = Assert.Throws<OptionException>(() => DistributedLaunch.From("pytorch", Options(), Env(("RANK", "0"), ("WORLD_SIZE", "2"),
                                                                                                      ("MASTER_PORT", "1")), _ => { }));
        Assert.StartsWith("MASTER_ADDR is not set", ex.Message);
        ex = Assert.Throws<OptionException>(() => DistributedLaunch.From("pytorch", Options(), Env(("RANK", "2"), ("WORLD_SIZE", "2"),
                                                   ("MASTER_ADDR", "h"), ("MASTER_PORT", "1")), _ => { }));
        Assert.Equal("RANK: 2 is not in 0..1", ex.Message);
        Assert.Throws<OptionException>(() => DistributedLaunch.From("mpi", Options(), Env(), _ => { }));
    }

    [Fact]
    public void SlurmTakesTheFirstHostAndDistParamsPort()
    {
        var dist = new Dictionary<string, object?> { ["backend"] = "nccl", ["port"] = 4321L, ["timeout"] = 60L };
        var warnings = new List<string>();
        var l = DistributedLaunch.From("slurm", Options(dist), Env(("SLURM_PROCID", "5"), ("SLURM_NTASKS", "8"), ("SLURM_LOCALID", "1"),
                                                                     ("SLURM_NODELIST", "gpu[03-05,07],cpu1"), ("MASTER_PORT", "999")), warnings.Add)!;
        Assert.Equal((5, 8, 1, "gpu03", 4321), (l.Rank, l.WorldSize, l.LocalRank, l.MasterAddr, l.MasterPort));
        Assert.Equal(TimeSpan.FromSeconds(60), l.Timeout);
        // Debian's libtorch has no CUDA: BasicSR's backend: nccl falls back to gloo, with a warning.
        Assert.Equal("gloo", l.Backend);
        Assert.Contains(warnings, w => w.Contains("nccl"));
        // Without dist_params.port: MASTER_PORT, else 29500.
        var env = Env(("SLURM_PROCID", "0"), ("SLURM_NTASKS", "1"), ("SLURM_NODELIST", "node1"));
        Assert.Equal(29500, DistributedLaunch.From("slurm", Options(), env, _ => { })!.MasterPort);
    }

    [Theory]
    [InlineData("node1", "node1")]
    [InlineData("node1,node2", "node1")]
    [InlineData("gpu[03-05,07],cpu1", "gpu03")]
    [InlineData("a-[1,4]-x", "a-1-x")]
    public void FirstHostOfANodeList(string list, string first) => Assert.Equal(first, DistributedLaunch.FirstHost(list));

    [Fact]
    public void UnknownDistParamsKeyIsNamed()
    {
        var ex = Assert.Throws<OptionException>(() => DistributedLaunch.From("none", Options(new() { ["bakend"] = "gloo" }), Env(), _ => { }));
        Assert.Contains("dist_params.bakend", ex.Message);
    }
}
