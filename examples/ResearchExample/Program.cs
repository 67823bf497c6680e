// A research project using SrTrain as a library: its own arch and loss (registered from this assembly), trained
// from a YAML option file through the engine's API, with the data pipeline SrTrain ships.
//   dotnet run -- train.yml [key=value ...]     (the keys as `srtrain train --set` takes them)
using ResearchExample;
using SrTrain.Abstractions.Options;
using SrTrain.Abstractions.Registry;
using SrTrain.Engine.Training;
using SrTrain.Data.Pipeline;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: ResearchExample OPTIONS.yml [key=value ...]");
    return 2;
}

// Types in SrTrain's own assemblies are found by scanning; an assembly of yours is registered explicitly.
TypeRegistry.Register(typeof(ResidualDenseSr).Assembly);
try
{
    var options = OptionFile.Load(Path.GetFullPath(args[0]), args.Skip(1), isTrain: true);
    var result = new Trainer(options, new DataPipeline(), new ImageFileWriter(), Path.GetFullPath(args[0])).Run();
    Console.WriteLine($"research_example: trained {result.LastIter} iterations; experiment folder: {result.ExperimentRoot}");
    return 0;
}
catch (OptionException e)
{
    Console.Error.WriteLine($"research_example: {e.Message}");
    return 1;
}
