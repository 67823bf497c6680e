#!/usr/bin/env bash
# Packs SrTrain's library projects as NuGet packages, all of one version, into a local folder feed that a research
# project outside the solution restores from (examples/ResearchExample shows one).
#   scripts/pack.sh [--version V] [--no-build] [OUT]     (OUT: artifacts/packages by default)
# --version overrides Directory.Build.props' version (e.g. a pre-release for a local test); --no-build packs what
# `dotnet build` already built (scripts/setup.sh builds Release). Needs what scripts/setup.sh installs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${SRTRAIN_CONFIGURATION:-Release}"
out="$root/artifacts/packages"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --version) extra+=("-p:Version=${2:?--version needs a value}"); shift 2 ;;
    --no-build) extra+=("--no-build"); shift ;;
    -*) echo "pack.sh: unknown option $1" >&2; exit 2 ;;
    *) out="$1"; shift ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$out"
# Every project under src/ that is a library (executables are not packages).
for project in "$root"/src/*/*.csproj; do
  grep -q '<OutputType>Exe</OutputType>' "$project" && continue
  dotnet pack "$project" -c "$config" -o "$out" -nologo -v quiet -clp:ErrorsOnly ${extra[@]+"${extra[@]}"}
done
echo "pack: $(ls "$out"/*.nupkg | wc -l) packages in $out"
