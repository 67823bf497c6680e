"""PyTorch side of scripts/bench.sh (srtrain-bench): times the same steps as bench/SrTrain.Bench/.

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
import os
import random
import sys
import tempfile
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
    return _l1_adam_step(net, lr=2e-4, lq_size=24)


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


def _rrdb_step(checkpoint):
    """Twin of RrdbStepBenchmark: RRDBNet x4 (64/23/32), batch 4 of GT 128 (LQ 32), fwd + L1 + bwd + Adam, fp32;
    with checkpoint each RRDB of the trunk runs under torch.utils.checkpoint."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures"))
    from archs_ref import RRDBNet
    from torch.utils.checkpoint import checkpoint as run_checkpointed
    torch.manual_seed(0)
    net = RRDBNet(3, 3, scale=4, num_feat=64, num_block=23, num_grow_ch=32)
    if checkpoint:
        blocks = list(net.body)
        net.body.forward = lambda x: _run_blocks(blocks, x, run_checkpointed)
    return _l1_adam_step(net, lr=1e-4, lq_size=32)


def _l1_adam_step(net, lr, lq_size):
    """One training step of net x4 on a random batch of 4: zero_grad, forward, L1, backward, Adam (betas 0.9, 0.99)."""
    adam = torch.optim.Adam(net.parameters(), lr=lr, betas=(0.9, 0.99))
    lq = torch.rand(4, 3, lq_size, lq_size)
    gt = torch.rand(4, 3, 4 * lq_size, 4 * lq_size)
    loss = torch.nn.L1Loss()

    def step():
        adam.zero_grad(set_to_none=True)
        loss(net(lq), gt).backward()
        adam.step()
    return step


def _run_blocks(blocks, x, run_checkpointed):
    for b in blocks:
        x = run_checkpointed(b, x, use_reentrant=True)
    return x


@bench("rrdb_step")
def rrdb_step():
    return _rrdb_step(False)


@bench("rrdb_step_ckpt")
def rrdb_step_ckpt():
    return _rrdb_step(True)


@bench("rrdb_step_bf16")
def rrdb_step_bf16():
    """The same fp32 step: the baseline SrTrain's bf16 step is compared with."""
    return _rrdb_step(False)


class _PairedSubImages(torch.utils.data.Dataset):
    """BasicSR's PairedImageDataset in the train phase, as its code does it: file bytes -> cv2.imdecode ->
    float32 / 255 (imfrombytes), paired_random_crop, augment (hflip, vflip, rot90 as a transpose),
    img2tensor (BGR -> RGB, HWC -> CHW)."""

    def __init__(self, root, count, scale, gt_size, enlarge):
        self.pairs = [(os.path.join(root, "gt", f"{i:04d}.png"), os.path.join(root, "lq", f"{i:04d}x{scale}.png"))
                      for i in range(1, count + 1)]
        self.scale, self.gt_size, self.enlarge = scale, gt_size, enlarge

    def __len__(self):
        return len(self.pairs) * self.enlarge

    @staticmethod
    def _read(path):
        import cv2
        import numpy as np
        with open(path, "rb") as f:
            data = np.frombuffer(f.read(), np.uint8)
        return cv2.imdecode(data, cv2.IMREAD_COLOR).astype(np.float32) / 255.0

    def __getitem__(self, index):
        import cv2
        gt_path, lq_path = self.pairs[index % len(self.pairs)]
        gt, lq = self._read(gt_path), self._read(lq_path)
        lq_size = self.gt_size // self.scale
        top = random.randint(0, lq.shape[0] - lq_size)
        left = random.randint(0, lq.shape[1] - lq_size)
        lq = lq[top:top + lq_size, left:left + lq_size, ...]
        gt = gt[top * self.scale:(top + lq_size) * self.scale, left * self.scale:(left + lq_size) * self.scale, ...]
        hflip, vflip, rot90 = random.random() < 0.5, random.random() < 0.5, random.random() < 0.5
        out = []
        for img in (gt, lq):
            if hflip:
                cv2.flip(img, 1, img)
            if vflip:
                cv2.flip(img, 0, img)
            if rot90:
                img = img.transpose(1, 0, 2)
            img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
            out.append(torch.from_numpy(img.transpose(2, 0, 1)).float())
        return {"gt": out[0], "lq": out[1], "gt_path": gt_path, "lq_path": lq_path}


def _paired_loader():
    """The files LoaderBenchData (C#) wrote for this run: its process is our parent."""
    root = os.path.join(tempfile.gettempdir(), f"srtrain-bench-loader-{os.getppid()}")
    if not os.path.exists(os.path.join(root, "complete")):
        raise FileNotFoundError(f"{root}: the C# side writes the loader bench images before preparing this side")
    dataset = _PairedSubImages(root, count=32, scale=4, gt_size=128, enlarge=100)
    loader = torch.utils.data.DataLoader(dataset, batch_size=16, shuffle=True, num_workers=2, drop_last=True,
                                         persistent_workers=True, prefetch_factor=2)
    state = {"it": iter(loader)}

    def step():
        try:
            next(state["it"])
        except StopIteration:
            state["it"] = iter(loader)
            next(state["it"])
    return step


@bench("loader")
def loader():
    """Twin of LoaderBenchmark: a DataLoader with 2 worker processes over BasicSR's PairedImageDataset steps,
    480x480 GT / 120x120 LQ PNGs, gt_size 128, hflip + rot, batch 16; a step is one batch."""
    return _paired_loader()


@bench("loader_cache")
def loader_cache():
    """Twin of LoaderCacheBenchmark: the same loader as `loader` (PyTorch has no decode-once cache)."""
    return _paired_loader()


def _infer_rrdbnet(tile):
    """Twin of InferRrdbNetBenchmark: RRDBNet x4 (64/23) in eval mode under no_grad on one 256x256 LQ image, whole
    or in tiles of `tile` LQ pixels with 10 pixels of context, the centre of each tile kept (SrTrain's
    TiledInference, the scheme of Real-ESRGAN's tile_process)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures"))
    from archs_ref import RRDBNet
    torch.manual_seed(0)
    net = RRDBNet(3, 3, scale=4, num_feat=64, num_block=23, num_grow_ch=32).eval()
    lq = torch.rand(1, 3, 256, 256)
    scale, pad = 4, 10

    def tiled(x):
        n, c, h, w = x.shape
        out = None
        for y0 in range(0, h, tile):
            for x0 in range(0, w, tile):
                y1, x1 = min(y0 + tile, h), min(x0 + tile, w)
                py0, px0, py1, px1 = max(y0 - pad, 0), max(x0 - pad, 0), min(y1 + pad, h), min(x1 + pad, w)
                sr = net(x[:, :, py0:py1, px0:px1])
                if out is None:
                    out = sr.new_zeros(n, sr.shape[1], h * scale, w * scale)
                out[:, :, y0 * scale:y1 * scale, x0 * scale:x1 * scale] = \
                    sr[:, :, (y0 - py0) * scale:(y0 - py0 + y1 - y0) * scale, (x0 - px0) * scale:(x0 - px0 + x1 - x0) * scale]
        return out

    def step():
        with torch.no_grad():
            tiled(lq) if tile else net(lq)
    return step


@bench("infer_rrdbnet")
def infer_rrdbnet():
    return _infer_rrdbnet(0)


@bench("infer_rrdbnet_tiled")
def infer_rrdbnet_tiled():
    return _infer_rrdbnet(128)


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
