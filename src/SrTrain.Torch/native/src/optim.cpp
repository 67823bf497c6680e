// Optimizer steps over every parameter in one call (SrTrain.Torch.Optim).
// Each loop body repeats torch 1.13's single-tensor (foreach=False) update op for op, with
// the same double scalars, so results are bit-identical to torch.optim. Per-parameter
// state tensors are owned by C#; a null state entry is created here (the first step of a
// parameter) and its new handle written back for C# to own.
#include "shim.h"

#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>  // ATen/ATen.h stopped including it in libtorch 2.x
#include <cmath>

namespace {

// Per-parameter flag bits shared with Interop/Native.Optim.cs.
constexpr int kAmsgrad = 1;
constexpr int kMaximize = 2;
constexpr int kDecoupled = 4;  // AdamW: decay the weights, not the gradient
constexpr int kNesterov = 8;
constexpr int kFused = 16;     // one pass over each parameter's memory instead of torch's op-by-op update

// torch's state init: zeros_like(p, memory_format=torch.preserve_format).
at::Tensor& ensure_zeros(TH& slot, const at::Tensor& like) {
  if (!slot) slot = srt::wrap(at::zeros_like(like, at::MemoryFormat::Preserve));
  return *slot;
}

// Whether the fused loop can run on this parameter: float32 on the CPU, dense, and its gradient (and any state
// already there) laid out like it, so one linear index addresses the same element in every tensor.
bool fusable(const at::Tensor& param, const at::Tensor& grad, const TH* states, int nstates) {
  auto same = [&](const at::Tensor& t) {
    return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.strides() == param.strides() &&
           t.sizes() == param.sizes();
  };
  if (!param.device().is_cpu() || param.scalar_type() != at::kFloat || !param.is_non_overlapping_and_dense())
    return false;
  if (!same(grad)) return false;
  for (int s = 0; s < nstates; ++s)
    if (states[s] && !same(*states[s])) return false;
  return true;
}

// The update of torch's single-tensor Adam in one pass per element, in float as ATen computes float tensors with
// double scalars: the moments, the denominator and the parameter step are the same expressions in the same order;
// only whether a multiply and an add are fused (FMA) may differ from the vector kernels libtorch picked, so the
// results agree within a few ulp per step rather than bit for bit.
void fused_adam(at::Tensor& param, const at::Tensor& grad, at::Tensor& exp_avg, at::Tensor& exp_avg_sq,
                at::Tensor* max_sq, double lr, double beta1, double beta2, double eps, double weight_decay,
                double step, int f) {
  const float b1 = static_cast<float>(beta1), omb1 = static_cast<float>(1 - beta1);
  const float b2 = static_cast<float>(beta2), omb2 = static_cast<float>(1 - beta2);
  const float wd = static_cast<float>(weight_decay);
  const float decay = static_cast<float>(1 - lr * weight_decay);
  const bool decoupled = (f & kDecoupled) != 0, maximize = (f & kMaximize) != 0, amsgrad = max_sq != nullptr;
  const bool coupled_decay = !decoupled && weight_decay != 0, decoupled_decay = decoupled && decay != 1.0f;
  const float bc2_sqrt = static_cast<float>(std::sqrt(1 - std::pow(beta2, step)));
  const float neg_step_size = static_cast<float>(-(lr / (1 - std::pow(beta1, step))));
  const float epsf = static_cast<float>(eps);
  float* p = param.data_ptr<float>();
  const float* g = grad.data_ptr<float>();
  float* m = exp_avg.data_ptr<float>();
  float* v = exp_avg_sq.data_ptr<float>();
  float* vmax = amsgrad ? max_sq->data_ptr<float>() : nullptr;
  at::parallel_for(0, param.numel(), 1 << 15, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      float gi = maximize ? -g[i] : g[i];
      float pi = p[i];
      if (decoupled_decay) pi = pi * decay;
      if (coupled_decay) gi = gi + wd * pi;
      const float mi = m[i] * b1 + omb1 * gi;
      const float vi = v[i] * b2 + omb2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      float second = vi;
      if (amsgrad) {
        second = std::max(vmax[i], vi);
        vmax[i] = second;
      }
      const float denom = std::sqrt(second) / bc2_sqrt + epsf;
      p[i] = pi + neg_step_size * mi / denom;
    }
  });
}

}  // namespace

// One Adam / AdamW step (torch.optim._single_tensor_adam / _single_tensor_adamw, not
// capturable). hyper holds 6 doubles per parameter: lr, beta1, beta2, eps, weight_decay,
// step (the step count after this step's increment). stepped[i] = 1 where the parameter had
// a gradient and was updated (2: by the fused pass); parameters without one are skipped and get no state.
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

      if (f & kFused) {
        const TH states[] = {exp_avgs[i], exp_avg_sqs[i], max_exp_avg_sqs[i]};
        if (fusable(param, raw_grad, states, 3)) {
          at::Tensor& exp_avg = ensure_zeros(exp_avgs[i], param);
          at::Tensor& exp_avg_sq = ensure_zeros(exp_avg_sqs[i], param);
          at::Tensor* max_sq = (f & kAmsgrad) ? &ensure_zeros(max_exp_avg_sqs[i], param) : nullptr;
          fused_adam(param, raw_grad, exp_avg, exp_avg_sq, max_sq, lr, beta1, beta2, eps, weight_decay, step, f);
          stepped[i] = 2;  // updated, by the fused pass
          continue;
        }
      }

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
