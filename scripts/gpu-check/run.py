"""The run half of the GPU check kit (scripts/gpu-check.sh run; docs/gpu-check.md), inside an unpacked kit.

Steps, each with its own time limit inside one overall budget, each run whatever the previous ones gave (a step that
needs the native build is skipped, with the reason, when the build failed):
  build      libsrtorch from the kit's native sources against --torch-dir (a Python torch package: SRTRAIN_LIBTORCH) or,
             without it, the system's libtorch; the image library comes prebuilt (PNG only). Then `srtrain version`.
  parity_*   scripts/gpu-check/parity.py for fp32, bf16, fp16 (fp16 skipped on the CPU: autocast there has bf16 only)
  smoke      a PSNR training (RRDBNet, 32 features, 1 block: the quickstart's ESRGAN-PSNR run) then an ESRGAN stage
             initialised from its weights, both validated on the kit's 6 photos, each checked against bicubic (MATLAB's
             kernel, as the LR was made) on the GPU; on the dry run a few iterations that must complete
  resume     N iterations straight vs N/2, then --auto-resume to N: the final weights must be equal
  bench_*    scripts/bench/whole_iteration.py: RRDBNet (PSNR) and ESRGAN whole iterations, fp32/bf16/fp16, SrTrain vs
             basicsr_train_loop.py on the same device (batch 16, gt 128 on a GPU; batch 1, gt 32, quick nets on the dry run)
Writes OUT/summary.json after every step and OUT/gpu-check.log (every command's output).

Usage: python run.py --kit DIR --out DIR --device cuda|cpu [--torch-dir DIR] [--dry-run] [--budget SECONDS]
"""
import argparse
import glob
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time

import cv2
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


class Kit:
    def __init__(self, args):
        self.args = args
        self.root = os.path.abspath(args.kit)
        self.out = os.path.abspath(args.out)
        self.work = os.path.join(self.root, "work")
        self.dry = args.dry_run
        self.device = args.device
        self.deadline = time.time() + args.budget
        self.summary = {"device": args.device, "dry_run": self.dry, "budget_s": args.budget, "host": platform.node(),
                        "python": sys.executable, "started": time.strftime("%Y-%m-%d %H:%M:%S"), "steps": []}
        self.log_path = os.path.join(self.out, "gpu-check.log")
        self.srtrain = f"{self.root}/dotnet/dotnet {self.root}/app/srtrain.dll"
        self.built = False
        os.makedirs(self.out, exist_ok=True)
        os.makedirs(self.work, exist_ok=True)
        # The carried runtime: no SDK, no ICU, the kit's libpng/zlib beside the image library.
        os.environ.update(DOTNET_ROOT=f"{self.root}/dotnet", DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1",
                          DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1", DOTNET_gcServer="0",
                          LD_LIBRARY_PATH=f"{self.root}/lib:" + os.environ.get("LD_LIBRARY_PATH", ""),
                          PYTHONUNBUFFERED="1")

    # ------------------------------------------------------------ plumbing
    def log(self, text):
        with open(self.log_path, "a") as f:
            f.write(text if text.endswith("\n") else text + "\n")

    def say(self, text):
        print(f"gpu-check: {text}", flush=True)
        self.log(f"gpu-check: {text}")

    def sh(self, cmd, limit, cwd=None):
        """Runs cmd (list) with a time limit; its output goes to the log. Returns (rc, output); rc 124 on timeout, when
        the command's whole process group (srtrain under whole_iteration.py, say) is killed."""
        limit = max(1, min(limit, self.deadline - time.time()))
        self.log(f"$ {' '.join(cmd)}   (limit {limit:.0f}s)")
        proc = subprocess.Popen(cmd, cwd=cwd or self.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=limit)
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            out = (out or "") + f"\n[timed out after {limit:.0f}s]"
            rc = 124
        self.log(out)
        return rc, out

    def step(self, name, limit, fn, needs_build=True):
        start = time.time()
        left = self.deadline - time.time()
        entry = {"step": name, "limit_s": limit}
        if needs_build and not self.built:
            entry.update(status="skipped", why="the native build failed")
        elif left < limit / 2:  # a step cut short by the budget would read as a failure
            entry.update(status="skipped", why=f"out of the overall budget ({left:.0f}s left)")
        else:
            self.say(f"--- {name} (limit {min(limit, left):.0f}s)")
            try:
                result = fn(min(limit, left))
                entry.update(result)
            except Exception as e:  # a broken step must not stop the others
                entry.update(status="failed", why=f"{type(e).__name__}: {e}")
        entry["seconds"] = round(time.time() - start, 1)
        self.summary["steps"].append(entry)
        self.say(f"{name}: {entry['status'].upper()} in {entry['seconds']}s" + (f" ({entry['why']})" if entry.get("why") else ""))
        self.write_summary()
        return entry

    def write_summary(self):
        steps = self.summary["steps"]
        self.summary["counts"] = {s: sum(1 for x in steps if x["status"] == s) for s in ("passed", "failed", "skipped")}
        with open(os.path.join(self.out, "summary.json"), "w") as f:
            json.dump(self.summary, f, indent=1)

    # ------------------------------------------------------------ steps
    def build(self, limit):
        build = os.path.join(self.work, "native-build")
        cmd = ["cmake", "-S", f"{self.root}/native", "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DSRTRAIN_BUILD_IMAGE=OFF"]
        if shutil.which("ninja"):
            cmd += ["-G", "Ninja"]
        if self.args.torch_dir:
            cmd.append(f"-DSRTRAIN_LIBTORCH={self.args.torch_dir}")
            # A CUDA torch's TorchConfig looks for the CUDA toolkit (find_package(CUDAToolkit)): name the one nvcc is in.
            nvcc = shutil.which("nvcc") or next((p for p in ("/usr/local/cuda/bin/nvcc",) if os.path.exists(p)), None)
            if nvcc:
                cmd += [f"-DCUDAToolkit_ROOT={os.path.dirname(os.path.dirname(os.path.realpath(nvcc)))}",
                        f"-DCMAKE_CUDA_COMPILER={os.path.realpath(nvcc)}"]
        t0 = time.time()
        rc, out = self.sh(cmd, limit)
        if rc != 0:
            return {"status": "failed", "why": f"cmake configure exited {rc}: {out.strip()[-400:]}"}
        rc, out = self.sh(["cmake", "--build", build, "-j", str(os.cpu_count() or 4)], limit - (time.time() - t0))
        if rc != 0:
            errors = [line for line in out.splitlines() if "error" in line][:8]
            return {"status": "failed", "why": f"build exited {rc}: " + " | ".join(errors or [out.strip()[-400:]])}
        shutil.copy2(os.path.join(build, "libsrtorch.so"), os.path.join(self.root, "app", "libsrtorch.so"))
        compile_s = round(time.time() - t0, 1)
        rc, out = self.sh(self.srtrain.split() + ["version"], 60)
        if rc != 0:
            return {"status": "failed", "why": f"srtrain version exited {rc}: {out.strip()[-400:]}"}
        self.built = True
        version = out.strip().splitlines()
        if self.device.startswith("cuda") and "CUDA available" not in out:
            return {"status": "failed", "why": "srtrain says CUDA is not available", "version": version, "compile_s": compile_s}
        return {"status": "passed", "version": version, "compile_s": compile_s}

    def parity(self, precision):
        def run(limit):
            report = os.path.join(self.work, f"parity_{precision}.json")
            rc, out = self.sh([sys.executable, f"{self.root}/scripts/gpu-check/parity.py", "--srtrain", self.srtrain,
                               "--device", self.device, "--precision", precision,
                               "--work", os.path.join(self.work, f"parity_{precision}"), "--json", report], limit)
            if not os.path.exists(report):
                return {"status": "failed", "why": f"parity.py exited {rc}: {out.strip()[-400:]}"}
            with open(report) as f:
                r = json.load(f)
            return {"status": "passed" if r["ok"] else "failed", "tolerance": r.get("tolerance"),
                    "max_error_by_group": r.get("max_error_by_group"), "failed_tensors": r.get("failed", [])[:10],
                    **({"why": r["why"]} if "why" in r else {})}
        return run

    def smoke_options(self, name, model_type, iters, pretrain=None):
        data = f"{self.root}/data"
        gpu = not self.dry
        opt = {
            "name": name, "model_type": model_type, "scale": 4, "manual_seed": 0,
            "device": self.device, "num_gpu": 0 if self.device == "cpu" else 1,
            "datasets": {
                "train": {"name": "kit_train", "type": "PairedImageDataset", "dataroot_gt": f"{data}/train_HR_sub",
                          "dataroot_lq": f"{data}/train_LR_X4_sub", "filename_tmpl": "{}", "io_backend": {"type": "disk"},
                          "gt_size": 48 if gpu else 32, "use_hflip": True, "use_rot": True,
                          "num_worker_per_gpu": 4 if gpu else 1, "batch_size_per_gpu": 16 if gpu else 2,
                          "dataset_enlarge_ratio": 1},
                "val": {"name": "kit_val", "type": "PairedImageDataset", "dataroot_gt": f"{data}/val_HR",
                        "dataroot_lq": f"{data}/val_LR_X4", "filename_tmpl": "{}x4", "io_backend": {"type": "disk"}},
            },
            "network_g": {"type": "RRDBNet", "num_in_ch": 3, "num_out_ch": 3, "num_feat": 32, "num_block": 1, "num_grow_ch": 16},
            "path": {"root": self.work, "pretrain_network_g": pretrain, "strict_load_g": True, "resume_state": None},
            "train": {"ema_decay": 0, "total_iter": iters, "warmup_iter": -1,
                      "optim_g": {"type": "Adam", "lr": 2e-3 if model_type == "SRModel" else 1e-4, "betas": [0.9, 0.99]},
                      "pixel_opt": {"type": "L1Loss", "loss_weight": 1.0, "reduction": "mean"}},
            "val": {"val_freq": iters, "save_img": False,
                    "metrics": {"psnr": {"type": "calculate_psnr", "crop_border": 4, "test_y_channel": False}}},
            "logger": {"print_freq": max(1, min(100, iters // 4)), "save_checkpoint_freq": iters, "use_tb_logger": False},
        }
        if model_type == "SRModel":
            opt["train"]["scheduler"] = {"type": "CosineAnnealingRestartLR", "periods": [iters], "restart_weights": [1], "eta_min": 1e-5}
        else:
            # The quickstart's ESRGAN stage: L1 dominant + perceptual (random VGG conv1_2) + GAN vs a small U-Net discriminator.
            opt["network_d"] = {"type": "UNetDiscriminatorSN", "num_in_ch": 3, "num_feat": 16}
            opt["train"].update(
                optim_d={"type": "Adam", "lr": 1e-4, "betas": [0.9, 0.99]},
                scheduler={"type": "MultiStepLR", "milestones": [1000000], "gamma": 0.5},
                perceptual_opt={"type": "PerceptualLoss", "layer_weights": {"conv1_2": 1}, "vgg_type": "vgg19",
                                "vgg_pretrained": False, "perceptual_weight": 0.1, "style_weight": 0},
                gan_opt={"type": "GANLoss", "gan_type": "vanilla", "loss_weight": 1e-3}, net_d_iters=1, net_d_init_iters=0)
        if self.args.precision_smoke:
            opt["precision"] = self.args.precision_smoke
        path = os.path.join(self.work, name + ".yml")
        with open(path, "w") as f:
            yaml.safe_dump(opt, f, sort_keys=False)
        return path

    def train(self, opt_path, limit, extra=()):
        t0 = time.time()
        rc, out = self.sh(self.srtrain.split() + ["train", "-opt", opt_path, *extra], limit)
        psnr = [float(v) for v in re.findall(r"# psnr: ([0-9.]+)", out)]
        return rc, out, (psnr[-1] if psnr else None), round(time.time() - t0, 1)

    def bicubic_psnr(self):
        """MATLAB bicubic x4 of the kit's val LR against its HR, scored as the trainer scores (RGB, crop 4)."""
        sys.path.insert(0, f"{self.root}/tests/fixtures")
        from make_imresize import imresize  # noqa: E402
        values = []
        for hr_path in sorted(glob.glob(f"{self.root}/data/val_HR/*.png")):
            stem = os.path.splitext(os.path.basename(hr_path))[0]
            lr = cv2.imread(f"{self.root}/data/val_LR_X4/{stem}x4.png", cv2.IMREAD_COLOR)[:, :, ::-1].astype(np.float64) / 255.0
            hr = cv2.imread(hr_path, cv2.IMREAD_COLOR)[:, :, ::-1]
            up = np.clip(imresize(lr, 4), 0, 1)
            up = np.round(up * 255.0).astype(np.uint8)
            h, w = up.shape[:2]
            gt = hr[:h, :w]
            a, b = up[4:-4, 4:-4].astype(np.float64), gt[4:-4, 4:-4].astype(np.float64)
            mse = np.mean((a - b) ** 2)
            values.append(10 * math.log10(255.0 ** 2 / mse))
        return float(np.mean(values))

    def smoke(self, limit):
        t0 = time.time()
        bicubic = self.bicubic_psnr()
        psnr_iters, gan_iters = (4, 2) if self.dry else (1200, 50)
        rc, out, psnr, secs = self.train(self.smoke_options("kit_psnr", "SRModel", psnr_iters), limit * 0.7)
        result = {"bicubic_psnr": round(bicubic, 4), "psnr_stage": {"iters": psnr_iters, "exit": rc, "val_psnr": psnr, "seconds": secs}}
        if rc != 0:
            return {**result, "status": "failed", "why": f"PSNR stage exited {rc}: {out.strip()[-300:]}"}
        weights = os.path.join(self.work, "experiments", "kit_psnr", "models", f"net_g_{psnr_iters}.pth")
        if not os.path.exists(weights):
            found = glob.glob(os.path.join(self.work, "experiments", "kit_psnr", "models", "*.pth"))
            return {**result, "status": "failed", "why": f"no {weights} after the PSNR stage (found {found})"}
        rc, out, gpsnr, secs = self.train(self.smoke_options("kit_esrgan", "ESRGANModel", gan_iters, weights),
                                             limit - (time.time() - t0))
        result["esrgan_stage"] = {"iters": gan_iters, "exit": rc, "val_psnr": gpsnr, "seconds": secs}
        if rc != 0:
            return {**result, "status": "failed", "why": f"ESRGAN stage exited {rc}: {out.strip()[-300:]}"}
        if psnr is None or gpsnr is None:
            return {**result, "status": "failed", "why": "no validation PSNR in a stage's log"}
        if self.dry:
            return {**result, "status": "passed", "note": "dry run: a few iterations, only completion is checked"}
        beats = psnr > bicubic and gpsnr > bicubic
        return {**result, "status": "passed" if beats else "failed",
                **({} if beats else {"why": f"validation PSNR {psnr:.2f} / {gpsnr:.2f} dB does not beat bicubic {bicubic:.2f} dB"})}

    def resume(self, limit):
        n = 4 if self.dry else 40
        half = n // 2
        t0 = time.time()

        def opts(name, total):
            # Both runs share every option but total_iter (the schedule's period is n in both).
            path = self.smoke_options(name, "SRModel", total)
            with open(path) as f:
                opt = yaml.safe_load(f)
            opt.pop("val", None)
            opt["datasets"].pop("val")
            opt["train"]["scheduler"]["periods"] = [n]
            opt["logger"].update(save_checkpoint_freq=half, print_freq=1)
            with open(path, "w") as f:
                yaml.safe_dump(opt, f, sort_keys=False)
            return path
        rc, out, *_ = self.train(opts("kit_resume_straight", n), limit / 3)
        if rc != 0:
            return {"status": "failed", "why": f"straight run exited {rc}: {out.strip()[-300:]}"}
        rc, out, *_ = self.train(opts("kit_resume_split", half), limit / 3)
        if rc != 0:
            return {"status": "failed", "why": f"first half exited {rc}: {out.strip()[-300:]}"}
        # The same experiment, now to n iterations, continuing from its training state at n/2.
        rc, out, *_ = self.train(opts("kit_resume_split", n), limit - (time.time() - t0), ["--auto-resume"])
        if rc != 0:
            return {"status": "failed", "why": f"resumed run exited {rc}: {out.strip()[-300:]}"}
        a = os.path.join(self.work, "experiments", "kit_resume_straight", "models", f"net_g_{n}.pth")
        b = os.path.join(self.work, "experiments", "kit_resume_split", "models", f"net_g_{n}.pth")
        code = ("import sys, torch\n"
                "a, b = (torch.load(p, map_location='cpu') for p in sys.argv[1:3])\n"
                "a, b = (x.get('params', x) for x in (a, b))\n"
                "assert a.keys() == b.keys(), 'different keys'\n"
                "print(max((a[k].float() - b[k].float()).abs().max().item() for k in a))\n")
        rc, out = self.sh([sys.executable, "-c", code, a, b], 60)
        if rc != 0:
            return {"status": "failed", "why": f"weight comparison: {out.strip()[-300:]}"}
        diff = float(out.strip().splitlines()[-1])
        return {"status": "passed" if diff == 0 else "failed", "iters": n, "resumed_at": half, "max_abs_weight_diff": diff,
                **({} if diff == 0 else {"why": f"final weights differ by up to {diff:g}"})}

    def bench(self, model, precision):
        def run(limit):
            report = os.path.join(self.work, f"bench_{model}_{precision}.json")
            cmd = [sys.executable, f"{self.root}/scripts/bench/whole_iteration.py", "--bench", f"train_{model}",
                   "--srtrain", self.srtrain, "--python", sys.executable, "--device", self.device,
                   "--precision", precision, "--rounds", "1", "--json", report,
                   "--work", os.path.join(self.work, f"bench_{model}_{precision}")]
            if self.dry:
                # ESRGAN's VGG-style discriminator takes 128 px crops only (BasicSR's input_size 128/256).
                gt = "128" if model == "esrgan" else "32"
                cmd += ["--quick", "--batch", "1", "--gt-size", gt, "--lengths", "1,2", "--workers", "1"]
            else:
                cmd += ["--batch", "16", "--gt-size", "128", "--lengths", "5,15", "--workers", "6", "--images", "32,480",
                        "--threads", str(min(8, os.cpu_count() or 8))]
            rc, out = self.sh(cmd, limit)
            if rc != 0 or not os.path.exists(report):
                return {"status": "failed", "why": f"whole_iteration.py exited {rc}: {out.strip()[-400:]}"}
            with open(report) as f:
                r = json.load(f)
            keep = ["srtrain_s_per_iter", "reference_s_per_iter", "median_ratio", "batch", "gt_size", "lengths",
                    "srtrain_peak_gpu_mib_device", "reference_peak_gpu_mib_device", "srtrain_peak_gpu_mib_logged",
                    "reference_peak_gpu_mib_logged", "srtrain_peak_pss_mib", "reference_peak_pss_mib"]
            return {"status": "passed", **{k: r.get(k) for k in keep}}
        return run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kit", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--torch-dir", default=None, help="torch package folder to build libsrtorch against (SRTRAIN_LIBTORCH)")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--budget", type=float, default=540, help="seconds for all steps together")
    ap.add_argument("--precision-smoke", default=None, help="precision of the smoke and resume trainings (default: fp32)")
    ap.add_argument("--only", default=None, help="comma-separated step names or prefixes (build always runs)")
    args = ap.parse_args()
    kit = Kit(args)
    kit.say(f"device {args.device}{' (dry run)' if args.dry_run else ''}, budget {args.budget:.0f}s, kit {kit.root}, out {kit.out}")
    wanted = lambda name: not args.only or any(name.startswith(p) for p in args.only.split(","))  # noqa: E731
    kit.step("build", 420, kit.build, needs_build=False)
    for p in ("fp32", "bf16", "fp16"):
        if not wanted(f"parity_{p}"):
            continue
        if p == "fp16" and args.device == "cpu":
            kit.summary["steps"].append({"step": "parity_fp16", "status": "skipped",
                                         "why": "fp16 needs CUDA: autocast on the CPU has bfloat16 only"})
            kit.say("parity_fp16: SKIPPED (fp16 needs CUDA: autocast on the CPU has bfloat16 only)")
            continue
        kit.step(f"parity_{p}", 120, kit.parity(p))
    if wanted("smoke"):
        kit.step("smoke", 150, kit.smoke)
    if wanted("resume"):
        kit.step("resume", 90, kit.resume)
    for p in ("fp32", "bf16", "fp16"):
        for model in ("rrdbnet", "esrgan"):
            name = f"bench_{model}_{p}"
            if not wanted(name):
                continue
            if p == "fp16" and args.device == "cpu":
                kit.summary["steps"].append({"step": name, "status": "skipped",
                                             "why": "fp16 needs CUDA: autocast on the CPU has bfloat16 only"})
                kit.say(f"{name}: SKIPPED (fp16 needs CUDA: autocast on the CPU has bfloat16 only)")
                continue
            kit.step(name, 150, kit.bench(model, p))
    kit.write_summary()
    c = kit.summary["counts"]
    kit.say(f"done: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped; {kit.out}/summary.json")
    sys.exit(1 if c["failed"] else 0)


if __name__ == "__main__":
    main()
