"""Outcome parity: the same option file trained by `srtrain train` and by basicsr_loop.py (BasicSR's pipeline),
over several seeds; reports each run's final validation PSNR, the means, the spreads and the difference of the
means with its standard error. Run through scripts/outcome-parity.sh.

Usage: outcome_parity.py --srtrain CMD -opt FILE [-opt FILE ...] [--seeds 0,1,2,3,4] [--threads N] [--json OUT] [--set k=v ...]
The sides alternate, and which side goes first swaps from one seed to the next (the machines are noisy and a run
can slow the one after it); wall times are reported but are not the point.
"""
import argparse
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def last_psnr_srtrain(experiment):
    with open(os.path.join(experiment, "scalars.csv")) as f:
        header = f.readline().strip().split(",")
        rows = [line.strip().split(",") for line in f if line.strip()]
    column = next(i for i, h in enumerate(header) if h.startswith("metrics/") and h.endswith("/psnr"))
    values = [(int(r[0]), float(r[column])) for r in rows if len(r) > column and r[column]]
    return values[-1][1]


def run(cmd, env, log):
    start = time.perf_counter()
    with open(log, "w") as out:
        rc = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT).returncode
    if rc != 0:
        raise SystemExit(f"outcome_parity: {' '.join(cmd)} failed ({rc}); see {log}")
    return time.perf_counter() - start


def summary(values):
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) > 1 else float("nan")
    return mean, sd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--srtrain", required=True)
    ap.add_argument("-opt", action="append", required=True)
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--json")
    ap.add_argument("--set", action="append", default=[])
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    work = tempfile.mkdtemp(prefix="outcome-parity-")
    env = dict(os.environ, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "PASSIVE"))
    report = {"threads": args.threads, "configs": []}
    for opt in args.opt:
        rows = []
        for i, seed in enumerate(seeds):
            name = f"{os.path.splitext(os.path.basename(opt))[0]}_seed{seed}"
            sets = [f"manual_seed={seed}", f"name={name}"] + args.set
            ref_out = os.path.join(work, name + "_reference")
            ref_cmd = [sys.executable, os.path.join(HERE, "basicsr_loop.py"), "-opt", opt, "--out", ref_out,
                       "--threads", str(args.threads)] + [a for s in sets for a in ("--set", s)]
            srt_cmd = shlex.split(args.srtrain) + ["train", "-opt", opt, "--set", f"num_threads={args.threads}",
                                                   "--set", f"path.root={work}"] + [a for s in sets for a in ("--set", s)]
            sides = [("reference", ref_cmd), ("srtrain", srt_cmd)]
            if i % 2 == 1:
                sides.reverse()
            wall = {}
            for side, cmd in sides:
                wall[side] = run(cmd, env, os.path.join(work, f"{name}_{side}.log"))
            with open(os.path.join(ref_out, "result.json")) as f:
                ref_psnr = json.load(f)["val"][-1]["val"]
            srt_psnr = last_psnr_srtrain(os.path.join(work, "experiments", name))
            rows.append({"seed": seed, "reference_psnr": ref_psnr, "srtrain_psnr": srt_psnr,
                         "reference_wall_s": wall["reference"], "srtrain_wall_s": wall["srtrain"]})
            print(f"{os.path.basename(opt)} seed {seed}: reference {ref_psnr:.4f} dB ({wall['reference']:.0f} s), "
                  f"srtrain {srt_psnr:.4f} dB ({wall['srtrain']:.0f} s)", flush=True)
        ref_mean, ref_sd = summary([r["reference_psnr"] for r in rows])
        srt_mean, srt_sd = summary([r["srtrain_psnr"] for r in rows])
        n = len(rows)
        se = math.sqrt((ref_sd ** 2 + srt_sd ** 2) / n) if n > 1 else float("nan")
        config = {"option_file": opt, "runs": rows, "reference_mean": ref_mean, "reference_sd": ref_sd,
                  "srtrain_mean": srt_mean, "srtrain_sd": srt_sd, "difference": srt_mean - ref_mean, "difference_se": se,
                  "same_seed_max_abs_difference": max(abs(r["srtrain_psnr"] - r["reference_psnr"]) for r in rows)}
        report["configs"].append(config)
        print(f"\n{os.path.basename(opt)} ({n} seeds, {args.threads} threads)")
        print("| seed | reference PSNR (dB) | SrTrain PSNR (dB) | reference wall (s) | SrTrain wall (s) |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            print(f"| {r['seed']} | {r['reference_psnr']:.4f} | {r['srtrain_psnr']:.4f} | {r['reference_wall_s']:.0f} | {r['srtrain_wall_s']:.0f} |")
        print(f"| mean (sd) | {ref_mean:.4f} ({ref_sd:.4f}) | {srt_mean:.4f} ({srt_sd:.4f}) | | |")
        print(f"difference of means (SrTrain - reference): {srt_mean - ref_mean:+.4f} dB +- {se:.4f} (standard error); "
              f"largest same-seed difference {config['same_seed_max_abs_difference']:.2e} dB\n", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
