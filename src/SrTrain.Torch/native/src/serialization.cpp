// Byte-level access to tensor memory and storage identity, for .pth / .safetensors I/O:
// the managed reader streams file bytes straight into a tensor's memory in chunks (no
// second full-size copy, no 2 GB array limit), and the writer dedupes shared storages.
#include <cstring>
#include <stdexcept>

#include "shim.h"

namespace {
void check_range(const at::Tensor& t, int64_t offset, int64_t nbytes, const char* what) {
  if (!t.device().is_cpu() || !t.is_contiguous())
    throw std::runtime_error(std::string(what) + ": tensor must be contiguous and on the CPU");
  int64_t total = t.numel() * static_cast<int64_t>(t.element_size());
  if (offset < 0 || nbytes < 0 || offset + nbytes > total)
    throw std::runtime_error(std::string(what) + ": byte range [" + std::to_string(offset) + ", " +
                             std::to_string(offset + nbytes) + ") outside a tensor of " + std::to_string(total) +
                             " bytes");
}
}  // namespace

// Size in bytes and identity of the storage that `a` views (identity: the StorageImpl address,
// unique among live storages).
SRT_API int srt_storage_info(TH a, int64_t* nbytes, int64_t* id) {
  SRT_GUARD({
    const auto& s = a->storage();
    *nbytes = static_cast<int64_t>(s.nbytes());
    *id = reinterpret_cast<int64_t>(s.unsafeGetStorageImpl());
  })
}

// Copies `nbytes` from `src` into a contiguous CPU tensor's data at byte `offset`.
SRT_API int srt_write_bytes(TH a, const void* src, int64_t offset, int64_t nbytes) {
  SRT_GUARD({
    check_range(*a, offset, nbytes, "write_bytes");
    if (nbytes > 0) std::memcpy(static_cast<char*>(a->data_ptr()) + offset, src, static_cast<size_t>(nbytes));
  })
}

// Copies `nbytes` of a contiguous CPU tensor's data from byte `offset` into `dst`.
SRT_API int srt_read_bytes(TH a, void* dst, int64_t offset, int64_t nbytes) {
  SRT_GUARD({
    check_range(*a, offset, nbytes, "read_bytes");
    if (nbytes > 0) std::memcpy(dst, static_cast<const char*>(a->data_ptr()) + offset, static_cast<size_t>(nbytes));
  })
}
