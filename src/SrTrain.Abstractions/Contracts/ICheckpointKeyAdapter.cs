using SrTrain.Torch;

namespace SrTrain.Abstractions.Contracts;

/// <summary>An arch whose published weights exist under other key layouts (RRDBNet: the ESRGAN release files)
/// implements this to rename a loaded state dict to its own keys before strict loading. Every weight loader
/// applies it after stripping the DataParallel <c>module.</c> prefix: <c>path.pretrain_network_g/d</c>, resume,
/// <c>srtrain infer</c>, <c>test</c> and <c>interp --sweep</c> (see SrTrain.Engine's <c>CheckpointKeys</c>).</summary>
public interface ICheckpointKeyAdapter
{
    /// <summary>The state under this arch's keys: the same tensors re-keyed, never copied (the caller keeps
    /// owning them). A state already in the arch's keys comes back unchanged with <paramref name="conversion"/>
    /// null; otherwise <paramref name="conversion"/> says which layout was detected and converted, for the log.
    /// A key the detected layout cannot place is an <see cref="ArgumentException"/> naming it.</summary>
    IReadOnlyDictionary<string, Tensor> AdaptCheckpointKeys(IReadOnlyDictionary<string, Tensor> state, out string? conversion);
}
