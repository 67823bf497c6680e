"""PyTorch side of `srtrain bench` (scripts/bench.sh): times the same steps as src/SrTrain.Cli/Bench/.

Runs as a server so both sides can alternate round by round without paying Python's start-up:
one JSON request per stdin line, one JSON reply per stdout line.
  {"op": "prepare", "name": "conv", "warmup": 3}     -> {"ok": true}
  {"op": "run", "name": "conv", "iterations": 10}     -> {"seconds_per_step": 0.05}
  {"op": "release", "name": "conv"}                    -> {"ok": true}
To add a benchmark: write a function that allocates its inputs and returns a `step()` closure,
decorated with @bench("<name>"), the same name as the C# Benchmark's.
Usage: /usr/bin/python3 reference.py --threads N
"""
import argparse
import json
import sys
import time

import torch

BENCHES = {}


def bench(name):
    def register(make):
        BENCHES[name] = make
        return make
    return register


@bench("conv")
def conv():
    """Twin of ConvBenchmark: conv2d 64->64 3x3 pad 1 on (16, 64, 32, 32), forward + backward."""
    layer = torch.nn.Conv2d(64, 64, 3, padding=1)
    x = torch.randn(16, 64, 32, 32, requires_grad=True)
    grad_output = torch.randn(16, 64, 32, 32)

    def step():
        layer(x).backward(grad_output)
        layer.zero_grad(set_to_none=True)
        x.grad = None
    return step


@bench("overhead")
def overhead():
    """Twin of OverheadBenchmark: 1000 adds of two one-element tensors, each result freed."""
    a = torch.ones(1)
    b = torch.ones(1)

    def step():
        for _ in range(1000):
            a + b
    return step


def _train_step():
    """Twin of TrainStepBenchmark: MSRResNet x4 (64/16), batch 4 of 24x24 LQ, fwd + L1 + bwd + Adam, fp32."""
    import os
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures"))
    from archs_ref import MSRResNet
    torch.manual_seed(0)
    net = MSRResNet(num_feat=64, num_block=16, upscale=4)
    adam = torch.optim.Adam(net.parameters(), lr=2e-4, betas=(0.9, 0.99))
    lq = torch.rand(4, 3, 24, 24)
    gt = torch.rand(4, 3, 96, 96)
    loss = torch.nn.L1Loss()

    def step():
        adam.zero_grad(set_to_none=True)
        loss(net(lq), gt).backward()
        adam.step()
    return step


@bench("train_step")
def train_step():
    return _train_step()


@bench("train_step_cl")
def train_step_cl():
    """The same fp32 NCHW step: the baseline SrTrain's channels_last step is compared with."""
    return _train_step()


@bench("train_step_bf16")
def train_step_bf16():
    """The same fp32 NCHW step: the baseline SrTrain's bf16 + channels_last step is compared with."""
    return _train_step()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    prepared = {}
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            name = request["name"]
            if request["op"] == "prepare":
                if name not in BENCHES:
                    raise KeyError(f"no Python benchmark named '{name}' in {__file__} (known: {', '.join(BENCHES)})")
                step = prepared[name] = BENCHES[name]()
                for _ in range(request.get("warmup", 3)):
                    step()
                reply = {"ok": True}
            elif request["op"] == "run":
                step = prepared[name]
                n = request["iterations"]
                start = time.perf_counter()
                for _ in range(n):
                    step()
                reply = {"seconds_per_step": (time.perf_counter() - start) / n}
            elif request["op"] == "release":
                prepared.pop(name, None)
                reply = {"ok": True}
            else:
                raise ValueError(f"unknown op {request['op']}")
        except Exception as e:  # reported to the C# side, which names the benchmark
            reply = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
