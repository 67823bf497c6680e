#!/usr/bin/env bash
# The GPU check kit (docs/gpu-check.md): SrTrain on CUDA, checked in one prepared call of the device tool.
#   scripts/gpu-check.sh pack            here: build and pack .gpu-kit/srtrain-gpu-kit.tar.xz (fails over the carry limit)
#   scripts/gpu-check.sh run [ARGS]      on the GPU machine: unpack, build libsrtorch against the venv's torch, run the
#                                        steps (scripts/gpu-check/run.py; ARGS go to it, e.g. --budget 480), results in $OUT
#   scripts/gpu-check.sh --cpu-dry-run   here: pack, then run the same steps on the CPU at tiny sizes with only the carried
#                                        .NET runtime (PATH without the SDK), results in .cache/gpu-kit/out
# pack needs what scripts/setup.sh installs (the SDK, the native build, Debian's libpng) and the demo data
# (datasets/demo; made with scripts/make-demo-data.sh when missing). run needs python3 with torch, numpy, cv2 and yaml,
# cmake and a C++ compiler: on the GPU image, /opt/torch/.venv/bin/python3 (or SRTRAIN_GPU_PYTHON).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kit_dir="$root/.gpu-kit"
kit_tar="$kit_dir/srtrain-gpu-kit.tar.xz"
cache="$root/.cache/gpu-kit"
limit_mib=64   # the device tool's carry limit: working tree + carried paths

say() { echo "gpu-check: $*"; }
die() { echo "gpu-check: $*" >&2; exit 1; }

pack() {
  local start=$SECONDS stage="$cache/stage/srtrain-gpu-kit" config="${SRTRAIN_CONFIGURATION:-Release}"
  command -v dotnet >/dev/null || die "pack needs the .NET SDK (dotnet) on PATH"
  rm -rf "$cache/stage" && mkdir -p "$stage"/{app,lib,native,data} "$kit_dir"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

  # srtrain, framework-dependent, linux-x64 only (no other platforms' native assets), no apphost, no symbols.
  say "publishing srtrain"
  dotnet publish "$root/src/SrTrain.Cli/SrTrain.Cli.csproj" -c "$config" -r linux-x64 --self-contained false \
    -p:UseAppHost=false -p:DebugType=none -p:GenerateDocumentationFile=false -o "$stage/app" -nologo -v quiet -clp:ErrorsOnly
  rm -f "$stage/app/libsrtorch.so" "$stage/app/libsrimage.so" "$stage/app"/*.pdb "$stage/app"/*.xml
  # ONNX Runtime (34 MB) serves only `srtrain export`'s check, which the kit does not run.
  rm -f "$stage/app"/libonnxruntime*.so

  # The .NET runtime srtrain targets, from the local install: host, hostfxr, Microsoft.NETCore.App only.
  local dotnet_root fw_version
  dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  fw_version="$(awk -F'"' '/"version"/ {print $4; exit}' "$stage/app/srtrain.runtimeconfig.json")"
  fw_version="$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | grep "^${fw_version%.*}\." | sort -V | tail -n1)"
  [ -n "$fw_version" ] || die "no Microsoft.NETCore.App matching srtrain.runtimeconfig.json under $dotnet_root"
  mkdir -p "$stage/dotnet/shared/Microsoft.NETCore.App" "$stage/dotnet/host"
  cp "$dotnet_root/dotnet" "$stage/dotnet/"
  cp -r "$dotnet_root/host/fxr" "$stage/dotnet/host/"
  cp -r "$dotnet_root/shared/Microsoft.NETCore.App/$fw_version" "$stage/dotnet/shared/Microsoft.NETCore.App/"
  # Not used by srtrain: the debugger's and diagnostics' libraries, createdump.
  rm -f "$stage/dotnet/shared/Microsoft.NETCore.App/$fw_version"/{libmscordbi.so,libmscordaccore.so,createdump,libcoreclrtraceptprovider.so}

  # The image library, PNG only (no OpenCV: it cannot travel), and the libpng/zlib it loads.
  say "building the PNG-only image library"
  cmake -S "$root/src/SrTrain.Torch/native" -B "$cache/image-build" -DCMAKE_BUILD_TYPE=Release \
    -DSRTRAIN_BUILD_TORCH=OFF -DSRTRAIN_IMAGE_OPENCV=OFF >"$cache/image-build.log" 2>&1 || { cat "$cache/image-build.log"; die "cmake (image library) failed"; }
  cmake --build "$cache/image-build" -j"$(nproc)" >>"$cache/image-build.log" 2>&1 || { cat "$cache/image-build.log"; die "image library build failed"; }
  cp "$cache/image-build/libsrimage.so" "$stage/app/"
  local dep
  for dep in libpng16.so.16 libz.so.1; do
    cp -L "$(ldd "$stage/app/libsrimage.so" | awk -v d="$dep" '$1 == d {print $3}')" "$stage/lib/$dep"
  done
  # Same stored values as the OpenCV build (the one the suite tests) on every PNG fixture and the kit's data.
  local opencv_lib="$root/src/SrTrain.Torch/native/build/libsrimage.so"
  if [ -f "$opencv_lib" ]; then
    /usr/bin/python3 "$root/scripts/gpu-check/png_only_check.py" "$opencv_lib" "$stage/app/libsrimage.so" \
      "$root"/tests/fixtures/images/* "$root"/datasets/demo/DIV2K_valid_HR/*.png || die "the PNG-only image library disagrees with the OpenCV build"
  else
    say "warning: $opencv_lib not built (scripts/setup.sh): the PNG-only library was not compared with it"
  fi

  # libsrtorch's sources (compiled there), the Python side, the option files whole_iteration.py reads.
  cp "$root/src/SrTrain.Torch/native/CMakeLists.txt" "$stage/native/"
  cp -r "$root/src/SrTrain.Torch/native/src" "$root/src/SrTrain.Torch/native/image" "$stage/native/"
  mkdir -p "$stage/scripts/gpu-check" "$stage/scripts/bench" "$stage/tests/fixtures" "$stage/options/train/ESRGAN"
  cp "$root"/scripts/gpu-check/{run.py,parity.py} "$stage/scripts/gpu-check/"
  cp "$root"/scripts/bench/{whole_iteration.py,basicsr_train_loop.py,basicsr_loop.py} "$stage/scripts/bench/"
  cp "$root"/tests/fixtures/{archs_ref.py,make_imresize.py,fixture_io.py} "$stage/tests/fixtures/"
  cp "$root"/options/train/ESRGAN/*.yml "$stage/options/train/ESRGAN/"

  # Data: the demo set's x4 sub-images (training) and its 6 validation photos (made from Debian packages' photos).
  local demo="$root/datasets/demo"
  [ -d "$demo/DIV2K_train_HR_sub" ] || "$root/scripts/make-demo-data.sh" "$demo"
  mkdir -p "$stage/data"/{train_HR_sub,train_LR_X4_sub,val_HR,val_LR_X4}
  cp "$demo"/DIV2K_train_HR_sub/*.png "$stage/data/train_HR_sub/"
  cp "$demo"/DIV2K_train_LR_bicubic/X4_sub/*.png "$stage/data/train_LR_X4_sub/"
  cp "$demo"/DIV2K_valid_HR/*.png "$stage/data/val_HR/"
  cp "$demo"/DIV2K_valid_LR_bicubic/X4/*.png "$stage/data/val_LR_X4/"
  git -C "$root" rev-parse HEAD > "$stage/COMMIT" 2>/dev/null || true

  say "compressing $(du -sm "$stage" | cut -f1) MiB"
  rm -f "$kit_tar"
  tar -C "$cache/stage" -cf - srtrain-gpu-kit | xz -T"$(nproc)" -6 > "$kit_tar"
  local kit_bytes tree_bytes total
  kit_bytes=$(stat -c %s "$kit_tar")
  tree_bytes=$(git -C "$root" ls-files -z --cached --others --exclude-standard | (cd "$root" && du -cb --files0-from=- 2>/dev/null) | tail -n1 | cut -f1)
  total=$((kit_bytes + tree_bytes))
  say "packed $kit_tar: $(awk -v b="$kit_bytes" 'BEGIN {printf "%.1f", b / 1048576}') MiB" \
      "(+ working tree $(awk -v b="$tree_bytes" 'BEGIN {printf "%.1f", b / 1048576}') MiB = carry $(awk -v b="$total" 'BEGIN {printf "%.1f", b / 1048576}') MiB of $limit_mib) in $((SECONDS - start))s"
  [ "$total" -le $((limit_mib * 1048576)) ] || die "the carry is over the device tool's $limit_mib MiB"
}

run_kit() {
  local python="$1" device="$2"; shift 2
  [ -f "$kit_tar" ] || die "no $kit_tar: run 'scripts/gpu-check.sh pack' first (here, where the SDK is)"
  local tmp
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/srtrain-gpu-kit.XXXXXX")"
  tar -C "$tmp" -xJf "$kit_tar"
  "$python" "$tmp/srtrain-gpu-kit/scripts/gpu-check/run.py" --kit "$tmp/srtrain-gpu-kit" --device "$device" "$@"
}

case "${1:-}" in
  pack) pack ;;
  run)
    shift
    python="${SRTRAIN_GPU_PYTHON:-/opt/torch/.venv/bin/python3}"
    [ -x "$python" ] || die "no $python (set SRTRAIN_GPU_PYTHON to a python with torch)"
    torch_dir="$("$python" -c 'import torch, os; print(os.path.dirname(torch.__file__))')"
    # The venv's cmake and ninja (pip packages) and CUDA's nvcc, wherever PATH did not already have them.
    export PATH="$PATH:$(dirname "$python"):/usr/local/cuda/bin"
    command -v cmake >/dev/null || die "no cmake on PATH (nor beside $python)"
    out="${OUT:-$root/.cache/gpu-kit/out}"
    run_kit "$python" cuda --out "$out" --torch-dir "$torch_dir" "$@"
    ;;
  --cpu-dry-run)
    shift
    pack
    # The run half with the SDK off PATH: every /usr/bin and /bin tool but dotnet, so only the carried runtime can run.
    bin="$cache/bin-without-dotnet"
    rm -rf "$bin" && mkdir -p "$bin"
    for f in /usr/local/bin/* /usr/bin/* /bin/*; do
      name="$(basename "$f")"
      [ "$name" = dotnet ] || [ -e "$bin/$name" ] || ln -s "$f" "$bin/$name"
    done
    out="$cache/out"
    rm -rf "$out"
    # Debian's libtorch (no SRTRAIN_LIBTORCH), Debian's python3 with torch 1.13 as the reference.
    env -u DOTNET_ROOT PATH="$bin" SRTRAIN_LIBTORCH= bash -c '! command -v dotnet >/dev/null || { echo "gpu-check: dotnet still on PATH" >&2; exit 1; }' || exit 1
    env -u DOTNET_ROOT PATH="$bin" SRTRAIN_LIBTORCH= TMPDIR="$cache" \
      bash -c "$(declare -f run_kit die); kit_tar='$kit_tar'; run_kit /usr/bin/python3 cpu --out '$out' --dry-run --budget 1500 $*"
    ;;
  *) echo "usage: $0 pack | run [run.py args] | --cpu-dry-run [run.py args]" >&2; exit 2 ;;
esac
