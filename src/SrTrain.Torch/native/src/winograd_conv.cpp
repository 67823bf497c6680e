// Float32 3x3 stride-1 convolutions on the CPU through oneDNN's Winograd kernels (F(4x4, 3x3)), forward and backward
// (SrTrain.Torch.ConvAlgorithm). libtorch 1.13 only asks oneDNN for direct convolutions; on AVX-512 the Winograd ones
// run the layers of RRDBNet, EDSR and MSRResNet 1.3-2x faster (measured per primitive on a 2-core EPYC). They round
// differently from the direct ones (a transform in and out of the Winograd domain), so the caller opts in.
//
// Built where the shim links the same libdnnl libtorch loads (Debian's libtorch-dev with libdnnl-dev, SRT_WITH_ONEDNN);
// elsewhere srt_winograd_available says no and every convolution stays libtorch's.
#include "shim.h"

#ifdef SRT_WITH_ONEDNN
#include <dnnl_version.h>
#if DNNL_VERSION_MAJOR != 2
// oneDNN 3 removed the operation descriptors this file builds primitives from (Debian 13 ships 3.x): unavailable there.
#undef SRT_WITH_ONEDNN
#endif
#endif

#ifdef SRT_WITH_ONEDNN
#include <ATen/autocast_mode.h>
#include <c10/core/GradMode.h>
#include <dnnl.hpp>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace {

using dnnl::memory;
using tag = memory::format_tag;

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// One shape's primitives: created once (JIT code generation and layout choice), executed every step.
struct Primitives {
  dnnl::convolution_forward::primitive_desc fwd_pd;
  dnnl::convolution_forward fwd;
  dnnl::convolution_backward_data::primitive_desc bwd_data_pd;
  dnnl::convolution_backward_data bwd_data;
  dnnl::convolution_backward_weights::primitive_desc bwd_weights_pd;
  dnnl::convolution_backward_weights bwd_weights;
};

struct Shape {
  int64_t n, c, k, h, w;
  bool bias;
  bool operator==(const Shape& o) const {
    return n == o.n && c == o.c && k == o.k && h == o.h && w == o.w && bias == o.bias;
  }
};
struct ShapeHash {
  size_t operator()(const Shape& s) const {
    size_t v = 1469598103934665603ull;
    for (int64_t x : {s.n, s.c, s.k, s.h, s.w, static_cast<int64_t>(s.bias)}) v = (v ^ static_cast<size_t>(x)) * 1099511628211ull;
    return v;
  }
};

std::mutex cache_mutex;
// nullptr: oneDNN has no Winograd kernel for this shape on this CPU (tried once, then libtorch's convolution).
std::unordered_map<Shape, std::shared_ptr<Primitives>, ShapeHash> cache;

std::shared_ptr<Primitives> create(const Shape& s) {
  auto& eng = cpu_engine();
  const memory::dims src{s.n, s.c, s.h, s.w}, wei{s.k, s.c, 3, 3}, dst{s.n, s.k, s.h, s.w}, bia{s.k};
  const memory::dims stride{1, 1}, pad{1, 1};
  const auto f32 = memory::data_type::f32;
  memory::desc src_any(src, f32, tag::any), wei_any(wei, f32, tag::any), dst_any(dst, f32, tag::any);
  memory::desc bia_x = s.bias ? memory::desc(bia, f32, tag::x) : memory::desc();
  const auto alg = dnnl::algorithm::convolution_winograd;
  // Winograd's transformed tiles need a scratchpad of up to ~8x the layer's input (VGG's 512 -> 512 weight gradient:
  // 131 MB at batch 4). oneDNN would keep its own, grown to the largest, for the life of the process; from libtorch's
  // allocator it is freed after each call and its memory serves the next tensors.
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  try {
    auto p = std::make_shared<Primitives>();
    p->fwd_pd = dnnl::convolution_forward::primitive_desc(
        dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, alg, src_any, wei_any, bia_x, dst_any, stride, pad, pad), attr, eng);
    p->bwd_data_pd = dnnl::convolution_backward_data::primitive_desc(
        dnnl::convolution_backward_data::desc(alg, src_any, wei_any, dst_any, stride, pad, pad), attr, eng, p->fwd_pd);
    p->bwd_weights_pd = dnnl::convolution_backward_weights::primitive_desc(
        dnnl::convolution_backward_weights::desc(alg, src_any, wei_any, bia_x, dst_any, stride, pad, pad), attr, eng, p->fwd_pd);
    p->fwd = dnnl::convolution_forward(p->fwd_pd);
    p->bwd_data = dnnl::convolution_backward_data(p->bwd_data_pd);
    p->bwd_weights = dnnl::convolution_backward_weights(p->bwd_weights_pd);
    return p;
  } catch (const dnnl::error&) {
    return nullptr;  // unimplemented here (ISA, channel counts): not an error, the caller falls back
  }
}

std::shared_ptr<Primitives> primitives_for(const Shape& s) {
  std::lock_guard<std::mutex> lock(cache_mutex);
  auto it = cache.find(s);
  if (it != cache.end()) return it->second;
  // Validation over images of many sizes would add a shape per image: past a bound the cache starts again (the
  // training shapes come back on the next step; entries in use stay alive through their shared_ptr).
  constexpr size_t max_shapes = 256;
  if (cache.size() >= max_shapes) cache.clear();
  auto p = create(s);
  cache.emplace(s, p);
  return p;
}

// A plain (NCHW / OIHW / X) float tensor as oneDNN memory in the layout `want`: the tensor's own buffer when the layouts
// agree, else a reorder into a fresh buffer (owned by `keep`, which must outlive the primitive's execution).
memory as_layout(const at::Tensor& t, tag plain, const memory::desc& want, dnnl::stream& strm, at::Tensor& keep) {
  auto& eng = cpu_engine();
  memory user(memory::desc(memory::dims(t.sizes().begin(), t.sizes().end()), memory::data_type::f32, plain), eng, t.data_ptr());
  if (user.get_desc() == want) return user;
  keep = at::empty({static_cast<int64_t>(want.get_size() / sizeof(float))}, t.options());
  memory converted(want, eng, keep.data_ptr());
  dnnl::reorder(user, converted).execute(strm, user, converted);
  return converted;
}

// A primitive's scratchpad for one execution, from libtorch's allocator (held by `keep` until the execution is done).
memory scratchpad(const memory::desc& desc, const at::Tensor& like, at::Tensor& keep) {
  keep = at::empty({static_cast<int64_t>((desc.get_size() + sizeof(float) - 1) / sizeof(float))}, like.options());
  return memory(desc, cpu_engine(), keep.data_ptr());
}

// Output memory in the primitive's layout `have` for the plain tensor `t`: `t` itself when they agree, else scratch that
// finish() reorders into `t`.
struct Output {
  memory user, prim;
  at::Tensor scratch;
  Output(at::Tensor& t, tag plain, const memory::desc& have) {
    auto& eng = cpu_engine();
    user = memory(memory::desc(memory::dims(t.sizes().begin(), t.sizes().end()), memory::data_type::f32, plain), eng, t.data_ptr());
    if (user.get_desc() == have) {
      prim = user;
    } else {
      scratch = at::empty({static_cast<int64_t>(have.get_size() / sizeof(float))}, t.options());
      prim = memory(have, eng, scratch.data_ptr());
    }
  }
  void finish(dnnl::stream& strm) {
    if (scratch.defined()) dnnl::reorder(prim, user).execute(strm, prim, user);
  }
};

// The primitives' shape for `chunk` images of the input's size.
Shape shape_of(const at::Tensor& input, const at::Tensor& weight, bool bias, int64_t chunk) {
  return Shape{chunk, input.size(1), weight.size(0), input.size(2), input.size(3), bias};
}

// The largest scratchpad one execution of the passes a call will run takes (the backward ones only where a gradient
// will flow).
size_t scratchpad_needed(const Primitives& p, bool data_pass, bool weights_pass) {
  size_t bytes = p.fwd_pd.scratchpad_desc().get_size();
  if (data_pass) bytes = std::max(bytes, p.bwd_data_pd.scratchpad_desc().get_size());
  if (weights_pass) bytes = std::max(bytes, p.bwd_weights_pd.scratchpad_desc().get_size());
  return bytes;
}

// Runs each pass over the batch in chunks of `chunk` images (a divisor of the batch; the whole batch when its
// scratchpads fit the caller's bound): most of a Winograd scratchpad holds the transformed tiles of the images in one
// execution, so smaller chunks bound it at nearly the same speed (64 -> 256 channels at 64x64 on AVX-512: 4 images at
// once 27 ms forward + backward, one at a time 29 ms; scratchpad 60 vs 26 MiB).
class WinogradConv : public torch::autograd::Function<WinogradConv> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight,
                            const at::Tensor& bias, int64_t chunk) {
    const bool has_bias = bias.numel() > 0;
    auto p = primitives_for(shape_of(input, weight, has_bias, chunk));
    dnnl::stream strm(cpu_engine());
    const auto& pd = p->fwd_pd;
    at::Tensor keep_wei;
    auto wei = as_layout(weight, tag::oihw, pd.weights_desc(), strm, keep_wei);
    at::Tensor out = at::empty({input.size(0), weight.size(0), input.size(2), input.size(3)}, input.options());
    for (int64_t i = 0; i < input.size(0); i += chunk) {
      at::Tensor in_i = input.narrow(0, i, chunk), out_i = out.narrow(0, i, chunk);   // contiguous: batch is outermost
      at::Tensor keep_src, keep_scratch;
      auto src = as_layout(in_i, tag::nchw, pd.src_desc(), strm, keep_src);
      Output dst(out_i, tag::nchw, pd.dst_desc());
      std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst.prim},
                                           {DNNL_ARG_SCRATCHPAD, scratchpad(pd.scratchpad_desc(), input, keep_scratch)}};
      if (has_bias) args.emplace(DNNL_ARG_BIAS, memory(pd.bias_desc(), cpu_engine(), bias.data_ptr()));
      p->fwd.execute(strm, args);
      dst.finish(strm);
      strm.wait();   // before this chunk's buffers are freed
    }
    ctx->save_for_backward({input, weight});
    ctx->saved_data["bias"] = has_bias;
    ctx->saved_data["chunk"] = chunk;
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor& input = saved[0];
    const at::Tensor& weight = saved[1];
    const bool has_bias = ctx->saved_data["bias"].toBool();
    const int64_t chunk = ctx->saved_data["chunk"].toInt();
    const int64_t n = input.size(0);
    at::Tensor grad_out = grads[0].contiguous();
    const bool need_input = ctx->needs_input_grad(0), need_weight = ctx->needs_input_grad(1),
               need_bias = has_bias && ctx->needs_input_grad(2);
    at::Tensor grad_input, grad_weight, grad_bias;
    if (c10::GradMode::is_enabled()) {
      // create_graph (a gradient of a gradient): libtorch's convolution backward is differentiable, this one is not.
      std::array<bool, 3> mask{need_input, need_weight, need_bias};
      std::vector<int64_t> bias_sizes{weight.size(0)};
      std::tie(grad_input, grad_weight, grad_bias) = at::convolution_backward(
          grad_out, input, weight, has_bias ? c10::optional<at::IntArrayRef>(bias_sizes) : c10::nullopt, {1, 1}, {1, 1}, {1, 1},
          false, {0, 0}, 1, mask);
      return {grad_input, grad_weight, grad_bias, at::Tensor()};
    }
    auto p = primitives_for(shape_of(input, weight, has_bias, chunk));  // cached by the forward
    dnnl::stream strm(cpu_engine());
    // With the whole batch in one chunk, the gradient reordered for the data pass serves the weights pass again when
    // both want the same layout.
    at::Tensor reordered_go;
    if (need_input) {
      const auto& pd = p->bwd_data_pd;
      at::Tensor keep_wei;
      auto wei = as_layout(weight, tag::oihw, pd.weights_desc(), strm, keep_wei);
      grad_input = at::empty_like(input, at::MemoryFormat::Contiguous);
      for (int64_t i = 0; i < n; i += chunk) {
        at::Tensor go_i = grad_out.narrow(0, i, chunk), gi_i = grad_input.narrow(0, i, chunk);
        at::Tensor keep_go, keep_scratch;
        auto diff_dst = as_layout(go_i, tag::nchw, pd.diff_dst_desc(), strm, keep_go);
        Output diff_src(gi_i, tag::nchw, pd.diff_src_desc());
        p->bwd_data.execute(strm, {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DIFF_SRC, diff_src.prim},
                                   {DNNL_ARG_SCRATCHPAD, scratchpad(pd.scratchpad_desc(), input, keep_scratch)}});
        diff_src.finish(strm);
        strm.wait();
        if (chunk == n) reordered_go = keep_go;
      }
    }
    if (need_weight || need_bias) {
      const auto& pd = p->bwd_weights_pd;
      grad_weight = at::empty_like(weight, at::MemoryFormat::Contiguous);
      if (has_bias) grad_bias = at::empty({weight.size(0)}, weight.options());
      at::Tensor part_weight, part_bias;   // the chunks after the first, added into the gradients
      for (int64_t i = 0; i < n; i += chunk) {
        at::Tensor go_i = grad_out.narrow(0, i, chunk), in_i = input.narrow(0, i, chunk);
        at::Tensor keep_go, keep_src, keep_scratch;
        memory diff_dst = (reordered_go.defined() && p->bwd_data_pd.diff_dst_desc() == pd.diff_dst_desc())
                              ? memory(pd.diff_dst_desc(), cpu_engine(), reordered_go.data_ptr())
                              : as_layout(go_i, tag::nchw, pd.diff_dst_desc(), strm, keep_go);
        auto src = as_layout(in_i, tag::nchw, pd.src_desc(), strm, keep_src);
        if (i > 0 && !part_weight.defined()) {
          part_weight = at::empty_like(grad_weight);
          if (has_bias) part_bias = at::empty_like(grad_bias);
        }
        at::Tensor& wei_out = i == 0 ? grad_weight : part_weight;
        Output diff_wei(wei_out, tag::oihw, pd.diff_weights_desc());
        std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_WEIGHTS, diff_wei.prim},
                                             {DNNL_ARG_SCRATCHPAD, scratchpad(pd.scratchpad_desc(), input, keep_scratch)}};
        if (has_bias)   // the primitive was made with a bias: it writes its gradient even when nobody wants it
          args.emplace(DNNL_ARG_DIFF_BIAS, memory(pd.diff_bias_desc(), cpu_engine(), (i == 0 ? grad_bias : part_bias).data_ptr()));
        p->bwd_weights.execute(strm, args);
        diff_wei.finish(strm);
        strm.wait();
        if (i > 0) {
          grad_weight.add_(part_weight);
          if (has_bias) grad_bias.add_(part_bias);
        }
      }
      if (!need_weight) grad_weight = at::Tensor();
      if (!need_bias) grad_bias = at::Tensor();
    }
    return {grad_input, grad_weight, grad_bias, at::Tensor()};
  }
};

}  // namespace
#endif

// 1 when this build can run Winograd convolutions (oneDNN linked) and oneDNN has a float32 Winograd kernel for a
// typical layer (64 -> 64 channels) on this CPU; 0 otherwise.
SRT_API int srt_winograd_available(int* available) {
  SRT_GUARD({
#ifdef SRT_WITH_ONEDNN
    *available = primitives_for(Shape{1, 64, 64, 16, 16, true}) != nullptr ? 1 : 0;
#else
    *available = 0;
#endif
  })
}

// The scratchpad sizes (bytes) of the forward, backward-data and backward-weights Winograd primitives for an
// [n, c, h, w] input and k output channels (with a bias); *available = 0 when oneDNN has no Winograd kernel for it.
SRT_API int srt_winograd_scratchpad_bytes(int64_t n, int64_t c, int64_t k, int64_t h, int64_t w, int* available,
                                          int64_t* fwd, int64_t* bwd_data, int64_t* bwd_weights) {
  SRT_GUARD({
    *available = 0;
    *fwd = *bwd_data = *bwd_weights = 0;
#ifdef SRT_WITH_ONEDNN
    if (auto p = primitives_for(Shape{n, c, k, h, w, true})) {
      *available = 1;
      *fwd = static_cast<int64_t>(p->fwd_pd.scratchpad_desc().get_size());
      *bwd_data = static_cast<int64_t>(p->bwd_data_pd.scratchpad_desc().get_size());
      *bwd_weights = static_cast<int64_t>(p->bwd_weights_pd.scratchpad_desc().get_size());
    }
#endif
  })
}

// conv2d(x, w, b, stride 1, padding 1) through oneDNN's Winograd kernels when they apply: float32 CPU tensors, x NCHW
// contiguous, w [K, C, 3, 3], no CPU autocast active, a Winograd kernel for the shape, and scratchpads of at most
// max_scratchpad_bytes for the passes the call will run, for the whole batch at once or in equal chunks of it. *used = 1 and *out set when it
// ran; *used = 0 (and *out untouched) when it does not apply (also for channel counts that are not multiples of 16), for the caller to run libtorch's conv2d.
SRT_API int srt_conv2d_winograd(TH x, TH w, TH b, int64_t max_scratchpad_bytes, int* used, TH* out) {
  SRT_GUARD({
    *used = 0;
#ifdef SRT_WITH_ONEDNN
    const at::Tensor& input = *x;
    const at::Tensor& weight = *w;
    const bool has_bias = b != nullptr && b->defined();
    if (!input.device().is_cpu() || input.scalar_type() != at::kFloat || weight.scalar_type() != at::kFloat) return 0;
    if (has_bias && b->scalar_type() != at::kFloat) return 0;
#if SRT_TORCH_AT_LEAST(2, 4)
    if (at::autocast::is_autocast_enabled(at::kCPU)) return 0;
#else
    if (at::autocast::is_cpu_enabled()) return 0;
#endif
    if (input.dim() != 4 || weight.dim() != 4 || weight.size(2) != 3 || weight.size(3) != 3 || weight.size(1) != input.size(1))
      return 0;
    if (!input.is_contiguous()) return 0;  // channels_last and views keep libtorch's path
    // Channel counts off AVX-512's 16 lanes run padded and slower than direct (3 -> 64: 0.32 vs 0.04 ms forward;
    // 64 -> 3: about even), so RGB input and output layers stay direct.
    if (input.size(1) % 16 != 0 || weight.size(0) % 16 != 0) return 0;
    // The largest chunk of the batch (a divisor of it) whose scratchpads fit the bound; none: libtorch's convolution.
    const bool grad = c10::GradMode::is_enabled();
    const bool data_pass = grad && input.requires_grad();
    const bool weights_pass = grad && (weight.requires_grad() || (has_bias && b->requires_grad()));
    int64_t chunk = 0;
    for (int64_t c = input.size(0); c >= 1 && chunk == 0; --c) {
      if (input.size(0) % c != 0) continue;
      auto p = primitives_for(shape_of(input, weight, has_bias, c));
      if (!p) return 0;   // no Winograd kernel for this layer here
      if (static_cast<int64_t>(scratchpad_needed(*p, data_pass, weights_pass)) <= max_scratchpad_bytes) chunk = c;
    }
    if (chunk == 0) return 0;
    // An empty tensor stands for "no bias": autograd functions take defined tensors only.
    at::Tensor bias = has_bias ? b->contiguous() : at::empty({0}, weight.options());
    *out = srt::wrap(WinogradConv::apply(input, weight.contiguous(), bias, chunk));
    *used = 1;
#endif
  })
}
