"""BasicSR's training pipeline for SRModel, restated in PyTorch: the reference side of scripts/outcome-parity.sh.

It follows BasicSR 1.4's code path for a PSNR-oriented run, step by step, so that `srtrain train` and this script
can be given the same option file and compared on what a user sees at the end of a run:
  train.py            seed (set_random_seed(manual_seed)), datasets before the model, epochs from 0, current_iter
                      counted before the step, update_learning_rate -> feed_data -> optimize_parameters, a log line
                      every print_freq, validation every val_freq and at the end
  EnlargedSampler     torch.randperm(total_size) drawn from a generator seeded with the *epoch* (not the seed),
                      indices modulo the dataset size
  build_dataloader    DataLoader(batch_size_per_gpu, num_worker_per_gpu, drop_last=True, sampler) with
                      worker_init_fn seeding numpy and random with num_workers * rank + worker_id + seed in every
                      worker of every epoch (workers are not persistent)
  PairedImageDataset  cv2.imdecode -> float32 / 255, paired_random_crop (random.randint on the LQ grid), augment
                      (hflip, vflip, rot90 as a transpose; three random.random() draws), BGR -> RGB, CHW;
                      validation images whole, the GT cut to scale x the LQ
  SRModel             net_g, then net_g_ema built from the same options and copied (model_ema(0)); L1/MSE pixel
                      loss; Adam over the parameters that require grad; zero_grad -> forward -> backward -> step ->
                      model_ema(ema_decay) (parameters only)
  schedulers          MultiStepRestartLR and CosineAnnealingRestartLR, stepped from iteration 2 on; linear warm-up
  validation          net_g_ema (else net_g) in eval mode, tensor2img (clamp, *255, round, uint8),
                      calculate_psnr on float64 with crop_border (RGB, or Y with test_y_channel)
Architectures come from tests/fixtures/archs_ref.py, whose archs are checked against SrTrain's and keep BasicSR's
order of random draws (so the same manual_seed gives the same initial weights on both sides).

Usage: /usr/bin/python3 basicsr_loop.py -opt FILE [--set key.path=value ...] --out DIR [--threads N]
                                        [--save-iters 1,10,100]
Writes DIR/result.json: {"seed", "log": [{"iter", "lr", "l_pix"}], "val": [{"iter", "psnr"}], "seconds",
"seconds_per_iter"} and, for each --save-iters iteration, DIR/net_g_<iter>.pth ({"params", "params_ema"}, as
BasicSR's save_network) and DIR/lr_trace.json (the learning rate used at every iteration).
"""
import argparse
import json
import math
import os
import random
import sys
import time
from collections import Counter

import cv2
import numpy as np
import torch
import yaml
from torch.nn import functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures"))
import archs_ref  # noqa: E402


# ---------------------------------------------------------------- options

def load_options(path, sets):
    with open(path) as f:
        opt = yaml.safe_load(f)
    for item in sets:
        key, _, raw = item.partition("=")
        node = opt
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = yaml.safe_load(raw)
    return opt


def as_list(value):
    return value if isinstance(value, list) else [value]


# ---------------------------------------------------------------- data

def read_image(path):
    """BasicSR's imfrombytes(float32=True): BGR float32 in [0, 1]."""
    with open(path, "rb") as f:
        data = np.frombuffer(f.read(), np.uint8)
    img = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if img is None:
        raise ValueError(f"cannot decode {path}")
    return img.astype(np.float32) / 255.0


def to_tensor(img):
    """img2tensor(bgr2rgb=True, float32=True)."""
    return torch.from_numpy(cv2.cvtColor(img, cv2.COLOR_BGR2RGB).transpose(2, 0, 1).copy()).float()


class PairedImageDataset(torch.utils.data.Dataset):
    def __init__(self, opt, scale, phase):
        self.scale, self.phase = scale, phase
        self.gt_size = opt.get("gt_size")
        self.use_hflip, self.use_rot = opt.get("use_hflip", False), opt.get("use_rot", False)
        tmpl = opt.get("filename_tmpl", "{}")
        gts, lqs = as_list(opt["dataroot_gt"]), as_list(opt["dataroot_lq"])
        metas = as_list(opt["meta_info_file"]) if opt.get("meta_info_file") else [None] * len(gts)
        self.pairs = []
        for gt_root, lq_root, meta in zip(gts, lqs, metas):
            if meta:
                with open(meta) as f:
                    names = [line.strip().split(" ")[0] for line in f if line.strip()]
            else:
                names = sorted(n for n in os.listdir(gt_root) if not n.startswith("."))
            for name in names:
                stem, ext = os.path.splitext(os.path.basename(name))
                lq_name = tmpl.format(stem) + ext
                self.pairs.append((os.path.join(gt_root, name), os.path.join(lq_root, lq_name)))

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, index):
        gt_path, lq_path = self.pairs[index]
        gt, lq = read_image(gt_path), read_image(lq_path)
        if self.phase == "train":
            gt, lq = self.paired_random_crop(gt, lq)
            gt, lq = self.augment([gt, lq])
        else:
            gt = gt[0:lq.shape[0] * self.scale, 0:lq.shape[1] * self.scale, :]
        return {"lq": to_tensor(lq), "gt": to_tensor(gt), "lq_path": lq_path, "gt_path": gt_path}

    def paired_random_crop(self, gt, lq):
        lq_size = self.gt_size // self.scale
        h, w = lq.shape[0:2]
        if gt.shape[0] != h * self.scale or gt.shape[1] != w * self.scale:
            raise ValueError(f"scale mismatch: {gt.shape} vs {lq.shape}")
        top = random.randint(0, h - lq_size)
        left = random.randint(0, w - lq_size)
        lq = lq[top:top + lq_size, left:left + lq_size, ...]
        t, l = top * self.scale, left * self.scale
        return gt[t:t + self.gt_size, l:l + self.gt_size, ...], lq

    def augment(self, imgs):
        hflip = self.use_hflip and random.random() < 0.5
        vflip = self.use_rot and random.random() < 0.5
        rot90 = self.use_rot and random.random() < 0.5

        def one(img):
            if hflip:
                img = cv2.flip(img, 1)
            if vflip:
                img = cv2.flip(img, 0)
            if rot90:
                img = img.transpose(1, 0, 2)
            return img
        return [one(i) for i in imgs]


class EnlargedSampler(torch.utils.data.Sampler):
    def __init__(self, dataset, num_replicas, rank, ratio):
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.epoch = 0
        self.num_samples = math.ceil(len(dataset) * ratio / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self):
        g = torch.Generator()
        g.manual_seed(self.epoch)
        indices = torch.randperm(self.total_size, generator=g).tolist()
        indices = [v % len(self.dataset) for v in indices]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        self.epoch = epoch


def worker_init_fn(worker_id, num_workers, rank, seed):
    worker_seed = num_workers * rank + worker_id + seed
    np.random.seed(worker_seed)
    random.seed(worker_seed)


# ---------------------------------------------------------------- model

def build_network(section):
    kwargs = dict(section)
    return getattr(archs_ref, kwargs.pop("type"))(**kwargs)


class MultiStepRestartLR(torch.optim.lr_scheduler._LRScheduler):
    def __init__(self, optimizer, milestones, gamma=0.1, restarts=(0,), restart_weights=(1,), last_epoch=-1):
        self.milestones, self.gamma = Counter(milestones), gamma
        self.restarts, self.restart_weights = list(restarts), list(restart_weights)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch in self.restarts:
            weight = self.restart_weights[self.restarts.index(self.last_epoch)]
            return [g["initial_lr"] * weight for g in self.optimizer.param_groups]
        if self.last_epoch not in self.milestones:
            return [g["lr"] for g in self.optimizer.param_groups]
        return [g["lr"] * self.gamma ** self.milestones[self.last_epoch] for g in self.optimizer.param_groups]


class CosineAnnealingRestartLR(torch.optim.lr_scheduler._LRScheduler):
    def __init__(self, optimizer, periods, restart_weights=(1,), eta_min=0, last_epoch=-1):
        self.periods, self.restart_weights, self.eta_min = list(periods), list(restart_weights), eta_min
        self.cumulative = [sum(self.periods[:i + 1]) for i in range(len(self.periods))]
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        idx = next(i for i, c in enumerate(self.cumulative) if self.last_epoch <= c)
        weight = self.restart_weights[idx]
        nearest_restart = 0 if idx == 0 else self.cumulative[idx - 1]
        period = self.periods[idx]
        return [self.eta_min + weight * 0.5 * (base - self.eta_min)
                * (1 + math.cos(math.pi * ((self.last_epoch - nearest_restart) / period))) for base in self.base_lrs]


class SRModel:
    def __init__(self, opt):
        self.opt = opt
        train = opt["train"]
        self.net_g = build_network(opt["network_g"])
        self.net_g.train()
        self.ema_decay = train.get("ema_decay", 0)
        self.net_g_ema = None
        if self.ema_decay > 0:
            self.net_g_ema = build_network(opt["network_g"])
            self.model_ema(0)
            self.net_g_ema.eval()
        pix = dict(train["pixel_opt"])
        kind = pix.pop("type")
        self.pix_weight = pix.get("loss_weight", 1.0)
        self.pix_loss = {"L1Loss": F.l1_loss, "MSELoss": F.mse_loss}[kind]
        self.pix_reduction = pix.get("reduction", "mean")
        optim = dict(train["optim_g"])
        if optim.pop("type") != "Adam":
            raise ValueError("basicsr_loop.py restates Adam only")
        params = [p for p in self.net_g.parameters() if p.requires_grad]
        self.optimizer = torch.optim.Adam(params, **optim)
        sched = dict(train["scheduler"])
        kind = sched.pop("type")
        self.scheduler = {"MultiStepLR": MultiStepRestartLR, "MultiStepRestartLR": MultiStepRestartLR,
                          "CosineAnnealingRestartLR": CosineAnnealingRestartLR}[kind](self.optimizer, **sched)

    def model_ema(self, decay):
        live = dict(self.net_g.named_parameters())
        for k, p in self.net_g_ema.named_parameters():
            p.data.mul_(decay).add_(live[k].data, alpha=1 - decay)

    def update_learning_rate(self, current_iter, warmup_iter):
        if current_iter > 1:
            self.scheduler.step()
        if current_iter < warmup_iter:
            init = [g["initial_lr"] for g in self.optimizer.param_groups]
            for g, lr in zip(self.optimizer.param_groups, init):
                g["lr"] = lr / warmup_iter * current_iter

    def optimize_parameters(self, lq, gt):
        self.optimizer.zero_grad()
        output = self.net_g(lq)
        l_pix = self.pix_weight * self.pix_loss(output, gt, reduction=self.pix_reduction)
        l_pix.backward()
        self.optimizer.step()
        if self.ema_decay > 0:
            self.model_ema(self.ema_decay)
        return l_pix.detach()

    def test(self, lq):
        net = self.net_g_ema if self.net_g_ema is not None else self.net_g
        net.eval()
        with torch.no_grad():
            out = net(lq)
        if self.net_g_ema is None:
            self.net_g.train()
        return out


def tensor2img(t):
    img = t.squeeze(0).float().detach().cpu().clamp_(0, 1).numpy().transpose(1, 2, 0)
    img = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    return (img * 255.0).round().astype(np.uint8)


def bgr2ycbcr_y(img):
    """BasicSR's to_y_channel: Y of BT.601 on [0, 1] BGR input, back on the [0, 255] scale."""
    img = img.astype(np.float32) / 255.0
    return (np.dot(img, [24.966, 128.553, 65.481]) + 16.0)[..., None]


def calculate_psnr(img, img2, crop_border, test_y_channel=False):
    if crop_border:
        img, img2 = img[crop_border:-crop_border, crop_border:-crop_border], img2[crop_border:-crop_border, crop_border:-crop_border]
    if test_y_channel:
        img, img2 = bgr2ycbcr_y(img), bgr2ycbcr_y(img2)
    img, img2 = img.astype(np.float64), img2.astype(np.float64)
    mse = np.mean((img - img2) ** 2)
    return float("inf") if mse == 0 else 10.0 * np.log10(255.0 * 255.0 / mse)


def validate(model, loaders, opt):
    out = {}
    metrics = opt["val"].get("metrics", {})
    for name, loader in loaders:
        values = []
        for data in loader:
            sr = tensor2img(model.test(data["lq"]))
            gt = tensor2img(data["gt"])
            for mname, m in metrics.items():
                if m["type"] == "calculate_psnr":
                    values.append(calculate_psnr(sr, gt, m.get("crop_border", 0), m.get("test_y_channel", False)))
        out[name] = float(np.mean(values)) if values else float("nan")
    return out


def save_network(model, path):
    state = {"params": model.net_g.state_dict()}
    if model.net_g_ema is not None:
        state["params_ema"] = model.net_g_ema.state_dict()
    torch.save(state, path)


# ---------------------------------------------------------------- train.py

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-opt", required=True)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--save-iters", default="")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    opt = load_options(args.opt, args.set)
    if opt.get("model_type", "SRModel") != "SRModel":
        raise SystemExit("basicsr_loop.py restates SRModel only")
    os.makedirs(args.out, exist_ok=True)
    save_iters = {int(s) for s in args.save_iters.split(",") if s}

    seed = opt.get("manual_seed")
    if seed is None:
        seed = random.randint(1, 10000)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)

    scale = opt["scale"]
    train_opt = opt["datasets"]["train"]
    train_set = PairedImageDataset(train_opt, scale, "train")
    ratio = train_opt.get("dataset_enlarge_ratio", 1)
    sampler = EnlargedSampler(train_set, 1, 0, ratio)
    workers = train_opt.get("num_worker_per_gpu", 0)
    batch = train_opt["batch_size_per_gpu"]
    loader = torch.utils.data.DataLoader(
        train_set, batch_size=batch, shuffle=False, num_workers=workers, sampler=sampler, drop_last=True,
        worker_init_fn=(lambda wid: worker_init_fn(wid, workers, 0, seed)) if workers > 0 else None,
        pin_memory=False, multiprocessing_context="fork" if workers > 0 else None)
    val_loaders = [(k, torch.utils.data.DataLoader(PairedImageDataset(v, scale, "val"), batch_size=1, shuffle=False))
                   for k, v in opt["datasets"].items() if k.startswith("val") and opt.get("val")]
    model = SRModel(opt)
    total_iters = int(opt["train"]["total_iter"])
    warmup = opt["train"].get("warmup_iter", -1)
    print_freq = opt["logger"]["print_freq"]
    val_freq = opt["val"]["val_freq"] if opt.get("val") else None
    per_epoch = math.ceil(len(train_set) * ratio / batch)
    total_epochs = math.ceil(total_iters / per_epoch)

    log, vals, lrs = [], [], []
    start = time.perf_counter()
    current_iter = 0
    for epoch in range(0, total_epochs + 1):
        sampler.set_epoch(epoch)
        for data in loader:
            current_iter += 1
            if current_iter > total_iters:
                break
            model.update_learning_rate(current_iter, warmup)
            lrs.append(model.optimizer.param_groups[0]["lr"])
            l_pix = model.optimize_parameters(data["lq"], data["gt"])
            if current_iter % print_freq == 0:
                log.append({"iter": current_iter, "lr": lrs[-1], "l_pix": float(l_pix)})
                print(f"[epoch:{epoch:3d}, iter:{current_iter:8,d}, lr:({lrs[-1]:.3e},)] l_pix: {float(l_pix):.4e}",
                      flush=True)
            if current_iter in save_iters:
                save_network(model, os.path.join(args.out, f"net_g_{current_iter}.pth"))
            if val_freq and current_iter % val_freq == 0:
                vals.append({"iter": current_iter, **validate(model, val_loaders, opt)})
        if current_iter > total_iters:
            break
    seconds = time.perf_counter() - start
    save_network(model, os.path.join(args.out, "net_g_latest.pth"))
    if not vals or vals[-1]["iter"] != total_iters:
        vals.append({"iter": total_iters, **validate(model, val_loaders, opt)})
    with open(os.path.join(args.out, "result.json"), "w") as f:
        json.dump({"seed": seed, "log": log, "val": vals, "seconds": seconds,
                   "seconds_per_iter": seconds / max(total_iters, 1)}, f, indent=1)
    with open(os.path.join(args.out, "lr_trace.json"), "w") as f:
        json.dump(lrs, f)


if __name__ == "__main__":
    main()
