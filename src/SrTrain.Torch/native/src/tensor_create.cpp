// Tensor creation, conversion to/from host memory, metadata.
#include "shim.h"

#include <cstring>

using srt::dims;

namespace {
at::TensorOptions options(int dtype, int device_type, int device_index) {
  return at::TensorOptions().dtype(srt::dtype_of(dtype)).device(srt::device_of(device_type, device_index));
}
}  // namespace

// Copies `data` (host, contiguous, of `dtype`) into a new tensor on the given device.
// On the CPU a plain memcpy: ATen's copy is parallel, and its idle OpenMP threads then spin on the
// cores that data-loader workers need (loader bench 0.85 -> 1.05 of PyTorch's with passive waits).
SRT_API int srt_from_data(const void* data, const int64_t* shape, int ndim, int dtype, int device_type,
                          int device_index, TH* out) {
  SRT_GUARD({
    auto device = srt::device_of(device_type, device_index);
    auto options = at::TensorOptions().dtype(srt::dtype_of(dtype));
    if (device.is_cpu()) {
      at::Tensor t = at::empty(dims(shape, ndim), options);
      size_t nbytes = static_cast<size_t>(t.numel()) * t.element_size();
      if (nbytes > 0) std::memcpy(t.data_ptr(), data, nbytes);
      *out = srt::wrap(std::move(t));
    } else {
      *out = srt::wrap(at::from_blob(const_cast<void*>(data), dims(shape, ndim), options).to(device, false, true));
    }
  })
}

SRT_API int srt_empty(const int64_t* shape, int ndim, int dtype, int dt, int di, TH* out) {
  SRT_RETURN(at::empty(dims(shape, ndim), options(dtype, dt, di)))
}
SRT_API int srt_zeros(const int64_t* shape, int ndim, int dtype, int dt, int di, TH* out) {
  SRT_RETURN(at::zeros(dims(shape, ndim), options(dtype, dt, di)))
}
SRT_API int srt_ones(const int64_t* shape, int ndim, int dtype, int dt, int di, TH* out) {
  SRT_RETURN(at::ones(dims(shape, ndim), options(dtype, dt, di)))
}
SRT_API int srt_full(const int64_t* shape, int ndim, double value, int dtype, int dt, int di, TH* out) {
  SRT_RETURN(at::full(dims(shape, ndim), value, options(dtype, dt, di)))
}
SRT_API int srt_rand(const int64_t* shape, int ndim, int dtype, int dt, int di, TH* out) {
  SRT_RETURN(at::rand(dims(shape, ndim), options(dtype, dt, di)))
}
SRT_API int srt_randn(const int64_t* shape, int ndim, int dtype, int dt, int di, TH* out) {
  SRT_RETURN(at::randn(dims(shape, ndim), options(dtype, dt, di)))
}
SRT_API int srt_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, int dtype, int dt, int di, TH* out) {
  SRT_RETURN(at::randint(low, high, dims(shape, ndim), options(dtype, dt, di)))
}
SRT_API int srt_randperm(int64_t n, int dtype, int dt, int di, TH* out) {
  SRT_RETURN(at::randperm(n, options(dtype, dt, di)))
}
SRT_API int srt_arange(double start, double end, double step, int dtype, int dt, int di, TH* out) {
  SRT_RETURN(at::arange(start, end, step, options(dtype, dt, di)))
}
SRT_API int srt_linspace(double start, double end, int64_t steps, int dtype, int dt, int di, TH* out) {
  SRT_RETURN(at::linspace(start, end, steps, options(dtype, dt, di)))
}
SRT_API int srt_zeros_like(TH a, TH* out) { SRT_RETURN(at::zeros_like(*a)) }
SRT_API int srt_ones_like(TH a, TH* out) { SRT_RETURN(at::ones_like(*a)) }
SRT_API int srt_full_like(TH a, double v, TH* out) { SRT_RETURN(at::full_like(*a, v)) }
SRT_API int srt_empty_like(TH a, TH* out) { SRT_RETURN(at::empty_like(*a)) }
SRT_API int srt_rand_like(TH a, TH* out) { SRT_RETURN(at::rand_like(*a)) }
SRT_API int srt_randn_like(TH a, TH* out) { SRT_RETURN(at::randn_like(*a)) }
// Poisson samples with the given rates (torch.poisson), from the default generator.
SRT_API int srt_poisson(TH a, TH* out) { SRT_RETURN(at::poisson(*a)) }

// A view with explicit sizes/strides/offset (used to rebuild views of one storage).
SRT_API int srt_as_strided(TH a, const int64_t* size, const int64_t* stride, int ndim, int64_t offset, TH* out) {
  SRT_RETURN(a->as_strided(dims(size, ndim), dims(stride, ndim), offset))
}

// Copies the tensor's elements, in logical (row-major) order, into host memory.
SRT_API int srt_copy_to_host(TH a, void* dst, int64_t nbytes) {
  SRT_GUARD({
    at::Tensor c = a->detach().to(at::kCPU).contiguous();
    int64_t need = c.numel() * static_cast<int64_t>(c.element_size());
    if (need != nbytes)
      throw std::runtime_error("copy_to_host: buffer has " + std::to_string(nbytes) + " bytes, tensor needs " +
                               std::to_string(need));
    if (need > 0) std::memcpy(dst, c.data_ptr(), static_cast<size_t>(need));
  })
}

SRT_API int srt_item_double(TH a, double* value) { SRT_GUARD(*value = a->item<double>()) }
SRT_API int srt_item_int64(TH a, int64_t* value) { SRT_GUARD(*value = a->item<int64_t>()) }

SRT_API int srt_ndim(TH a) { return static_cast<int>(a->dim()); }
SRT_API int srt_shape(TH a, int64_t* dst) {
  SRT_GUARD(for (int64_t i = 0; i < a->dim(); ++i) dst[i] = a->size(i))
}
SRT_API int srt_strides(TH a, int64_t* dst) {
  SRT_GUARD(for (int64_t i = 0; i < a->dim(); ++i) dst[i] = a->stride(i))
}
SRT_API int64_t srt_storage_offset(TH a) { return a->storage_offset(); }
SRT_API int64_t srt_numel(TH a) { return a->numel(); }
SRT_API int srt_dtype(TH a) { return static_cast<int>(a->scalar_type()); }
SRT_API int srt_device_type(TH a) { return static_cast<int>(a->device().type()); }
SRT_API int srt_device_index(TH a) { return a->device().has_index() ? a->device().index() : 0; }
SRT_API int srt_is_contiguous(TH a, int channels_last) {
  return a->is_contiguous(channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous) ? 1 : 0;
}
SRT_API int srt_same_storage(TH a, TH b) {
  return a->storage().unsafeGetStorageImpl() == b->storage().unsafeGetStorageImpl() ? 1 : 0;
}

// non_blocking: an asynchronous copy where the source is pinned host memory and the target a CUDA device (ATen
// copies synchronously otherwise). Freeing the pinned source afterwards is safe: the CUDA host allocator
// records the copy's stream and reuses the block only once the copy has finished.
SRT_API int srt_to(TH a, int dtype, int dt, int di, int copy, int non_blocking, TH* out) {
  SRT_RETURN(a->to(srt::device_of(dt, di), srt::dtype_of(dtype), non_blocking != 0, copy != 0))
}
SRT_API int srt_pin_memory(TH a, TH* out) { SRT_RETURN(a->pin_memory()) }
SRT_API int srt_is_pinned(TH a) {
  try {
    return a->is_pinned() ? 1 : 0;
  } catch (...) {
    return 0;  // no CUDA: nothing is pinned
  }
}
SRT_API int srt_contiguous(TH a, int channels_last, TH* out) {
  SRT_RETURN(a->contiguous(channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous))
}
SRT_API int srt_clone(TH a, TH* out) { SRT_RETURN(a->clone()) }
SRT_API int srt_detach(TH a, TH* out) { SRT_RETURN(a->detach()) }
// A second handle to the same tensor (shares storage and autograd identity).
SRT_API int srt_alias(TH a, TH* out) { SRT_RETURN(*a) }
