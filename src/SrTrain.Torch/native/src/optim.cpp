// Optimizer steps over every parameter in one call (SrTrain.Torch.Optim).
// Each loop body repeats torch 1.13's single-tensor (foreach=False) update op for op, with
// the same double scalars, so results are bit-identical to torch.optim. Per-parameter
// state tensors are owned by C#; a null state entry is created here (the first step of a
// parameter) and its new handle written back for C# to own.
#include "shim.h"

#include <c10/core/GradMode.h>  // ATen/ATen.h stopped including it in libtorch 2.x
#include <cmath>

namespace {

// Per-parameter flag bits shared with Interop/Native.Optim.cs.
constexpr int kAmsgrad = 1;
constexpr int kMaximize = 2;
constexpr int kDecoupled = 4;  // AdamW: decay the weights, not the gradient
constexpr int kNesterov = 8;

// torch's state init: zeros_like(p, memory_format=torch.preserve_format).
at::Tensor& ensure_zeros(TH& slot, const at::Tensor& like) {
  if (!slot) slot = srt::wrap(at::zeros_like(like, at::MemoryFormat::Preserve));
  return *slot;
}

}  // namespace

// One Adam / AdamW step (torch.optim._single_tensor_adam / _single_tensor_adamw, not
// capturable). hyper holds 6 doubles per parameter: lr, beta1, beta2, eps, weight_decay,
// step (the step count after this step's increment). stepped[i] = 1 where the parameter had
// a gradient and was updated; parameters without one are skipped and get no state.
SRT_API int srt_adam_step(const TH* params, int count, TH* exp_avgs, TH* exp_avg_sqs, TH* max_exp_avg_sqs,
                          const double* hyper, const int* flags, uint8_t* stepped) {
  SRT_GUARD({
    c10::NoGradGuard no_grad;
    for (int i = 0; i < count; ++i) {
      stepped[i] = 0;
      at::Tensor& param = *params[i];
      const at::Tensor& raw_grad = param.grad();
      if (!raw_grad.defined()) continue;
      TORCH_CHECK(!raw_grad.is_sparse(), "Adam does not support sparse gradients (parameter ", i, ")");
      const double* h = hyper + 6 * i;
      const double lr = h[0], beta1 = h[1], beta2 = h[2], eps = h[3], weight_decay = h[4], step = h[5];
      const int f = flags[i];

      at::Tensor grad = (f & kMaximize) ? raw_grad.neg() : raw_grad;
      at::Tensor& exp_avg = ensure_zeros(exp_avgs[i], param);
      at::Tensor& exp_avg_sq = ensure_zeros(exp_avg_sqs[i], param);

      if (f & kDecoupled) {
        // AdamW: torch multiplies even when the factor is 1; x * 1.0 == x exactly, so skip it.
        const double factor = 1 - lr * weight_decay;
        if (factor != 1.0) param.mul_(factor);
      } else if (weight_decay != 0) {
        grad = grad.add(param, weight_decay);
      }

      exp_avg.mul_(beta1).add_(grad, 1 - beta1);
      exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);

      const double bias_correction1 = 1 - std::pow(beta1, step);
      const double bias_correction2 = 1 - std::pow(beta2, step);
      const double step_size = lr / bias_correction1;
      const double bias_correction2_sqrt = std::sqrt(bias_correction2);

      at::Tensor denom;
      if (f & kAmsgrad) {
        at::Tensor& max_sq = ensure_zeros(max_exp_avg_sqs[i], param);
        at::maximum_out(max_sq, max_sq, exp_avg_sq);
        denom = max_sq.sqrt();
      } else {
        denom = exp_avg_sq.sqrt();
      }
      // torch: (sq.sqrt() / bias_correction2_sqrt).add_(eps); in place on the fresh sqrt is
      // the same kernel on the same values and saves an allocation.
      denom.div_(bias_correction2_sqrt).add_(eps);
      param.addcdiv_(exp_avg, denom, -step_size);
      stepped[i] = 1;
    }
  })
}

// One SGD step (torch.optim._single_tensor_sgd). hyper holds 4 doubles per parameter: lr,
// momentum, dampening, weight_decay. A null momentum buffer is started as a copy of the
// first gradient, as torch does.
SRT_API int srt_sgd_step(const TH* params, int count, TH* momentum_buffers, const double* hyper, const int* flags,
                         uint8_t* stepped) {
  SRT_GUARD({
    c10::NoGradGuard no_grad;
    for (int i = 0; i < count; ++i) {
      stepped[i] = 0;
      at::Tensor& param = *params[i];
      const at::Tensor& raw_grad = param.grad();
      if (!raw_grad.defined()) continue;
      const double* h = hyper + 4 * i;
      const double lr = h[0], momentum = h[1], dampening = h[2], weight_decay = h[3];
      const int f = flags[i];

      at::Tensor d_p = (f & kMaximize) ? raw_grad.neg() : raw_grad;
      if (weight_decay != 0) d_p = d_p.add(param, weight_decay);
      if (momentum != 0) {
        if (!momentum_buffers[i]) {
          momentum_buffers[i] = srt::wrap(at::clone(d_p).detach());
        } else {
          momentum_buffers[i]->mul_(momentum).add_(d_p, 1 - dampening);
        }
        const at::Tensor& buf = *momentum_buffers[i];
        d_p = (f & kNesterov) ? d_p.add(buf, momentum) : buf;
      }
      param.add_(d_p, -lr);
      stepped[i] = 1;
    }
  })
}
