#!/usr/bin/env bash
# Sets up (apt packages, native shim, dotnet build) and runs the whole test suite.
#   scripts/test.sh [--isa native|default|avx2|avx512] [dotnet test arguments...]
# --isa (or SRTRAIN_TEST_ISA) picks the kernel set libtorch and oneDNN use, so one machine can run the suite as a
# different CPU would: `default` is the scalar baseline (ATEN_CPU_CAPABILITY=default, DNNL_MAX_CPU_ISA=SSE41),
# `avx2` and `avx512` cap both at that level, `native` (the default) leaves the CPU's best. Other arguments go to
# `dotnet test` (e.g. --filter "FullyQualifiedName~Adam").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${SRTRAIN_CONFIGURATION:-Release}"

isa="${SRTRAIN_TEST_ISA:-native}"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --isa) isa="${2:?--isa needs native, default, avx2 or avx512}"; shift 2 ;;
    --isa=*) isa="${1#--isa=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$isa" in
  native) [ -n "${ATEN_CPU_CAPABILITY:-}${DNNL_MAX_CPU_ISA:-}" ] && isa="from the environment" ;;
  default) export ATEN_CPU_CAPABILITY=default DNNL_MAX_CPU_ISA=SSE41 ;;
  avx2) export ATEN_CPU_CAPABILITY=avx2 DNNL_MAX_CPU_ISA=AVX2 ;;
  avx512) export ATEN_CPU_CAPABILITY=avx512 DNNL_MAX_CPU_ISA=AVX512_CORE ;;
  *) echo "test.sh: --isa must be native, default, avx2 or avx512 (got '$isa')" >&2; exit 2 ;;
esac

# Which CPU and kernels this run tests: reference comparisons hold on any of them, and a failure names them too.
cpu_model="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
cpu_isa="$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'avx2|fma|avx512f|avx512bw|avx512_vnni|avx512_bf16|amx_bf16' | tr '\n' ' ')"
echo "test.sh: CPU ${cpu_model:-unknown}, $(nproc) cores; ISA extensions: ${cpu_isa:-none of avx2/avx512}"
echo "test.sh: kernel set '$isa': ATEN_CPU_CAPABILITY=${ATEN_CPU_CAPABILITY:-native} DNNL_MAX_CPU_ISA=${DNNL_MAX_CPU_ISA:-native}"

"$root/scripts/setup.sh"

# Test assemblies run in parallel, each with libtorch's OpenMP pool: passive waiting stops idle
# threads from spinning on cores the other assemblies need (measured 5-10x faster steps under load).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test "$root/SrTrain.sln" -c "$config" --no-build -nologo ${args[@]+"${args[@]}"} 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One summary line over all test assemblies.
awk '/(Passed|Failed)! *- *Failed:/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
