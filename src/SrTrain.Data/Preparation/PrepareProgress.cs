namespace SrTrain.Data.Preparation;

/// <summary>Progress of a preparation step: <paramref name="Done"/> of <paramref name="Total"/> items of
/// <paramref name="Stage"/>, the last one being <paramref name="Item"/> (a CLI draws a bar and images/s from it).</summary>
public sealed record PrepareProgress(string Stage, int Done, int Total, string Item);
