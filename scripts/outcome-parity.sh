#!/usr/bin/env bash
# Outcome parity with BasicSR (a benchmark, not a test: minutes per run): trains each option file with
# `srtrain train` and with scripts/bench/basicsr_loop.py (BasicSR's training pipeline restated in PyTorch) over
# several seeds, and prints each run's final validation PSNR, the means, spreads and their difference.
# Usage: scripts/outcome-parity.sh [-opt FILE ...] [--seeds 0,1,2,3,4] [--threads N] [--json OUT] [--set key=value ...]
# Default option files: options/parity/outcome_MSRResNet_x4.yml and outcome_EDSR_Mx4.yml on the demo data.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${SRTRAIN_CONFIGURATION:-Release}"
"$root/scripts/setup.sh" >&2
"$root/scripts/make-demo-data.sh" >&2
args=("$@")
if ! printf '%s\n' "${args[@]+"${args[@]}"}" | grep -qx -- '-opt'; then
  args+=(-opt "$root/options/parity/outcome_MSRResNet_x4.yml" -opt "$root/options/parity/outcome_EDSR_Mx4.yml")
fi
cd "$root"
exec /usr/bin/python3 "$root/scripts/bench/outcome_parity.py" --srtrain "dotnet $root/src/SrTrain.Cli/bin/$config/net10.0/srtrain.dll" "${args[@]}"
