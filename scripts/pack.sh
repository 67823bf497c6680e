#!/usr/bin/env bash
# Packs SrTrain's library projects as NuGet packages, all of one version (Directory.Build.props), into
# artifacts/packages/ (or $1): a local folder feed that a research project outside the solution restores from
# (see examples/). Builds the native shim first when needed; needs what scripts/setup.sh installs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/artifacts/packages}"
config="${SRTRAIN_CONFIGURATION:-Release}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$out"
# Every project under src/ that is a library (executables are not packages).
for project in "$root"/src/*/*.csproj; do
  grep -q '<OutputType>Exe</OutputType>' "$project" && continue
  dotnet pack "$project" -c "$config" -o "$out" -nologo -v quiet -clp:ErrorsOnly
done
echo "pack: $(ls "$out"/*.nupkg | wc -l) packages in $out"
