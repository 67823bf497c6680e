namespace SrTrain.Torch.Serialization;

/// <summary>A Python global named in a pickle (module + name, e.g. torch.FloatStorage), as a value.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";

    public override string ToString() => FullName;
}
