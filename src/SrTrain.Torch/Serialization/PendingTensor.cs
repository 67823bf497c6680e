namespace SrTrain.Torch.Serialization;

/// <summary>One storage named by a pickle's persistent id: its key in the file, element type and
/// element count; <see cref="ElementOffset"/> is non-zero only for legacy storage views.</summary>
internal sealed record StorageRef(string Key, DType DType, long NumEl, long ElementOffset = 0);

/// <summary>A tensor described by the pickle (torch._utils._rebuild_tensor_v2) whose storage bytes
/// are read afterwards: the legacy format stores the data after the pickle, so every tensor is
/// materialised once all storages are known.</summary>
internal sealed record PendingTensor(StorageRef Storage, long StorageOffset, long[] Size, long[] Stride, bool RequiresGrad);
