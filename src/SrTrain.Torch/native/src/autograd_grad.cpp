// torch.autograd.grad: gradients of outputs w.r.t. chosen inputs without touching .grad,
// optionally with a graph (create_graph) for penalties on gradients (WGAN-GP, R1).
#include "shim.h"
#include <torch/csrc/autograd/autograd.h>

// grad_outputs may be null (all outputs scalar) or hold null entries; results[i] is null
// for an input that does not influence the outputs (allow_unused).
SRT_API int srt_autograd_grad(const TH* outputs, int n_outputs, const TH* grad_outputs, const TH* inputs, int n_inputs,
                              int retain_graph, int create_graph, int allow_unused, TH* results) {
  SRT_GUARD({
    std::vector<at::Tensor> outs, grads, ins;
    for (int i = 0; i < n_outputs; ++i) {
      outs.push_back(*outputs[i]);
      grads.push_back(grad_outputs && grad_outputs[i] ? *grad_outputs[i] : at::Tensor());
    }
    for (int i = 0; i < n_inputs; ++i) ins.push_back(*inputs[i]);
    auto g = torch::autograd::grad(outs, ins, grads, retain_graph < 0 ? c10::optional<bool>() : c10::optional<bool>(retain_graph != 0),
                                   create_graph != 0, allow_unused != 0);
    for (int i = 0; i < n_inputs; ++i) results[i] = g[i].defined() ? srt::wrap(g[i]) : nullptr;
  })
}
