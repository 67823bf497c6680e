namespace SrTrain.Data.Checking;

/// <summary>What kind of problem <c>srtrain check</c> found in a dataset.</summary>
public enum FindingKind
{
    /// <summary>A data root that does not exist.</summary>
    MissingFolder,
    /// <summary>A data root or meta_info file with no images.</summary>
    Empty,
    /// <summary>A file a meta_info file names that is not on disk.</summary>
    MissingFile,
    /// <summary>A GT image without its LQ image.</summary>
    GtWithoutLq,
    /// <summary>An LQ image without its GT image.</summary>
    LqWithoutGt,
    /// <summary>GT and LQ sizes that do not differ by the scale.</summary>
    ScaleMismatch,
    /// <summary>An image smaller than the training patch.</summary>
    TooSmall,
    /// <summary>A file that cannot be decoded: corrupt, truncated or of an unsupported format.</summary>
    Unreadable,
    /// <summary>A grayscale image (replicated to RGB when read).</summary>
    Grayscale,
    /// <summary>An image with an alpha channel (dropped when read).</summary>
    Alpha,
    /// <summary>Files with the same content.</summary>
    Duplicate,
    /// <summary>Not enough free disk space for the run's checkpoints.</summary>
    DiskSpace,
}

/// <summary>One problem found in a dataset: its kind, whether it stops training (<see cref="Blocking"/>), the file
/// or key it is about, and what is wrong.</summary>
public sealed record DatasetFinding(string Set, FindingKind Kind, bool Blocking, string Subject, string Detail)
{
    /// <summary>The finding as one line: "datasets.train: scale mismatch: a.png: ...".</summary>
    public override string ToString() => $"{Set}: {Label(Kind)}: {Subject}{(Detail.Length > 0 ? ": " + Detail : "")}";

    /// <summary>The words a report uses for a kind.</summary>
    public static string Label(FindingKind kind) => kind switch
    {
        FindingKind.MissingFolder => "missing folder",
        FindingKind.Empty => "empty dataset",
        FindingKind.MissingFile => "listed file missing",
        FindingKind.GtWithoutLq => "GT without LQ",
        FindingKind.LqWithoutGt => "LQ without GT",
        FindingKind.ScaleMismatch => "GT/LQ size mismatch",
        FindingKind.TooSmall => "smaller than the patch",
        FindingKind.Unreadable => "unreadable",
        FindingKind.Grayscale => "grayscale",
        FindingKind.Alpha => "alpha channel",
        FindingKind.Duplicate => "duplicate",
        FindingKind.DiskSpace => "disk space",
        _ => kind.ToString(),
    };
}
