// Gradient checkpointing (PyTorch: torch.utils.checkpoint). libtorch's C++ API has none, and the block to
// recompute is managed code, so the forward is a callback into .NET: srt_checkpoint runs the block without
// grad, keeps only its input (and the generator state), and attaches a CheckpointBackward node whose
// backward re-runs the block with grad enabled and differentiates that recomputed graph.
#include "shim.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/GradMode.h>
#include <mutex>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/saved_variable.h>

// run: the block's forward on *input (a handle the callee owns), result stored with srt_tensor_assign into
// output; returns 0, or -1 after srt_set_error_message. release: the block's managed handle is no longer needed.
typedef int (*srt_checkpoint_run_fn)(void* block, TH input, TH output);
typedef void (*srt_checkpoint_release_fn)(void* block);
SRT_API const char* srt_last_error();  // runtime.cpp

namespace {
using torch::autograd::SavedVariable;
using torch::autograd::variable_list;

srt_checkpoint_run_fn run_callback = nullptr;
srt_checkpoint_release_fn release_callback = nullptr;

// The managed block, released exactly once: when the last forward or graph node holding it goes.
struct ManagedBlock {
  void* handle;
  explicit ManagedBlock(void* h) : handle(h) {}
  ManagedBlock(const ManagedBlock&) = delete;
  ManagedBlock& operator=(const ManagedBlock&) = delete;
  ~ManagedBlock() {
    if (release_callback) release_callback(handle);
  }

  at::Tensor run(const at::Tensor& input) const {
    at::Tensor output;
    if (run_callback(handle, srt::wrap(input), &output) != 0)
      throw std::runtime_error(std::string("checkpointed block: ") + srt_last_error());
    if (!output.defined()) throw std::runtime_error("checkpointed block returned no tensor");
    return output;
  }
};

// The CPU generator's state, swapped in around the recomputation so that random ops (dropout, noise)
// draw the same numbers as in the forward, and the caller's stream is left where it was.
at::Tensor cpu_rng_state() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}
void set_cpu_rng_state(const at::Tensor& state) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
}

struct CheckpointBackward : public torch::autograd::Node {
  std::shared_ptr<ManagedBlock> block;
  SavedVariable input;
  std::vector<SavedVariable> params;
  at::Tensor rng_state;
  bool input_requires_grad = false;

  std::string name() const override { return "CheckpointBackward"; }

  void release_variables() override {
    input.reset_data();
    for (auto& p : params) p.reset_data();
    rng_state = at::Tensor();
  }

  variable_list apply(variable_list&& grads) override {
    // unpack() checks the version counter: an input changed in place after the forward is an error, as in torch.
    auto saved_input = input.unpack(shared_from_this());
    TORCH_CHECK(saved_input.defined(), "checkpoint: backward through the block a second time (its input was freed); "
                                       "use retain_graph=True the first time");
    variable_list leaves;
    for (auto& p : params) leaves.push_back(p.unpack(shared_from_this()));
    auto x = saved_input.detach();
    x.set_requires_grad(input_requires_grad);

    at::Tensor output;
    auto caller_rng = cpu_rng_state();
    set_cpu_rng_state(rng_state);
    try {
      at::AutoGradMode enable(true);
      output = block->run(x);
    } catch (...) {
      set_cpu_rng_state(caller_rng);
      throw;
    }
    set_cpu_rng_state(caller_rng);

    variable_list wrt;
    if (input_requires_grad) wrt.push_back(x);
    for (auto& p : leaves) wrt.push_back(p);
    variable_list result(1 + leaves.size());
    if (wrt.empty() || !grads[0].defined() || !output.requires_grad()) return result;
    auto g = torch::autograd::grad({output}, wrt, {grads[0]}, /*retain_graph=*/false, /*create_graph=*/false,
                                   /*allow_unused=*/true);
    size_t k = 0;
    if (input_requires_grad) result[0] = g[k++];
    for (size_t i = 0; i < leaves.size(); ++i) result[1 + i] = g[k++];
    return result;
  }
};

}  // namespace

// Called once by the binding: the managed entry points of every checkpointed block.
SRT_API void srt_checkpoint_set_callbacks(srt_checkpoint_run_fn run, srt_checkpoint_release_fn release) {
  run_callback = run;
  release_callback = release;
}

// Lets the managed run callback report its exception's message (the native caller raises it).
SRT_API void srt_set_error_message(const char* message) { srt::set_error(message ? message : "unknown managed error"); }

// Stores src into the tensor slot dst (the run callback's output).
SRT_API int srt_tensor_assign(TH dst, TH src) { SRT_GUARD(*dst = *src) }

// Runs the managed block (its handle `block`, released through the release callback when no longer needed) on
// input without recording a graph. params: the block's parameters that require grad, whose gradients the
// backward returns. When grad is enabled and the input or a parameter requires grad, the output's grad_fn
// is a CheckpointBackward holding only the input.
SRT_API int srt_checkpoint(void* block, TH input, const TH* params, int n_params, TH* out) {
  auto owner = std::make_shared<ManagedBlock>(block);
  SRT_GUARD({
    TORCH_CHECK(run_callback != nullptr, "checkpoint: callbacks not registered");
    variable_list leaves;
    for (int i = 0; i < n_params; ++i) leaves.push_back(*params[i]);
    bool needs_graph = torch::autograd::compute_requires_grad(*input, at::TensorList(leaves));
    at::Tensor rng = needs_graph ? cpu_rng_state() : at::Tensor();
    at::Tensor output;
    {
      at::AutoGradMode disable(false);
      output = owner->run(*input);
    }
    if (needs_graph) {
      TORCH_CHECK(torch::autograd::isDifferentiableType(output.scalar_type()), "checkpoint: the block's output is not floating point");
      std::shared_ptr<CheckpointBackward> node(new CheckpointBackward(), torch::autograd::deleteNode);
      node->block = owner;
      node->input = SavedVariable(*input, /*is_output=*/false);
      for (auto& p : leaves) node->params.emplace_back(p, /*is_output=*/false);
      node->rng_state = rng;
      node->input_requires_grad = input->requires_grad();
      node->set_next_edges(torch::autograd::collect_next_edges(*input, leaves));
      torch::autograd::set_history(output, node);
    }
    *out = srt::wrap(output);
  })
}
