"""BasicSR's train.py as users run it, restated in PyTorch: the reference side of the whole-iteration benchmarks
(train_msrresnet, train_edsr, train_rrdbnet, train_esrgan in scripts/bench.sh, driven by whole_iteration.py).

What it keeps from BasicSR 1.4, because a user pays for it on every iteration:
  train.py           set_random_seed, datasets before the model, a CPUPrefetcher over the DataLoader, per iteration
                     data timer -> update_learning_rate -> feed_data -> optimize_parameters -> iter timer, a log line
                     (MessageLogger: epoch, iter, lr, time, data time, eta, every loss) every print_freq
  DataLoader         worker processes (num_worker_per_gpu, fork) over PairedImageDataset (cv2.imdecode, random crop,
                     flips/rotation; basicsr_loop.py), EnlargedSampler, drop_last
  SRModel            zero_grad -> net_g -> pixel loss -> backward -> step -> model_ema(0.999); reduce_loss_dict
                     (.item() of every loss, every iteration)
  ESRGANModel        G step with pixel + perceptual (VGG19 conv5_4 before ReLU, input norm, L1) + relativistic GAN loss
                     with net_d frozen; D step on real then fake halves (0.5 each), then EMA
  schedulers         BasicSR's MultiStepRestartLR and CosineAnnealingRestartLR (MSRResNet's)
The VGG weights are random (the same cost as ImageNet's; this machine has none to load) and there is no validation:
the benchmark's option files have no val section. Nothing is saved.

Usage: /usr/bin/python3 basicsr_train_loop.py -opt FILE [--threads N] [--device cpu|cuda] [--precision fp32|bf16|fp16]
Prints BasicSR-style log lines; the driver times the whole process. --device cuda moves the networks and each batch to the
GPU (BasicSR's feed_data); --precision bf16/fp16 runs the forward passes and losses under torch.autocast on the device
(fp16 with a GradScaler per optimizer, as PyTorch's AMP recipe does), which BasicSR itself does not have: the reference
for SrTrain's `precision` option (scripts/gpu-check.sh). On CUDA the last line gives the peak allocated GPU memory.
"""
import argparse
import contextlib
import datetime
import math
import os
import random
import sys
import time
from collections import OrderedDict

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from basicsr_loop import (CosineAnnealingRestartLR, EnlargedSampler, MultiStepRestartLR, PairedImageDataset, build_network,  # noqa: E402
                          load_options, worker_init_fn)

VGG19_CONV5_4 = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512]


class VGGFeatureExtractor(nn.Module):
    """BasicSR's VGGFeatureExtractor for layer_weights {conv5_4: 1}: vgg19.features up to conv5_4 (before its ReLU),
    frozen, eval mode, ImageNet input normalisation."""

    def __init__(self):
        super().__init__()
        layers, ch = [], 3
        for v in VGG19_CONV5_4:
            if v == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers += [nn.Conv2d(ch, v, 3, padding=1), nn.ReLU(inplace=True)]
                ch = v
        self.vgg_net = nn.Sequential(*layers[:-1])   # conv5_4 before relu
        self.vgg_net.eval()
        for p in self.parameters():
            p.requires_grad = False
        self.register_buffer("mean", torch.Tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.Tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))

    def forward(self, x):
        return {"conv5_4": self.vgg_net((x - self.mean) / self.std)}


class PerceptualLoss(nn.Module):
    def __init__(self, layer_weights, perceptual_weight=1.0, style_weight=0.0, criterion="l1", **_):
        super().__init__()
        if list(layer_weights) != ["conv5_4"] or criterion != "l1" or style_weight:
            raise ValueError("basicsr_train_loop.py restates conv5_4 / l1 / no style only")
        self.layer_weights, self.perceptual_weight = layer_weights, perceptual_weight
        self.vgg = VGGFeatureExtractor()

    def forward(self, x, gt):
        x_features, gt_features = self.vgg(x), self.vgg(gt.detach())
        loss = 0
        for k in x_features:
            loss += F.l1_loss(x_features[k], gt_features[k]) * self.layer_weights[k]
        return loss * self.perceptual_weight, None


class GANLoss(nn.Module):
    """BasicSR's GANLoss, vanilla (BCEWithLogits); loss_weight applies to the generator's loss only."""

    def __init__(self, gan_type, real_label_val=1.0, fake_label_val=0.0, loss_weight=1.0):
        super().__init__()
        if gan_type != "vanilla":
            raise ValueError("basicsr_train_loop.py restates gan_type vanilla only")
        self.real_label_val, self.fake_label_val, self.loss_weight = real_label_val, fake_label_val, loss_weight
        self.loss = nn.BCEWithLogitsLoss()

    def forward(self, input, target_is_real, is_disc=False):
        target_val = self.real_label_val if target_is_real else self.fake_label_val
        loss = self.loss(input, input.new_ones(input.size()) * target_val)
        return loss if is_disc else loss * self.loss_weight


def adam(params, section):
    optim = dict(section)
    if optim.pop("type") != "Adam":
        raise ValueError("basicsr_train_loop.py restates Adam only")
    return torch.optim.Adam(params, **optim)


def scheduler(optimizer, section):
    sched = dict(section)
    kind = sched.pop("type")
    return {"MultiStepLR": MultiStepRestartLR, "MultiStepRestartLR": MultiStepRestartLR,
            "CosineAnnealingRestartLR": CosineAnnealingRestartLR}[kind](optimizer, **sched)


class SRModel:
    def __init__(self, opt, device="cpu", precision="fp32"):
        self.opt, train = opt, opt["train"]
        self.device = torch.device(device)
        self.amp_dtype = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}[precision]
        if precision == "fp16" and self.device.type != "cuda":
            raise ValueError("--precision fp16 needs --device cuda (CPU autocast has bfloat16 only)")
        self.net_g = build_network(opt["network_g"])
        self.net_g.train()
        self.ema_decay = train.get("ema_decay", 0)
        if self.ema_decay > 0:
            self.net_g_ema = build_network(opt["network_g"])
            self.model_ema(0)
            self.net_g_ema.eval()
        pix = dict(train["pixel_opt"]) if train.get("pixel_opt") else None
        self.cri_pix = None
        if pix:
            kind, weight = pix.pop("type"), pix.get("loss_weight", 1.0)
            fn = {"L1Loss": F.l1_loss, "MSELoss": F.mse_loss}[kind]
            self.cri_pix = lambda x, y: weight * fn(x, y, reduction=pix.get("reduction", "mean"))
        self.cri_perceptual = None
        if train.get("perceptual_opt"):
            per = dict(train["perceptual_opt"])
            per.pop("type")
            self.cri_perceptual = PerceptualLoss(**per)
        self.net_g.to(self.device)
        if self.ema_decay > 0:
            self.net_g_ema.to(self.device)
        if self.cri_perceptual is not None:
            self.cri_perceptual.to(self.device)
        self.optimizer_g = adam([p for p in self.net_g.parameters() if p.requires_grad], train["optim_g"])
        self.scaler_g = self.grad_scaler()
        self.optimizers = [self.optimizer_g]
        self.schedulers = [scheduler(self.optimizer_g, train["scheduler"])]
        self.log_dict = OrderedDict()

    def grad_scaler(self):
        if self.amp_dtype != torch.float16:
            return None
        return torch.amp.GradScaler("cuda") if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler") else torch.cuda.amp.GradScaler()

    def autocast(self):
        if self.amp_dtype is None:
            return contextlib.nullcontext()  # fp32: no autocast object at all (CPU autocast warns about a float32 dtype)
        return torch.autocast(device_type=self.device.type, dtype=self.amp_dtype)

    @staticmethod
    def backward(loss, scaler):
        (scaler.scale(loss) if scaler is not None else loss).backward()

    @staticmethod
    def step(optimizer, scaler):
        if scaler is None:
            optimizer.step()
        else:
            scaler.step(optimizer)
            scaler.update()

    def model_ema(self, decay):
        net_g_params = dict(self.net_g.named_parameters())
        for k, p in self.net_g_ema.named_parameters():
            p.data.mul_(decay).add_(net_g_params[k].data, alpha=1 - decay)

    def update_learning_rate(self, current_iter, warmup_iter=-1):
        if current_iter > 1:
            for s in self.schedulers:
                s.step()
        if current_iter < warmup_iter:
            for o in self.optimizers:
                for g in o.param_groups:
                    g["lr"] = g["initial_lr"] / warmup_iter * current_iter

    def get_current_learning_rate(self):
        return [g["lr"] for g in self.optimizers[0].param_groups]

    def feed_data(self, data):
        self.lq, self.gt = data["lq"].to(self.device), data["gt"].to(self.device)

    def reduce_loss_dict(self, loss_dict):
        with torch.no_grad():
            return OrderedDict((k, v.mean().item()) for k, v in loss_dict.items())

    def optimize_parameters(self, current_iter):
        self.optimizer_g.zero_grad()
        with self.autocast():
            self.output = self.net_g(self.lq)
            l_total, loss_dict = 0, OrderedDict()
            if self.cri_pix:
                l_pix = self.cri_pix(self.output, self.gt)
                l_total += l_pix
                loss_dict["l_pix"] = l_pix
            if self.cri_perceptual:
                l_percep, _ = self.cri_perceptual(self.output, self.gt)
                l_total += l_percep
                loss_dict["l_percep"] = l_percep
        self.backward(l_total, self.scaler_g)
        self.step(self.optimizer_g, self.scaler_g)
        self.log_dict = self.reduce_loss_dict(loss_dict)
        if self.ema_decay > 0:
            self.model_ema(decay=self.ema_decay)


class ESRGANModel(SRModel):
    def __init__(self, opt, device="cpu", precision="fp32"):
        super().__init__(opt, device, precision)
        train = opt["train"]
        self.net_d = build_network(opt["network_d"])
        self.net_d.to(self.device)
        self.net_d.train()
        gan = dict(train["gan_opt"])
        gan.pop("type")
        self.cri_gan = GANLoss(**gan)
        self.net_d_iters, self.net_d_init_iters = train.get("net_d_iters", 1), train.get("net_d_init_iters", 0)
        self.optimizer_d = adam(self.net_d.parameters(), train["optim_d"])
        self.scaler_d = self.grad_scaler()
        self.optimizers.append(self.optimizer_d)
        self.schedulers.append(scheduler(self.optimizer_d, train["scheduler"]))

    def optimize_parameters(self, current_iter):
        for p in self.net_d.parameters():
            p.requires_grad = False
        self.optimizer_g.zero_grad()
        with self.autocast():
            self.output = self.net_g(self.lq)
        l_g_total, loss_dict = 0, OrderedDict()
        if current_iter % self.net_d_iters == 0 and current_iter > self.net_d_init_iters:
            with self.autocast():
                if self.cri_pix:
                    l_g_pix = self.cri_pix(self.output, self.gt)
                    l_g_total += l_g_pix
                    loss_dict["l_g_pix"] = l_g_pix
                if self.cri_perceptual:
                    l_g_percep, _ = self.cri_perceptual(self.output, self.gt)
                    l_g_total += l_g_percep
                    loss_dict["l_g_percep"] = l_g_percep
                real_d_pred = self.net_d(self.gt).detach()
                fake_g_pred = self.net_d(self.output)
                l_g_real = self.cri_gan(real_d_pred - torch.mean(fake_g_pred), False, is_disc=False)
                l_g_fake = self.cri_gan(fake_g_pred - torch.mean(real_d_pred), True, is_disc=False)
                l_g_gan = (l_g_real + l_g_fake) / 2
                l_g_total += l_g_gan
                loss_dict["l_g_gan"] = l_g_gan
            self.backward(l_g_total, self.scaler_g)
            self.step(self.optimizer_g, self.scaler_g)
        for p in self.net_d.parameters():
            p.requires_grad = True
        self.optimizer_d.zero_grad()
        with self.autocast():
            fake_d_pred = self.net_d(self.output).detach()
            real_d_pred = self.net_d(self.gt)
            l_d_real = self.cri_gan(real_d_pred - torch.mean(fake_d_pred), True, is_disc=True) * 0.5
        self.backward(l_d_real, self.scaler_d)
        with self.autocast():
            fake_d_pred = self.net_d(self.output.detach())
            l_d_fake = self.cri_gan(fake_d_pred - torch.mean(real_d_pred.detach()), False, is_disc=True) * 0.5
        self.backward(l_d_fake, self.scaler_d)
        self.step(self.optimizer_d, self.scaler_d)
        loss_dict["l_d_real"], loss_dict["l_d_fake"] = l_d_real, l_d_fake
        loss_dict["out_d_real"], loss_dict["out_d_fake"] = torch.mean(real_d_pred.detach()), torch.mean(fake_d_pred.detach())
        self.log_dict = self.reduce_loss_dict(loss_dict)
        if self.ema_decay > 0:
            self.model_ema(decay=self.ema_decay)


class MessageLogger:
    """BasicSR's MessageLogger: one line per print_freq with epoch, iter, lr, eta, times and every loss."""

    def __init__(self, opt, start_iter=0):
        self.exp_name, self.interval = opt["name"], opt["logger"]["print_freq"]
        self.max_iters, self.start_iter = opt["train"]["total_iter"], start_iter
        self.start_time = time.time()

    def __call__(self, log_vars):
        message = (f"[{self.exp_name[:5]}..][epoch:{log_vars.pop('epoch'):3d}, iter:{log_vars.pop('iter'):8,d}, lr:(")
        for v in log_vars.pop("lrs"):
            message += f"{v:.3e},"
        message += ")] "
        iter_time, data_time = log_vars.pop("time"), log_vars.pop("data_time")
        total_time = time.time() - self.start_time
        time_sec_avg = total_time / (log_vars.pop("current_iter") - self.start_iter + 1)
        eta_sec = time_sec_avg * (self.max_iters - 1)
        message += f"[eta: {datetime.timedelta(seconds=int(eta_sec))}, time (data): {iter_time:.3f} ({data_time:.3f})] "
        for k, v in log_vars.items():
            message += f"{k}: {v:.4e} "
        print(message, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-opt", required=True)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16", "fp16"])
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    opt = load_options(args.opt, [])
    seed = opt.get("manual_seed") or random.randint(1, 10000)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)

    train_opt = opt["datasets"]["train"]
    train_set = PairedImageDataset(train_opt, opt["scale"], "train")
    ratio = train_opt.get("dataset_enlarge_ratio", 1)
    sampler = EnlargedSampler(train_set, 1, 0, ratio)
    workers, batch = train_opt.get("num_worker_per_gpu", 0), train_opt["batch_size_per_gpu"]
    loader = torch.utils.data.DataLoader(
        train_set, batch_size=batch, shuffle=False, num_workers=workers, sampler=sampler, drop_last=True,
        worker_init_fn=(lambda wid: worker_init_fn(wid, workers, 0, seed)) if workers > 0 else None,
        pin_memory=False, persistent_workers=False, multiprocessing_context="fork" if workers > 0 else None)
    total_iters = int(opt["train"]["total_iter"])
    per_epoch = math.ceil(len(train_set) * ratio / batch)
    total_epochs = math.ceil(total_iters / per_epoch)
    print(f"Training statistics: samples {len(train_set)}, ratio {ratio}, batch {batch}, workers {workers}, "
          f"iters per epoch {per_epoch}, total epochs {total_epochs}, iters {total_iters}", flush=True)

    model = {"SRModel": SRModel, "ESRGANModel": ESRGANModel}[opt.get("model_type", "SRModel")](opt, args.device, args.precision)
    msg_logger = MessageLogger(opt)
    print_freq = opt["logger"]["print_freq"]
    warmup = opt["train"].get("warmup_iter", -1)
    current_iter = 0
    data_timer, iter_timer = time.time(), time.time()
    for epoch in range(0, total_epochs + 1):
        sampler.set_epoch(epoch)
        prefetcher = iter(loader)   # CPUPrefetcher
        train_data = next(prefetcher, None)
        while train_data is not None:
            data_time = time.time() - data_timer
            current_iter += 1
            if current_iter > total_iters:
                break
            model.update_learning_rate(current_iter, warmup_iter=warmup)
            model.feed_data(train_data)
            model.optimize_parameters(current_iter)
            iter_time = time.time() - iter_timer
            if current_iter % print_freq == 0:
                log_vars = {"epoch": epoch, "iter": current_iter, "current_iter": current_iter,
                            "lrs": model.get_current_learning_rate(), "time": iter_time, "data_time": data_time}
                log_vars.update(model.log_dict)
                msg_logger(log_vars)
            data_timer = time.time()
            iter_timer = time.time()
            train_data = next(prefetcher, None)
        if current_iter > total_iters:
            break
    if model.device.type == "cuda":
        torch.cuda.synchronize(model.device)
        print(f"peak_gpu_memory_mib: {torch.cuda.max_memory_allocated(model.device) / 2 ** 20:.0f}", flush=True)
    print("End of training.", flush=True)


if __name__ == "__main__":
    main()
