"""Whole-iteration benchmarks (train_msrresnet, train_edsr, train_rrdbnet, train_esrgan and their _bf16 variants):
`srtrain train` against basicsr_train_loop.py (BasicSR's train.py as users run it) on BasicSR's official option
files at batch 4, gt 128, 2 loader workers, on generated 480px PNG sub-images, the same thread count both sides.

Steady-state seconds per iteration = (wall time of a long run - wall time of a short run) / (long - short): start-up,
data set scanning, worker spawning and exit cancel out. One round runs both sides at both lengths; the side that goes
first swaps from round to round (these machines are noisy and a process can slow the one after it). Reported: every
round's ratio (reference s/iter / SrTrain s/iter, > 1: SrTrain faster), their median, the median s/iter of each side,
and the peak PSS (proportional set size, MiB) of each side's whole process tree (the reference's loader workers are
processes), sampled every 0.2 s.

Usage: /usr/bin/python3 whole_iteration.py --bench NAME --srtrain "dotnet .../srtrain.dll" [--rounds R] [--threads N]
                                           [--lengths SHORT,LONG] [--quick] [--work DIR] [--json OUT]
--quick (or SRTRAIN_BENCH_QUICK=1): one block per network, 2 images of 192px, batch 2, lengths 1,2, one round: checks
that the whole path runs in seconds; its figures mean nothing. Run through scripts/bench.sh --only NAME.
On a GPU (scripts/gpu-check.sh): --device cuda trains both sides there (srtrain: device cuda, num_gpu 1), --precision
fp32|bf16|fp16 runs both sides in it (SrTrain's `precision`, the reference's autocast; without it a _bf16 name runs
SrTrain in bf16 against the reference in fp32), --batch / --gt-size /
--workers / --images change the data; the report adds each side's peak GPU memory: the device's used memory above its
idle level (nvidia-smi, sampled with the PSS) and what each side logs itself (the reference's max_memory_allocated).
"""
import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

CONFIGS = {
    "msrresnet": "options/train/SRResNet_SRGAN/train_MSRResNet_x4.yml",
    "edsr": "options/train/EDSR/train_EDSR_Mx4.yml",
    "rrdbnet": "options/train/ESRGAN/train_RRDBNet_PSNR_x4.yml",
    "esrgan": "options/train/ESRGAN/train_ESRGAN_x4.yml",
}
NAMES = [f"train_{k}{s}" for k in CONFIGS for s in ("", "_bf16")]


def parse_name(name):
    if name not in NAMES:
        raise SystemExit(f"whole_iteration: unknown benchmark {name}; known: {', '.join(NAMES)}")
    bf16 = name.endswith("_bf16")
    return name[len("train_"):-len("_bf16") if bf16 else None], bf16


def side_precisions(name, explicit=None):
    """(SrTrain's precision, the reference's). A _bf16 name measures what a user gains by switching SrTrain to bf16,
    so the reference stays BasicSR's fp32; an explicit --precision (the GPU check) runs both sides in it."""
    _, bf16 = parse_name(name)
    if explicit:
        return explicit, explicit
    return ("bf16" if bf16 else "fp32"), "fp32"


# ---------------------------------------------------------------- data

def make_data(root, count, size, scale=4, seed=0):
    """`count` GT PNGs of size x size (smooth structure plus texture and noise, so PNG decoding costs what a photo's
    does) and their bicubic LQ; reused when already there."""
    gt_dir, lq_dir = os.path.join(root, "gt"), os.path.join(root, "lq")
    stamp = os.path.join(root, f".done_{count}_{size}_{scale}")
    if os.path.exists(stamp):
        return gt_dir, lq_dir
    os.makedirs(gt_dir, exist_ok=True)
    os.makedirs(lq_dir, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        coarse = rng.random((size // 16, size // 16, 3)).astype(np.float32)
        img = cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC) * 200
        yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
        img += (20 * np.sin(xx / rng.uniform(2, 9)) * np.cos(yy / rng.uniform(2, 9)))[..., None]
        img += rng.normal(0, 8, img.shape).astype(np.float32)
        gt = np.clip(img, 0, 255).astype(np.uint8)
        lq = cv2.resize(gt, (size // scale, size // scale), interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(os.path.join(gt_dir, f"{i:04d}.png"), gt)
        cv2.imwrite(os.path.join(lq_dir, f"{i:04d}.png"), lq)
    open(stamp, "w").close()
    return gt_dir, lq_dir


# ---------------------------------------------------------------- option files

def option_file(work, config, side, iters, bf16, data, threads, print_freq, quick, run=None):
    """The official file with what a benchmark changes: the generated data, batch 4 / gt 128 / 2 workers, no
    validation, no checkpoints, no TensorBoard, no pretrained generator, this run's length."""
    with open(os.path.join(ROOT, CONFIGS[config])) as f:
        opt = yaml.safe_load(f)
    gt_dir, lq_dir = data
    name = f"bench_{config}{'_bf16' if bf16 else ''}_{side}_{iters}"
    run = run or {}
    opt["name"] = name
    opt["manual_seed"] = 0
    train = opt["datasets"]["train"]
    train.update(dataroot_gt=gt_dir, dataroot_lq=lq_dir, meta_info_file=None, gt_size=run.get("gt_size") or 128,
                 batch_size_per_gpu=run.get("batch") or (2 if quick else 4), num_worker_per_gpu=run.get("workers") or 2)
    opt["datasets"] = {"train": train}
    opt.pop("val", None)
    opt["train"]["total_iter"] = iters
    opt["logger"].update(print_freq=print_freq, save_checkpoint_freq=10 ** 9, use_tb_logger=False)
    opt.setdefault("path", {})["pretrain_network_g"] = None
    if quick:
        opt["network_g"]["num_block"] = 1
    if side == "srtrain":
        device = run.get("device", "cpu")
        opt.update(device=device, num_gpu=0 if device == "cpu" else 1, num_threads=threads,
                   precision=run.get("precision") or ("bf16" if bf16 else "fp32"))
        opt["path"]["root"] = work
        if "perceptual_opt" in opt["train"]:
            opt["train"]["perceptual_opt"]["vgg_pretrained"] = False   # random VGG: same cost, no weights file needed
    path = os.path.join(work, name + ".yml")
    with open(path, "w") as f:
        yaml.safe_dump(opt, f, sort_keys=False)
    return path


# ---------------------------------------------------------------- processes

def tree(pid):
    """pid and its descendants (children files of every thread)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def gpu_used_mib():
    """Used memory of GPU 0 (MiB, nvidia-smi), or None without one."""
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits", "-i", "0"],
                             capture_output=True, text=True, timeout=5)
        return float(out.stdout.split()[0]) if out.returncode == 0 else None
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        return None


# What a side logs about its own peak GPU memory: the reference's last line, SrTrain's log (any "peak ... N MiB/GiB").
LOGGED_PEAK = [re.compile(r"peak_gpu_memory_mib: ([0-9.]+)"),
               re.compile(r"peak[^\n]*?([0-9]+(?:\.[0-9]+)?) ?(MiB|GiB|MB|GB)", re.IGNORECASE)]


def logged_peak_mib(text):
    for pattern in LOGGED_PEAK:
        found = pattern.findall(text)
        if found:
            last = found[-1]
            value, unit = (last, "MiB") if isinstance(last, str) else last
            return float(value) * (1024 if unit.upper().startswith("G") else 1)
    return None


GPU_PEAKS = {}   # log path -> (device memory above idle, logged peak), filled by run() on a GPU


def run(cmd, env, log_path, expect, gpu=False):
    """Runs cmd to its end; returns (wall seconds, peak PSS of its process tree in MiB)."""
    peak = 0
    idle = gpu_used_mib() if gpu else None
    gpu_peak = 0.0
    with open(log_path, "w") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        while proc.poll() is None:
            peak = max(peak, sum(pss_kib(p) for p in tree(proc.pid)))
            if idle is not None:
                gpu_peak = max(gpu_peak, (gpu_used_mib() or idle) - idle)
            time.sleep(0.2)
        wall = time.perf_counter() - start
    with open(log_path) as f:
        text = f.read()
    if proc.returncode != 0 or expect not in text:
        raise SystemExit(f"whole_iteration: {' '.join(cmd)} failed (exit {proc.returncode}, "
                         f"{'no' if expect not in text else 'with'} '{expect}' lines); see {log_path}")
    if gpu:
        GPU_PEAKS[log_path] = (gpu_peak if idle is not None else None, logged_peak_mib(text))
    return wall, peak / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--srtrain", required=True, help="command that runs srtrain, e.g. 'dotnet .../srtrain.dll'")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--lengths", default=None, help="SHORT,LONG iterations (default 10,30; quick 1,2)")
    ap.add_argument("--quick", action="store_true", default=os.environ.get("SRTRAIN_BENCH_QUICK") == "1")
    ap.add_argument("--work", default=None)
    ap.add_argument("--json", default=None)
    ap.add_argument("--device", default="cpu", help="cpu or cuda (both sides)")
    ap.add_argument("--precision", default=None, choices=["fp32", "bf16", "fp16"], help="overrides the name's (_bf16)")
    ap.add_argument("--batch", type=int, default=None, help="batch size (default 4; quick 2)")
    ap.add_argument("--gt-size", type=int, default=None, help="GT crop (default 128)")
    ap.add_argument("--workers", type=int, default=None, help="loader workers per side (default 2)")
    ap.add_argument("--images", default=None, help="COUNT,SIZE of the generated GT images (default 32,480; quick 2,192)")
    args = ap.parse_args()
    config, bf16 = parse_name(args.bench)
    precision, reference_precision = side_precisions(args.bench, args.precision)
    bf16 = precision == "bf16"
    gpu = args.device != "cpu"
    run_opts = {"device": args.device, "precision": precision, "batch": args.batch, "gt_size": args.gt_size,
                "workers": args.workers}
    short, long_ = [int(x) for x in (args.lengths or ("1,2" if args.quick else "10,30")).split(",")]
    if not 0 < short < long_:
        raise SystemExit(f"whole_iteration: --lengths needs 0 < SHORT < LONG, got {short},{long_}")
    rounds = 1 if args.quick and args.rounds == 3 else args.rounds
    print_freq = 1 if args.quick else min(10, short)  # every run must log at least one "iter:" line
    work = args.work or tempfile.mkdtemp(prefix=f"srtrain-bench-{args.bench}-")
    os.makedirs(work, exist_ok=True)
    data_root = os.path.join(tempfile.gettempdir(), "srtrain-bench-data")
    count, size = [int(v) for v in (args.images or ("2,192" if args.quick else "32,480")).split(",")]
    data = make_data(f"{data_root}-{count}x{size}", count, size)
    env = dict(os.environ, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "PASSIVE"), OMP_NUM_THREADS=str(args.threads))
    sides = {
        "srtrain": lambda n: shlex.split(args.srtrain) + ["train", "-opt", option_file(
            work, config, "srtrain", n, bf16, data, args.threads, print_freq, args.quick, run_opts)],
        "reference": lambda n: [args.python, os.path.join(HERE, "basicsr_train_loop.py"), "--threads", str(args.threads),
                                "--device", args.device, "--precision", reference_precision,
                                "-opt", option_file(work, config, "reference", n, False, data, args.threads, print_freq, args.quick,
                                                    run_opts)],
    }
    expect = {"srtrain": "iter:", "reference": "iter:"}
    results, peaks = [], {"srtrain": 0.0, "reference": 0.0}
    for r in range(rounds):
        order = ["srtrain", "reference"] if r % 2 == 0 else ["reference", "srtrain"]
        walls = {s: {} for s in order}
        round_peaks = {s: 0.0 for s in order}
        for n in (short, long_):
            for side in order:
                wall, peak = run(sides[side](n), env, os.path.join(work, f"round{r + 1}_{side}_{n}.log"), expect[side], gpu)
                walls[side][n] = wall
                round_peaks[side] = max(round_peaks[side], peak)
                peaks[side] = max(peaks[side], peak)
        per_iter = {s: (walls[s][long_] - walls[s][short]) / (long_ - short) for s in order}
        # A non-positive difference means the noise outgrew the extra iterations: the round has no ratio.
        valid = per_iter["srtrain"] > 0 and per_iter["reference"] > 0
        ratio = per_iter["reference"] / per_iter["srtrain"] if valid else None
        results.append({"round": r + 1, "first": order[0], "srtrain_s_per_iter": per_iter["srtrain"],
                        "reference_s_per_iter": per_iter["reference"], "ratio": ratio,
                        "srtrain_wall_s": walls["srtrain"], "reference_wall_s": walls["reference"]})
        print(f"  {args.bench} round {r + 1}/{rounds} ({order[0]} first): srtrain {per_iter['srtrain']:.3f} s/iter, "
              f"reference {per_iter['reference']:.3f} s/iter, " +
              (f"ratio {ratio:.2f}" if valid else "no ratio (a run length difference was not positive: too noisy)") +
              f"; peak PSS srtrain {round_peaks['srtrain']:.0f} MiB, reference {round_peaks['reference']:.0f} MiB",
              file=sys.stderr, flush=True)
    ratios = [x["ratio"] for x in results if x["ratio"] is not None]
    report = {
        "name": args.bench, "option_file": CONFIGS[config], "precision_srtrain": precision, "precision_reference": reference_precision,
        "device": args.device, "batch": args.batch or (2 if args.quick else 4), "gt_size": args.gt_size or 128,
        "threads": args.threads, "lengths": [short, long_], "quick": args.quick, "work": work,
        "rounds": results,
        "ratios": [x["ratio"] for x in results],
        "median_ratio": statistics.median(ratios) if ratios else None,
        "srtrain_s_per_iter": statistics.median(x["srtrain_s_per_iter"] for x in results),
        "reference_s_per_iter": statistics.median(x["reference_s_per_iter"] for x in results),
        "srtrain_peak_pss_mib": peaks["srtrain"], "reference_peak_pss_mib": peaks["reference"],
    }
    if gpu:
        for side in ("srtrain", "reference"):
            mine = [v for k, v in GPU_PEAKS.items() if os.path.basename(k).split("_")[1] == side]
            device_peaks = [d for d, _ in mine if d is not None]
            logged = [lp for _, lp in mine if lp is not None]
            report[f"{side}_peak_gpu_mib_device"] = max(device_peaks) if device_peaks else None
            report[f"{side}_peak_gpu_mib_logged"] = max(logged) if logged else None
    text = json.dumps(report, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
