using System.Xml.Linq;

namespace SrTrain.Cli.Tests;

/// <summary>The project reference graph (scripts/project-graph.sh prints it) keeps the layering of docs/architecture.md:
/// references point down the layers only, and the leaves never see the engine, the tools or the commands.</summary>
public class ProjectGraphTests
{
    // Layer of each project; a project may reference only projects of a lower layer.
    private static readonly Dictionary<string, int> Layers = new()
    {
        ["SrTrain.Torch"] = 0,
        ["SrTrain.Abstractions"] = 1,
        ["SrTrain.Archs"] = 2,
        ["SrTrain.Data"] = 2,
        ["SrTrain.Losses"] = 3,   // perceptual loss uses Archs' VGG features
        ["SrTrain.Engine"] = 4,
        ["SrTrain.Tools"] = 5,
        ["SrTrain.Export"] = 5,   // ONNX export and runtime, video: a tool beside Tools (needs Archs and Data only)
        ["SrTrain.Cli"] = 6,
        ["SrTrain.Bench"] = 6,
    };

    private static readonly string[] Leaves = ["SrTrain.Torch", "SrTrain.Abstractions", "SrTrain.Archs", "SrTrain.Losses", "SrTrain.Data"];

    private static Dictionary<string, (List<string> Projects, List<string> Packages)> Graph()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(RepoPaths.Root, "bench"), "*.csproj", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));
        return files.ToDictionary(
            f => Path.GetFileNameWithoutExtension(f),
            f =>
            {
                var xml = XDocument.Load(f);
                var refs = xml.Descendants("ProjectReference")
                    .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/'))).ToList();
                var packages = xml.Descendants("PackageReference").Select(p => p.Attribute("Include")!.Value).ToList();
                return (refs, packages);
            });
    }

    [Fact]
    public void EveryProjectHasALayer()
    {
        Assert.Equal(Layers.Keys.Order(), Graph().Keys.Order());
    }

    [Fact]
    public void ReferencesPointDownTheLayers()
    {
        var upward = Graph().SelectMany(p => p.Value.Projects.Where(r => Layers[r] >= Layers[p.Key]).Select(r => $"{p.Key} -> {r}")).ToList();
        Assert.True(upward.Count == 0, $"references against the layering of docs/architecture.md: {string.Join(", ", upward)}");
    }

    [Fact]
    public void LeavesReferenceNeitherTheEngineNorToolsNorCommands()
    {
        var graph = Graph();
        foreach (var leaf in Leaves)
        {
            var bad = graph[leaf].Projects.Intersect(["SrTrain.Engine", "SrTrain.Tools", "SrTrain.Cli", "SrTrain.Bench"]).ToList();
            Assert.True(bad.Count == 0, $"{leaf} references {string.Join(", ", bad)}");
        }
    }

    [Fact]
    public void LeavesPullInNoLoggingConsoleOrProtobufPackages()
    {
        var graph = Graph();
        foreach (var leaf in Leaves)
        {
            var bad = graph[leaf].Packages.Where(p => p.StartsWith("Serilog", StringComparison.Ordinal) || p is "Spectre.Console" or "Google.Protobuf").ToList();
            Assert.True(bad.Count == 0, $"{leaf} pulls in {string.Join(", ", bad)}");
        }
    }
}
