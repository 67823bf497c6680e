#!/usr/bin/env bash
# scripts/bench.sh ddp: data-parallel training throughput on this machine. Trains the same small MSRResNet for
# ITERS iterations (default 40) as 1 rank and as 2 ranks (srtrain launch --nproc 2, Gloo on 127.0.0.1), each rank
# with 1 thread and batch_size_per_gpu 4, on synthetic 128x128 images; prints samples/s of each run and rank 0's
# gradient all-reduce time per iteration. On a machine with 2 cores the 2 ranks share them with the loader.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
config="${SRTRAIN_CONFIGURATION:-Release}"
dll="$root/src/SrTrain.Cli/bin/$config/net10.0/srtrain.dll"
iters="${ITERS:-40}"
work="$(mktemp -d /tmp/srtrain-bench-ddp.XXXXXX)"
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$work" <<'PY'
import sys, os, numpy as np, cv2
root = sys.argv[1]
rng = np.random.default_rng(5)
for split in ("HR", "LRx4"):
    os.makedirs(os.path.join(root, split), exist_ok=True)
for i in range(32):
    small = rng.random((16, 16, 3), dtype=np.float32)
    hr = (np.clip(cv2.resize(small, (128, 128), interpolation=cv2.INTER_CUBIC), 0, 1) * 255).round().astype(np.uint8)
    cv2.imwrite(os.path.join(root, "HR", f"{i:04d}.png"), hr)
    cv2.imwrite(os.path.join(root, "LRx4", f"{i:04d}.png"), cv2.resize(hr, (32, 32), interpolation=cv2.INTER_AREA))
PY

options() {  # name
  cat > "$work/$1.yml" <<YML
name: $1
model_type: SRModel
scale: 4
num_gpu: 0
num_threads: 1
manual_seed: 3
datasets:
  train:
    type: PairedImageDataset
    dataroot_gt: $work/HR
    dataroot_lq: $work/LRx4
    gt_size: 96
    use_hflip: true
    use_rot: true
    num_worker_per_gpu: 1
    batch_size_per_gpu: 4
network_g: {type: MSRResNet, num_feat: 32, num_block: 4, upscale: 4}
path: {root: $work}
train:
  optim_g: {type: Adam, lr: !!float 2e-4, betas: [0.9, 0.99]}
  total_iter: $iters
  pixel_opt: {type: L1Loss, loss_weight: 1.0}
logger: {print_freq: 1000, save_checkpoint_freq: 100000, use_tb_logger: false}
dist_params: {backend: gloo}
YML
  echo "$work/$1.yml"
}

per_iter() {  # log file -> seconds per iteration (Trainer's end line)
  grep -o 'End of training after [0-9.]* s ([0-9.]* s/iter)' "$1" | sed 's/.*(\([0-9.]*\) s\/iter)/\1/'
}

OMP_NUM_THREADS=1 dotnet "$dll" train -opt "$(options one)" > "$work/one.out"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
OMP_NUM_THREADS=1 dotnet "$dll" launch --nproc 2 --master-port "$port" train -opt "$(options two)" > "$work/two.out"

one=$(per_iter "$work/one.out"); two=$(per_iter "$work/two.out")
reduce=$(grep -o 'Gradient all-reduce: [0-9.]* ms per iteration' "$work/two.out" | grep -o '[0-9.]* ms')
params=$(grep -o 'parameters: [0-9,]*' "$work/one.out" | head -1)
/usr/bin/python3 - "$one" "$two" "$reduce" "$params" "$iters" "$(nproc)" <<'PY'
import sys
one, two, reduce, params, iters, cores = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
print(f"ddp: MSRResNet (num_feat 32, 4 blocks; {params}), batch 4 per rank of 96x96 GT crops, 1 thread per rank, {iters} iterations, {cores} cores")
print(f"  1 rank : {one:.3f} s/iter  {4 / one:7.1f} samples/s")
print(f"  2 ranks: {two:.3f} s/iter  {8 / two:7.1f} samples/s  (x{(8 / two) / (4 / one):.2f}); gradient all-reduce {reduce} per iteration on rank 0")
PY
