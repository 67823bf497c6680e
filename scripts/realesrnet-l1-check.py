#!/usr/bin/python3
"""L1 of a Real-ESRNet generator against bicubic upsampling on degraded photos it did not train on.

The pairs come from the training option file's own degradations (`srtrain train --debug-degradations`), applied to
another folder of photos (default: the demo validation photos) under another seed; the generator (`srtrain infer`,
network_g of the option file) and PyTorch bicubic upsampling then enlarge each LQ, and both are scored against the GT
in grey levels (mean |SR - GT| over 8-bit RGB, no border cropped). See docs/real-esrgan.md.

  /usr/bin/python3 scripts/realesrnet-l1-check.py -opt FILE --model experiments/NAME/models/net_g_N.pth
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F
import yaml
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def srtrain(*args):
    subprocess.run([os.path.join(ROOT, 'scripts', 'srtrain'), *args], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def load(path):
    return np.asarray(Image.open(path).convert('RGB'), dtype=np.float64)


def bicubic(lq, scale):
    t = torch.from_numpy(lq).permute(2, 0, 1)[None] / 255.0
    up = F.interpolate(t, scale_factor=scale, mode='bicubic', align_corners=False).clamp(0, 1)
    return (up[0].permute(1, 2, 0).numpy() * 255.0).round()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('-opt', required=True, help='the Real-ESRNet training option file the model was trained with')
    p.add_argument('--model', required=True, help='generator checkpoint (params_ema, else params)')
    p.add_argument('--photos', default='datasets/demo/DIV2K_valid_HR', help='GT photos to degrade')
    p.add_argument('--pairs', type=int, default=48, help='number of degraded pairs')
    p.add_argument('--seed', type=int, default=1000, help='seed of the degradations (not the training seed)')
    a = p.parse_args()

    with open(os.path.join(ROOT, a.opt) if not os.path.isabs(a.opt) else a.opt) as f:
        opt = yaml.safe_load(f)
    scale, net = int(opt['scale']), dict(opt['network_g'])
    name = f"{opt['name']}_eval"
    work = os.path.join(ROOT, 'experiments', name)   # srtrain writes the pairs to experiments/<name>/debug_degradations
    pairs, lq_dir, sr_dir = (os.path.join(work, d) for d in ('debug_degradations', 'lq', 'sr'))
    # The option file's degradations as training draws them, on other photos and another seed; gt_usm is turned off
    # so the GT is the plain photo (with gt_usm the Net stage degrades the sharpened GT).
    srtrain('train', '-opt', a.opt, '--debug-degradations', str(a.pairs), '--set', f'name={name}', '--set', 'gt_usm=false',
            '--set', f'manual_seed={a.seed}', '--set', f'datasets.train.dataroot_gt={a.photos}', '--set', f'path.root={ROOT}')
    shutil.rmtree(lq_dir, ignore_errors=True)
    os.makedirs(lq_dir)
    for lq in glob.glob(os.path.join(pairs, '*_lq.png')):   # infer enlarges every image of its input folder
        shutil.copy(lq, lq_dir)
    arch = [x for k, v in net.items() if k != 'type' for x in ('--arch-opt', f'{k}={v}')]
    srtrain('infer', '-m', a.model, '--arch', net['type'], '--scale', str(scale), '--param-key', 'params_ema', *arch,
            '-i', lq_dir, '-o', sr_dir)

    rows = []
    for gt_path in sorted(glob.glob(os.path.join(pairs, '*_gt.png'))):
        stem = os.path.basename(gt_path)[:-len('_gt.png')]
        gt, lq = load(gt_path), load(os.path.join(pairs, stem + '_lq.png'))
        sr = load(os.path.join(sr_dir, stem + '_lq.png'))
        rows.append((stem, np.abs(bicubic(lq, scale) - gt).mean(), np.abs(sr - gt).mean()))
    for stem, b, s in rows:
        print(f'{stem}: bicubic L1 {b:6.2f}, SR L1 {s:6.2f}')
    bic, sr = np.mean([r[1] for r in rows]), np.mean([r[2] for r in rows])
    wins = sum(r[2] < r[1] for r in rows)
    print(f'{len(rows)} pairs from {a.photos}: L1 (grey levels) bicubic {bic:.2f}, SR {sr:.2f}; SR better on {wins} of {len(rows)}')
    return 0 if sr < bic else 1


if __name__ == '__main__':
    sys.exit(main())
