// Process groups over libtorch's c10d (torch.distributed's engine): a TCPStore rendezvous hosted by rank 0,
// a Gloo group (CPU tensors) or, when the linked libtorch has CUDA, an NCCL group; bucketed all-reduce and
// broadcast, barrier, all-gather of doubles. c10d's errors come back naming the rank, the operation and, when
// a peer vanished, which rank(s) did not answer.
#include "shim.h"

#include <c10/core/GradMode.h>

#include <chrono>
#include <sstream>
#include <thread>
#include <vector>

#if defined(USE_C10D_GLOO)
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if defined(USE_C10D_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <cstdlib>

namespace {

// libtorch 2.x split ProcessGroup into a dispatching front and per-backend Backends; the groups we build
// are the Backends there, and ProcessGroups in 1.13. Both expose the same collective signatures.
#if SRT_TORCH_AT_LEAST(2, 0)
using Group = c10d::Backend;
#else
using Group = c10d::ProcessGroup;
#endif

struct DistGroup {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<Group> group;
  int rank = 0;
  int world = 1;
  std::string backend;
  std::string host;
  int port = 0;
  std::chrono::milliseconds timeout{0};
};

// Which ranks are still there: every survivor of a failed collective writes its key, then waits a little for
// the others'. A rank whose key never comes is named as lost; rank 0 hosts the store, so a store that cannot
// be reached means rank 0 is gone.
std::string diagnose_lost(DistGroup& g) {
  std::ostringstream out;
  try {
    g.store->setTimeout(std::chrono::milliseconds(3000));
    std::string mine = "srtrain/alive/" + std::to_string(g.rank);
    g.store->set(mine, std::vector<uint8_t>{1});
    std::vector<int> missing;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(3000);
    for (;;) {
      missing.clear();
      for (int r = 0; r < g.world; r++)
        if (r != g.rank && !g.store->check({"srtrain/alive/" + std::to_string(r)})) missing.push_back(r);
      if (missing.empty() || std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (missing.empty()) return "";
    out << "; lost rank" << (missing.size() > 1 ? "s " : " ");
    for (size_t i = 0; i < missing.size(); i++) out << (i ? ", " : "") << missing[i];
    out << " (no answer within 3 s)";
  } catch (const std::exception&) {
    if (g.rank == 0) return "";
    out << "; lost rank 0 (it hosts the store at " << g.host << ":" << g.port << ", which no longer answers)";
  }
  return out.str();
}

[[noreturn]] void fail(DistGroup& g, const char* op, const std::string& what) {
  std::ostringstream out;
  out << "rank " << g.rank << " of " << g.world << " (" << g.backend << "): " << op << " failed: " << what;
  out << diagnose_lost(g);
  throw std::runtime_error(out.str());
}

template <class F>
void run(DistGroup& g, const char* op, F&& body) {
  try {
    body();
  } catch (const c10::Error& e) {
    fail(g, op, e.what_without_backtrace());
  } catch (const std::exception& e) {
    fail(g, op, e.what());
  }
}

void wait(const c10::intrusive_ptr<c10d::Work>& work, const DistGroup& g) {
  work->wait(g.timeout);
}

// Groups tensors into flat buckets of at most bucket_bytes (a bigger tensor is its own bucket), same dtype and
// device within a bucket, in the given order, so every rank builds the same buckets from the same tensor list.
std::vector<std::vector<at::Tensor>> buckets(const std::vector<at::Tensor>& tensors, int64_t bucket_bytes) {
  std::vector<std::vector<at::Tensor>> out;
  int64_t bytes = 0;
  for (const auto& t : tensors) {
    int64_t size = t.numel() * static_cast<int64_t>(t.element_size());
    bool fresh = out.empty() || bytes + size > bucket_bytes || out.back().front().scalar_type() != t.scalar_type() ||
                 out.back().front().device() != t.device();
    if (fresh) {
      out.emplace_back();
      bytes = 0;
    }
    out.back().push_back(t);
    bytes += size;
  }
  return out;
}

at::Tensor flatten(const std::vector<at::Tensor>& bucket) {
  if (bucket.size() == 1 && bucket[0].is_contiguous()) return bucket[0].view({-1});
  std::vector<at::Tensor> flat;
  flat.reserve(bucket.size());
  for (const auto& t : bucket) flat.push_back(t.reshape({-1}));
  return at::cat(flat);
}

void unflatten(const at::Tensor& flat, std::vector<at::Tensor>& bucket) {
  if (bucket.size() == 1 && bucket[0].is_contiguous() && flat.data_ptr() == bucket[0].data_ptr()) return;
  int64_t offset = 0;
  for (auto& t : bucket) {
    t.copy_(flat.narrow(0, offset, t.numel()).view(t.sizes()));
    offset += t.numel();
  }
}

std::vector<at::Tensor> tensors_of(TH* handles, int count) {
  std::vector<at::Tensor> out;
  out.reserve(count);
  for (int i = 0; i < count; i++) out.push_back(*handles[i]);
  return out;
}

std::shared_ptr<::gloo::transport::Device> gloo_device(const std::string& host) {
  // As torch.distributed: GLOO_SOCKET_IFNAME names the interface; otherwise a loopback rendezvous binds to the
  // loopback address (all ranks on this machine) and any other binds to the address this host's name resolves to.
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
    return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  if (host == "127.0.0.1" || host == "localhost" || host == "::1")
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

SRT_API int srt_dist_available(const char* backend) {
  std::string b = backend;
  if (b == "gloo") return 1;
#if defined(USE_C10D_NCCL)
  if (b == "nccl") return 1;
#endif
  return 0;
}

SRT_API int srt_dist_init(const char* host, int port, int rank, int world, const char* backend, int64_t timeout_ms,
                          void** out) {
  SRT_GUARD({
    auto g = std::make_unique<DistGroup>();
    g->rank = rank;
    g->world = world;
    g->backend = backend;
    g->host = host;
    g->port = port;
    g->timeout = std::chrono::milliseconds(timeout_ms);
    try {
      c10d::TCPStoreOptions opts;
      opts.port = static_cast<uint16_t>(port);
      opts.isServer = rank == 0;
      opts.numWorkers = static_cast<size_t>(world);
      opts.waitWorkers = true;
      opts.timeout = g->timeout;
      g->store = c10::make_intrusive<c10d::TCPStore>(g->host, opts);
      if (g->backend == "gloo") {
        auto options = c10d::ProcessGroupGloo::Options::create(g->timeout);
        options->devices.push_back(gloo_device(g->host));
        options->threads = 2;
        g->group = c10::make_intrusive<c10d::ProcessGroupGloo>(g->store, rank, world, options);
#if defined(USE_C10D_NCCL)
      } else if (g->backend == "nccl") {
        auto options = c10d::ProcessGroupNCCL::Options::create();
        options->timeout = g->timeout;
        g->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(g->store, rank, world, options);
#endif
      } else {
        throw std::runtime_error("backend '" + g->backend + "' is not available in this build (gloo" +
#if defined(USE_C10D_NCCL)
                                 std::string(", nccl") +
#else
                                 std::string("; nccl needs a libtorch with CUDA") +
#endif
                                 ")");
      }
    } catch (const c10::Error& e) {
      throw std::runtime_error("rank " + std::to_string(rank) + " of " + std::to_string(world) + ": init (" + g->backend +
                               ", store " + g->host + ":" + std::to_string(port) + ") failed: " + e.what_without_backtrace());
    } catch (const std::exception& e) {
      throw std::runtime_error("rank " + std::to_string(rank) + " of " + std::to_string(world) + ": init (" + g->backend +
                               ", store " + g->host + ":" + std::to_string(port) + ") failed: " + e.what());
    }
    *out = g.release();
  });
}

SRT_API void srt_dist_destroy(void* handle) { delete static_cast<DistGroup*>(handle); }

// In-place all-reduce (sum, or the mean when average != 0) of many tensors through flat buckets: every bucket's
// reduce is queued before the first is awaited, so Gloo's worker threads overlap them.
SRT_API int srt_dist_all_reduce(void* handle, TH* tensors, int count, int average, int64_t bucket_bytes) {
  SRT_GUARD({
    auto& g = *static_cast<DistGroup*>(handle);
    run(g, "all_reduce", [&] {
      c10::NoGradGuard no_grad;
      auto groups = buckets(tensors_of(tensors, count), bucket_bytes);
      std::vector<std::vector<at::Tensor>> flats(groups.size());
      std::vector<c10::intrusive_ptr<c10d::Work>> works;
      for (size_t i = 0; i < groups.size(); i++) {
        flats[i] = {flatten(groups[i])};
        works.push_back(g.group->allreduce(flats[i], c10d::AllreduceOptions{}));
      }
      for (size_t i = 0; i < groups.size(); i++) {
        wait(works[i], g);
        if (average) flats[i][0].div_(g.world);
        unflatten(flats[i][0], groups[i]);
      }
    });
  });
}

// Broadcast of many tensors from root through flat buckets (in place on the receivers).
SRT_API int srt_dist_broadcast(void* handle, TH* tensors, int count, int root, int64_t bucket_bytes) {
  SRT_GUARD({
    auto& g = *static_cast<DistGroup*>(handle);
    run(g, "broadcast", [&] {
      c10::NoGradGuard no_grad;
      auto groups = buckets(tensors_of(tensors, count), bucket_bytes);
      for (auto& bucket : groups) {
        std::vector<at::Tensor> flat{flatten(bucket)};
        c10d::BroadcastOptions opts;
        opts.rootRank = root;
        wait(g.group->broadcast(flat, opts), g);
        unflatten(flat[0], bucket);
      }
    });
  });
}

SRT_API int srt_dist_barrier(void* handle) {
  SRT_GUARD({
    auto& g = *static_cast<DistGroup*>(handle);
    run(g, "barrier", [&] { wait(g.group->barrier(c10d::BarrierOptions{}), g); });
  });
}

// Gathers `count` doubles from every rank into out (world x count, rank-major).
SRT_API int srt_dist_all_gather(void* handle, const double* values, int count, double* out) {
  SRT_GUARD({
    auto& g = *static_cast<DistGroup*>(handle);
    run(g, "all_gather", [&] {
      auto opts = at::TensorOptions().dtype(at::kDouble);
      std::vector<at::Tensor> input{at::from_blob(const_cast<double*>(values), {count}, opts).clone()};
      if (g.backend == "nccl") input[0] = input[0].to(at::Device(at::kCUDA, 0));
      std::vector<std::vector<at::Tensor>> outputs(1);
      for (int r = 0; r < g.world; r++) outputs[0].push_back(at::empty_like(input[0]));
      wait(g.group->allgather(outputs, input, c10d::AllgatherOptions{}), g);
      for (int r = 0; r < g.world; r++) {
        auto cpu = outputs[0][r].to(at::kCPU).contiguous();
        std::memcpy(out + static_cast<size_t>(r) * count, cpu.data_ptr<double>(), sizeof(double) * count);
      }
    });
  });
}

#else  // no c10d Gloo headers at build time: the group exports exist and say why they cannot work.

namespace {
const char* kNoDist = "this build of the SrTrain shim has no c10d (compile with the Gloo headers, libgloo-dev)";
}

SRT_API int srt_dist_available(const char* backend) { return 0; }
SRT_API int srt_dist_init(const char*, int, int, int, const char*, int64_t, void**) { SRT_GUARD(throw std::runtime_error(kNoDist)); }
SRT_API void srt_dist_destroy(void*) {}
SRT_API int srt_dist_all_reduce(void*, TH*, int, int, int64_t) { SRT_GUARD(throw std::runtime_error(kNoDist)); }
SRT_API int srt_dist_broadcast(void*, TH*, int, int, int64_t) { SRT_GUARD(throw std::runtime_error(kNoDist)); }
SRT_API int srt_dist_barrier(void*) { SRT_GUARD(throw std::runtime_error(kNoDist)); }
SRT_API int srt_dist_all_gather(void*, const double*, int, double*) { SRT_GUARD(throw std::runtime_error(kNoDist)); }

#endif
