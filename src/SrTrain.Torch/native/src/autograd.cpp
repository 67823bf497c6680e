// Autograd surface: requires_grad, backward, grad access.
#include "shim.h"

SRT_API int srt_requires_grad(TH a) { return a->requires_grad() ? 1 : 0; }
SRT_API int srt_set_requires_grad(TH a, int value) { SRT_GUARD(a->set_requires_grad(value != 0)) }
SRT_API int srt_is_leaf(TH a) { return a->is_leaf() ? 1 : 0; }
SRT_API int srt_retain_grad(TH a) { SRT_GUARD(a->retain_grad()) }

// gradient may be null (scalar output). retain_graph / create_graph as in torch.
SRT_API int srt_backward(TH a, TH gradient, int retain_graph, int create_graph) {
  SRT_GUARD(a->backward(gradient ? *gradient : at::Tensor(), retain_graph != 0, create_graph != 0))
}

// *out is null when the tensor has no gradient yet.
SRT_API int srt_grad(TH a, TH* out) {
  SRT_GUARD({
    const at::Tensor& g = a->grad();
    *out = g.defined() ? srt::wrap(g) : nullptr;
  })
}
SRT_API int srt_set_grad(TH a, TH grad) { SRT_GUARD(a->mutable_grad() = grad ? *grad : at::Tensor()) }

// Zeroes (or drops, set_to_none) the gradients of many tensors in one call.
SRT_API int srt_zero_grad(const TH* params, int count, int set_to_none) {
  SRT_GUARD({
    for (int i = 0; i < count; ++i) {
      at::Tensor& g = params[i]->mutable_grad();
      if (!g.defined()) continue;
      if (set_to_none) {
        g = at::Tensor();
      } else {
        if (g.grad_fn()) g = g.detach();
        else g.requires_grad_(false);
        g.zero_();
      }
    }
  })
}

// Replaces the data of a (keeping its identity and autograd flags), as module.to() does.
SRT_API int srt_set_data(TH a, TH data) { SRT_GUARD(a->set_data(*data)) }

// In-place random fills drawing from the global generator exactly as torch.nn.init does.
SRT_API int srt_uniform_(TH a, double from, double to) { SRT_GUARD(a->uniform_(from, to)) }
SRT_API int srt_normal_(TH a, double mean, double std) { SRT_GUARD(a->normal_(mean, std)) }
