// Views, indexing, joining and splitting.
#include "shim.h"

using srt::dims;

namespace {
std::vector<at::Tensor> unwrap(const TH* list, int count) {
  std::vector<at::Tensor> v;
  v.reserve(count);
  for (int i = 0; i < count; ++i) v.push_back(*list[i]);
  return v;
}

// Hands a list of tensors to C# as a malloc'd array (freed by srt_free_array).
void export_list(const std::vector<at::Tensor>& parts, TH** outs, int* count) {
  *count = static_cast<int>(parts.size());
  *outs = static_cast<TH*>(std::malloc(sizeof(TH) * std::max<size_t>(parts.size(), 1)));
  for (size_t i = 0; i < parts.size(); ++i) (*outs)[i] = srt::wrap(parts[i]);
}
}  // namespace

SRT_API void srt_free_array(TH* array) { std::free(array); }

SRT_API int srt_reshape(TH a, const int64_t* shape, int n, TH* out) { SRT_RETURN(a->reshape(dims(shape, n))) }
SRT_API int srt_view(TH a, const int64_t* shape, int n, TH* out) { SRT_RETURN(a->view(dims(shape, n))) }
SRT_API int srt_permute(TH a, const int64_t* order, int n, TH* out) { SRT_RETURN(a->permute(dims(order, n))) }
SRT_API int srt_transpose(TH a, int64_t d0, int64_t d1, TH* out) { SRT_RETURN(a->transpose(d0, d1)) }
SRT_API int srt_flip(TH a, const int64_t* axes, int n, TH* out) { SRT_RETURN(a->flip(dims(axes, n))) }
SRT_API int srt_rot90(TH a, int64_t k, int64_t d0, int64_t d1, TH* out) { SRT_RETURN(a->rot90(k, {d0, d1})) }
SRT_API int srt_squeeze(TH a, int64_t dim, int all, TH* out) { SRT_RETURN(all ? a->squeeze() : a->squeeze(dim)) }
SRT_API int srt_unsqueeze(TH a, int64_t dim, TH* out) { SRT_RETURN(a->unsqueeze(dim)) }
SRT_API int srt_flatten(TH a, int64_t start, int64_t end, TH* out) { SRT_RETURN(a->flatten(start, end)) }
SRT_API int srt_expand(TH a, const int64_t* shape, int n, TH* out) { SRT_RETURN(a->expand(dims(shape, n))) }
SRT_API int srt_repeat(TH a, const int64_t* reps, int n, TH* out) { SRT_RETURN(a->repeat(dims(reps, n))) }
SRT_API int srt_narrow(TH a, int64_t dim, int64_t start, int64_t length, TH* out) {
  SRT_RETURN(a->narrow(dim, start, length))
}
SRT_API int srt_slice(TH a, int64_t dim, int64_t start, int64_t end, int64_t step, TH* out) {
  SRT_RETURN(a->slice(dim, start, end, step))
}
SRT_API int srt_select(TH a, int64_t dim, int64_t index, TH* out) { SRT_RETURN(a->select(dim, index)) }
SRT_API int srt_index_select(TH a, int64_t dim, TH index, TH* out) { SRT_RETURN(a->index_select(dim, *index)) }
SRT_API int srt_masked_select(TH a, TH mask, TH* out) { SRT_RETURN(a->masked_select(*mask)) }
SRT_API int srt_masked_fill(TH a, TH mask, double v, TH* out) { SRT_RETURN(a->masked_fill(*mask, v)) }
SRT_API int srt_gather(TH a, int64_t dim, TH index, TH* out) { SRT_RETURN(a->gather(dim, *index)) }

SRT_API int srt_cat(const TH* list, int count, int64_t dim, TH* out) { SRT_RETURN(at::cat(unwrap(list, count), dim)) }
SRT_API int srt_stack(const TH* list, int count, int64_t dim, TH* out) {
  SRT_RETURN(at::stack(unwrap(list, count), dim))
}
SRT_API int srt_split(TH a, int64_t size, int64_t dim, TH** outs, int* count) {
  SRT_GUARD(export_list(a->split(size, dim), outs, count))
}
SRT_API int srt_split_sizes(TH a, const int64_t* sizes, int n, int64_t dim, TH** outs, int* count) {
  SRT_GUARD(export_list(a->split_with_sizes(dims(sizes, n), dim), outs, count))
}
SRT_API int srt_chunk(TH a, int64_t chunks, int64_t dim, TH** outs, int* count) {
  SRT_GUARD(export_list(a->chunk(chunks, dim), outs, count))
}

// In-place copy of src into a (broadcasting), e.g. writing into a slice view.
SRT_API int srt_copy_(TH a, TH src) { SRT_GUARD(a->copy_(*src)) }
