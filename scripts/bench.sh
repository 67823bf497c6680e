#!/usr/bin/env bash
# Benchmarks SrTrain against PyTorch (Debian's python3-torch, same libtorch, same thread count),
# alternating the two sides round by round; prints a table, and JSON with --json FILE.
# Usage: scripts/bench.sh [--only conv,overhead] [--json FILE] [--threads N] [--rounds R] [--train-rounds R] [--quick] [--list]
#        scripts/bench.sh ddp   (data-parallel throughput, 1 vs 2 ranks: scripts/bench/ddp.sh)
# Step benchmarks (conv, train_step, loader, infer_rrdbnet, ...) time one unit of work in-process on both sides;
# whole-iteration benchmarks (train_msrresnet, train_edsr, train_rrdbnet, train_esrgan and their _bf16 variants) time
# `srtrain train` against scripts/bench/basicsr_train_loop.py (BasicSR's train.py as users run it) as whole processes,
# steady-state s/iter from two run lengths, --train-rounds alternating rounds (default 3), peak PSS of each process
# tree (scripts/bench/whole_iteration.py). Each takes minutes (ESRGAN: tens of minutes on 2 cores); --quick (or
# SRTRAIN_BENCH_QUICK=1) runs them on one-block networks for two iterations to check the path only.
# The harness is bench/SrTrain.Bench (srtrain-bench), outside the srtrain executable.
# SRTRAIN_PYTHON names the Python with torch that runs the PyTorch side (default: Debian's /usr/bin/python3).
# ratio = PyTorch time / SrTrain time: above 1 means SrTrain is faster.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${SRTRAIN_CONFIGURATION:-Release}"
"$root/scripts/setup.sh" >&2
if [ "${1:-}" = ddp ]; then exec "$root/scripts/bench/ddp.sh"; fi
exec dotnet "$root/bench/SrTrain.Bench/bin/$config/net10.0/srtrain-bench.dll" --reference "$root/scripts/bench/reference.py" "$@"
