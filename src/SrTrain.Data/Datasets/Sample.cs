namespace SrTrain.Data.Datasets;

/// <summary>One training/validation example: LQ and/or GT image (HWC, [0, 1]) and the files they came from
/// (BasicSR's <c>{'lq', 'gt', 'lq_path', 'gt_path'}</c> dict).</summary>
public sealed record Sample(Image? Lq, Image? Gt, string? LqPath, string? GtPath);
