#!/usr/bin/env bash
# Installs what SrTrain needs on Debian 12 and builds it. Idempotent: a second run only
# rebuilds what changed. Needs the .NET 10 SDK on PATH; installs the rest with apt-get.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${SRTRAIN_CONFIGURATION:-Release}"

# libtorch (engine), the headers of the oneDNN libtorch links (libdnnl-dev: Winograd convolutions, conv_algorithm),
# OpenCV codecs (image I/O), the toolchain for the native shim, Debian's
# PyTorch/OpenCV/NumPy/PIL that the tests use as the reference implementation (and PyYAML, with which the
# BasicSR restatements in scripts/bench read option files), the one font of
# the report's figures (DejaVu Sans; ScottPlot's SkiaSharp comes from NuGet), ffmpeg for video
# upscaling (`srtrain infer -i clip.mp4`), python3-onnx, whose checker the ONNX export tests run, and
# libgloo-dev, the Gloo headers of c10d's ProcessGroupGloo (distributed training; libtorch_cpu has the code), and
# xz-utils, which scripts/gpu-check.sh packs the GPU check kit with (not in every minimal Debian image), and the
# photos of the demo data (mate-backgrounds, python3-skimage's samples), which the bf16 smoke-schedule test builds.
packages=(libtorch-dev libdnnl-dev libopencv-imgcodecs-dev libpng-dev cmake g++ make python3-torch python3-numpy python3-scipy python3-opencv python3-pil python3-yaml
          fonts-dejavu-core ffmpeg python3-onnx libgloo-dev xz-utils
          mate-backgrounds python3-skimage)

source "$root/scripts/lib/apt-packages.sh"
ensure_packages setup "${packages[@]}"

# Every Python module the tests and tests/fixtures scripts import, with the Debian package that provides it: a module
# that was installed by hand on one machine must not be what makes the suite pass there. Checked by importing it
# with the interpreter the tests use, so a broken or shadowed install is caught too.
declare -A python_modules=([torch]=python3-torch [numpy]=python3-numpy [scipy]=python3-scipy [cv2]=python3-opencv [PIL]=python3-pil
                          [onnx]=python3-onnx [yaml]=python3-yaml)
ensure_python_modules setup /usr/bin/python3 python_modules

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET 10 SDK (dotnet) is required and is not on PATH" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
echo "setup: building SrTrain ($config)"
dotnet build "$root/SrTrain.sln" -c "$config" -nologo -v quiet -clp:ErrorsOnly
