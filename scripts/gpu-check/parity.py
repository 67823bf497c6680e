"""The GPU check kit's op parity (docs/gpu-check.md): SrTrain (`srtrain parity-check`, hidden) against the same torch on
the same device. Writes random inputs and weights (torch.save), computes the reference outputs and gradients here, runs
SrTrain on the same file, compares every tensor.

Compared: conv2d (3x3, bias; y, dx, dw, db), pixel_shuffle, interpolate bicubic (x4), leaky_relu(0.2), l1 loss (forward and
backward through a random upstream gradient), a small RRDBNet (16 features, 2 blocks, x4; output, L1 loss, every parameter's
gradient) and VGG19's features up to conv5_4 with input normalisation (output, input gradient). fp32 runs plain; bf16/fp16
run the forward under autocast on the device, as training does.

Error of a tensor: max |srtrain - torch| / max |torch| (relative to the tensor's scale). Tolerances: fp32 1e-4 (the issue's
bar); bf16 2e-2 and fp16 4e-3, about two units in the last place of each format (8 and 11 significant bits), since kernels
may pick other algorithms or reduction orders between the two processes.

Usage: python parity.py --srtrain "CMD" --device cuda --precision fp32|bf16|fp16 --work DIR [--json OUT]
Exit status 0 when every tensor is within tolerance.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time

import torch
from torch.nn import functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures"))
import archs_ref  # noqa: E402

TOLERANCE = {"fp32": 1e-4, "bf16": 2e-2, "fp16": 4e-3}
VGG19_CONV5_4 = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512]


def vgg19_features():
    """torchvision's vgg19().features up to conv5_4 (indices as torchvision's, so state keys are features.N.*)."""
    layers, ch = [], 3
    for v in VGG19_CONV5_4:
        if v == "M":
            layers.append(torch.nn.MaxPool2d(2, 2))
        else:
            layers += [torch.nn.Conv2d(ch, v, 3, padding=1), torch.nn.ReLU(inplace=True)]
            ch = v
    return torch.nn.Sequential(*layers[:-1])


def make_inputs(seed):
    g = torch.Generator().manual_seed(seed)
    r = lambda *s: torch.randn(*s, generator=g)  # noqa: E731
    inp = {
        "conv.x": r(2, 16, 32, 32), "conv.w": r(32, 16, 3, 3) * 0.1, "conv.b": r(32), "conv.g": r(2, 32, 32, 32),
        "ps.x": r(2, 16, 16, 16), "ps.g": r(2, 4, 32, 32),
        "bicubic.x": r(2, 3, 16, 16), "bicubic.g": r(2, 3, 64, 64),
        "lrelu.x": r(2, 8, 32, 32), "lrelu.g": r(2, 8, 32, 32),
        "l1.a": r(2, 3, 32, 32), "l1.b": r(2, 3, 32, 32),
        "rrdb.x": torch.rand(1, 3, 16, 16, generator=g), "rrdb.gt": torch.rand(1, 3, 64, 64, generator=g),
        "vgg.x": torch.rand(1, 3, 64, 64, generator=g), "vgg.g": r(1, 512, 4, 4),
    }
    torch.manual_seed(seed)
    rrdb = archs_ref.RRDBNet(num_feat=16, num_block=2, num_grow_ch=8, scale=4)
    inp.update({"rrdb.state." + k: v.detach().clone() for k, v in rrdb.state_dict().items()})
    feats = vgg19_features()
    inp.update({"vgg.state.features." + k: v.detach().clone() for k, v in feats.state_dict().items()})
    return inp


def reference(inp, device, precision):
    dev = torch.device(device)
    dt = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision)
    cast = (lambda: torch.autocast(device_type=dev.type, dtype=dt)) if dt else (lambda: torch.autocast(device_type=dev.type, enabled=False))
    out = {}

    def t(key, grad=False):
        return inp[key].to(dev).requires_grad_(grad)

    def keep(key, v):
        out[key] = v.detach().float().cpu()

    x, w, b = t("conv.x", True), t("conv.w", True), t("conv.b", True)
    with cast():
        y = F.conv2d(x, w, b, padding=1)
    (y.float() * t("conv.g")).sum().backward()
    keep("conv.y", y), keep("conv.dx", x.grad), keep("conv.dw", w.grad), keep("conv.db", b.grad)

    for key, op in (("ps", lambda v: F.pixel_shuffle(v, 2)),
                    ("bicubic", lambda v: F.interpolate(v, scale_factor=4.0, mode="bicubic", align_corners=False)),
                    ("lrelu", lambda v: F.leaky_relu(v, 0.2))):
        ux = t(key + ".x", True)
        with cast():
            uy = op(ux)
        (uy.float() * t(key + ".g")).sum().backward()
        keep(key + ".y", uy), keep(key + ".dx", ux.grad)

    a = t("l1.a", True)
    with cast():
        l1 = F.l1_loss(a, t("l1.b"))
    l1.backward()
    keep("l1.y", l1), keep("l1.da", a.grad)

    rrdb = archs_ref.RRDBNet(num_feat=16, num_block=2, num_grow_ch=8, scale=4)
    rrdb.load_state_dict({k[len("rrdb.state."):]: v for k, v in inp.items() if k.startswith("rrdb.state.")})
    rrdb.to(dev)
    with cast():
        ry = rrdb(t("rrdb.x"))
        loss = F.l1_loss(ry, t("rrdb.gt"))
    loss.backward()
    keep("rrdb.y", ry), keep("rrdb.loss", loss)
    for name, p in rrdb.named_parameters():
        keep("rrdb.grad." + name, p.grad)

    feats = vgg19_features()
    feats.load_state_dict({k[len("vgg.state.features."):]: v for k, v in inp.items() if k.startswith("vgg.state.")})
    feats.to(dev).eval()
    for p in feats.parameters():
        p.requires_grad_(False)
    mean = torch.tensor([0.485, 0.456, 0.406], device=dev).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225], device=dev).view(1, 3, 1, 1)
    vx = t("vgg.x", True)
    with cast():
        vy = feats((vx - mean) / std)
    (vy.float() * t("vgg.g")).sum().backward()
    keep("vgg.y", vy), keep("vgg.dx", vx.grad)
    return out


def compare(ours, ref, tol):
    rows = []
    for key, r in ref.items():
        o = ours.get(key)
        if o is None:
            rows.append({"tensor": key, "error": None, "ok": False, "why": "missing from srtrain's output"})
            continue
        if tuple(o.shape) != tuple(r.shape):
            rows.append({"tensor": key, "error": None, "ok": False, "why": f"shape {list(o.shape)} vs torch {list(r.shape)}"})
            continue
        scale = r.abs().max().item()
        err = (o - r).abs().max().item() / (scale if scale > 0 else 1.0)
        ok = err <= tol and bool(torch.isfinite(o).all())
        rows.append({"tensor": key, "error": err, "ok": ok})
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--srtrain", required=True, help="command that runs srtrain")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--precision", default="fp32", choices=sorted(TOLERANCE))
    ap.add_argument("--work", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    start = time.time()
    inp = make_inputs(args.seed)
    in_path, ours_path = os.path.join(args.work, "inputs.pth"), os.path.join(args.work, "srtrain.pth")
    torch.save(inp, in_path)
    ref = reference(inp, args.device, args.precision)
    cmd = shlex.split(args.srtrain) + ["parity-check", "--inputs", in_path, "--output", ours_path,
                                       "--device", args.device, "--precision", args.precision]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        report = {"precision": args.precision, "device": args.device, "ok": False,
                  "why": f"srtrain parity-check exited {proc.returncode}: {proc.stderr.strip()[-500:]}"}
    else:
        ours = torch.load(ours_path, map_location="cpu")
        rows = compare(ours, ref, TOLERANCE[args.precision])
        worst = max((r for r in rows if r["error"] is not None), key=lambda r: r["error"], default=None)
        report = {"precision": args.precision, "device": args.device, "tolerance": TOLERANCE[args.precision],
                  "ok": all(r["ok"] for r in rows), "tensors": len(rows),
                  "failed": [r for r in rows if not r["ok"]], "worst": worst,
                  "max_error_by_group": {}}
        for r in rows:
            group = r["tensor"].split(".")[0]
            if r["error"] is not None:
                report["max_error_by_group"][group] = max(report["max_error_by_group"].get(group, 0.0), r["error"])
    report["seconds"] = round(time.time() - start, 2)
    print(f"parity {args.precision} on {args.device}: {'OK' if report['ok'] else 'FAILED'} "
          f"{json.dumps(report.get('max_error_by_group', report.get('why')))}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    sys.exit(0 if report["ok"] else 1)


if __name__ == "__main__":
    main()
