#!/usr/bin/env bash
# Builds the tiny DIV2K-shaped demo tree under datasets/demo/ (or $1) from photographs shipped in
# Debian packages, so the quickstart needs no download:
#   training HR  <- mate-backgrounds' nature photos (/usr/share/backgrounds/mate/nature, GPL-2+)
#   validation   <- scikit-image's CC0 / public-domain sample photos (python3-skimage)
# then HR sub-images, MATLAB-bicubic LR x2/x3/x4 and meta_info, through SrTrain.Data's preparation
# API (SrTrain.Data.Preparation.DemoData.Build). Idempotent: a complete tree is left as it is.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/datasets/demo}"

if [ -f "$out/DEMO_DATA.txt" ]; then
  echo "make-demo-data: $out is complete"
  exit 0
fi

packages=(mate-backgrounds python3-skimage)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "make-demo-data: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# A one-file .NET program over the preparation API (kept under obj/, which git ignores).
app="$root/obj/make-demo-data"
mkdir -p "$app"
cat > "$app/MakeDemoData.cs" <<CS
#:project $root/src/SrTrain.Data/SrTrain.Data.csproj
#:property PublishAot=false
using SrTrain.Data.Preparation;

var start = DateTime.UtcNow;
var last = "";
bool built = DemoData.Build(args[0], p =>
{
    if (p.Done == p.Total && p.Stage != last) { last = p.Stage; Console.WriteLine(\$"  {p.Stage}: {p.Total} done"); }
});
Console.WriteLine(built ? \$"make-demo-data: built {args[0]} in {(DateTime.UtcNow - start).TotalSeconds:F0} s" : \$"make-demo-data: {args[0]} is complete");
CS
dotnet run --file "$app/MakeDemoData.cs" -- "$out"
