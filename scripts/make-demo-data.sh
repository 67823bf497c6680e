#!/usr/bin/env bash
# Builds the tiny DIV2K-shaped demo tree under datasets/demo/ (or $1) from photographs shipped in
# Debian packages, so the quickstart needs no download:
#   training HR  <- mate-backgrounds' nature photos (/usr/share/backgrounds/mate/nature, GPL-2+)
#   validation   <- scikit-image's CC0 / public-domain sample photos (python3-skimage)
# then HR sub-images, MATLAB-bicubic LR x2/x3/x4 and meta_info, through SrTrain.Data's preparation
# API (`srtrain prepare demo`, i.e. SrTrain.Data.Preparation.DemoData.Build). Idempotent: a complete tree is left as it is.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/datasets/demo}"

if [ -f "$out/DEMO_DATA.txt" ]; then
  echo "make-demo-data: $out is complete"
  exit 0
fi

packages=(mate-backgrounds python3-skimage)
source "$root/scripts/lib/apt-packages.sh"
ensure_packages make-demo-data "${packages[@]}"

exec "$root/scripts/srtrain" prepare demo --root "$out"
