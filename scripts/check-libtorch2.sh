#!/usr/bin/env bash
# Compiles every native shim source (src/SrTrain.Torch/native/src/*.cpp, and the image library's
# native/image/*.cpp, which needs no libtorch but must stay free of it) against Debian 13's
# libtorch 2.x headers with `g++ -std=c++17 -fsyntax-only`, so an API that moved between
# libtorch 1.13 (Debian 12, what the build links) and 2.x (Debian 13, PyTorch's own builds)
# fails here rather than on a GPU machine. docs/libtorch-versions.md lists the moves found.
#
# Fetching: Debian 13 (`trixie`) `libtorch-dev` comes from the Debian mirror this machine's apt
# already uses, through apt's own options: a private sources list, apt.conf, lists, cache and
# state under the cache folder (apt-get -c), then `dpkg -x` into <cache>/root. The system's apt
# configuration, lists and installed packages are not touched. libtorch-dev alone holds every
# header the shim reaches (its Depends python3-dev and libprotobuf-dev are not included by
# ATen/ATen.h or the autograd headers); the check below fails if a header the shim pulls
# in comes from a system package other than libc, libstdc++, OpenCV, libpng, zlib or oneDNN (libdnnl-dev, 2.x: the
# Winograd convolutions, compiled here with SRT_WITH_ONEDNN), which
# would mean another -dev package must be fetched too (add it to PACKAGES).
#
# Cache: .cache/libtorch2/ (git-ignored), or $SRTRAIN_LIBTORCH2_CACHE. A rerun with the same
# package list skips the fetch; `--refetch` forces it. Timings on 2 busy cores: fetch 10-20 s
# (10 MB of package lists, a 2.4 MB .deb), compiling 85-140 s; the folder takes 76 MB.
#
# Usage: bash scripts/check-libtorch2.sh [--refetch] [-jN]   (default -j2)
# Prints one line per file (OK, or its errors) and a closing 'libtorch2: ...' line; exits
# non-zero on any compile error or leaked header.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PACKAGES=(libtorch-dev)
SUITE=trixie
jobs=2 refetch=0
for arg in "$@"; do
  case "$arg" in
    --refetch) refetch=1 ;;
    -j[0-9]*) jobs="${arg#-j}" ;;
    *) echo "usage: $0 [--refetch] [-jN]" >&2; exit 2 ;;
  esac
done

cache="$(realpath -m "${SRTRAIN_LIBTORCH2_CACHE:-.cache/libtorch2}")"
root="$cache/root" apt_dir="$cache/apt"
stamp="$cache/fetched"
want="$SUITE ${PACKAGES[*]}"

# The Debian mirror of this machine's apt sources (deb822 .sources or one-line .list).
debian_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '/^URIs:/ {u=$2} /^Suites:/ {s=$0} /^$/ {if (u ~ /\/debian\/?$/ && s !~ /security/) {print u; exit} u=""; s=""}
         END {if (u ~ /\/debian\/?$/ && s !~ /security/) print u}' "$f" | head -n1
  done
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\/.*\/debian\/?$/) {print $i; exit}}'
}

fetch() {
  local mirror
  mirror="$(debian_mirror | head -n1)"
  if [ -z "$mirror" ]; then
    echo "libtorch2: no Debian mirror found in /etc/apt/sources.list{,.d}" >&2
    return 1
  fi
  rm -rf "$root" "$cache/debs" "$stamp"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/state" "$cache/debs" "$root"
  : > "$apt_dir/state/status"   # an empty dpkg status: nothing counts as installed
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $SUITE main" > "$apt_dir/sources.list"
  # Read after /etc/apt/apt.conf.d (apt-get -c), so it overrides the system's paths and drops its
  # update/dpkg hooks (cache cleaning, AppStream refresh), which would act on the system.
  cat > "$apt_dir/apt.conf" <<EOF
Dir::Etc::SourceList "$apt_dir/sources.list";
Dir::Etc::SourceParts "/dev/null";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "/dev/null";
Dir::State "$apt_dir/state";
Dir::State::Lists "$apt_dir/lists";
Dir::State::status "$apt_dir/state/status";
Dir::Cache "$apt_dir/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Sandbox::User "root";
Acquire::Languages "none";
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
#clear DPkg::Post-Invoke;
#clear Acquire::IndexTargets::deb::DEP-11;
#clear Acquire::IndexTargets::deb::DEP-11-icons-small;
#clear Acquire::IndexTargets::deb::DEP-11-icons;
#clear Acquire::IndexTargets::deb::DEP-11-icons-hidpi;
#clear Acquire::IndexTargets::deb::DEP-11-icons-large;
#clear Acquire::IndexTargets::deb::DEP-11-icons-large-hidpi;
EOF
  apt-get -q -c "$apt_dir/apt.conf" update >"$cache/apt-update.log" 2>&1 ||
    { cat "$cache/apt-update.log" >&2; return 1; }
  (cd "$cache/debs" && apt-get -q -c "$apt_dir/apt.conf" download "${PACKAGES[@]}") >"$cache/apt-download.log" 2>&1 ||
    { cat "$cache/apt-download.log" >&2; return 1; }
  local deb
  for deb in "$cache"/debs/*.deb; do dpkg -x "$deb" "$root" || return 1; done
  echo "$want" > "$stamp"
}

start=$SECONDS
if [ "$refetch" -eq 1 ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "libtorch2: fetching ${PACKAGES[*]} ($SUITE) into $cache"
  fetch || { echo "libtorch2: FAILED (fetch)"; exit 1; }
  echo "libtorch2: fetched $(ls "$cache"/debs/*.deb | wc -l) package(s) in $((SECONDS - start))s"
fi
version_h="$root/usr/include/torch/csrc/api/include/torch/version.h"
version="$(awk '/define TORCH_VERSION_(MAJOR|MINOR|PATCH)/ {v = v (v == "" ? "" : ".") $3} END {print v}' "$version_h" 2>/dev/null)"
[ -n "$version" ] || { echo "libtorch2: FAILED (no torch/version.h under $root)"; exit 1; }

# libtorch 2.x needs C++17 (as the CMake build sets); OpenCV, libpng and oneDNN come from the system.
export LT2_ROOT="$root" LT2_OUT="$cache/out"
rm -rf "$LT2_OUT" && mkdir -p "$LT2_OUT"
compile_one() {
  local src="$1" name
  name="$(basename "$src" .cpp)"
  if g++ -std=c++17 -fsyntax-only -MD -MF "$LT2_OUT/$name.d" \
      -I"$LT2_ROOT/usr/include" -I"$LT2_ROOT/usr/include/torch/csrc/api/include" \
      -I/usr/include/opencv4 -DSRT_IMAGE_OPENCV -DSRT_WITH_ONEDNN -Wall -Wno-unused-parameter "$src" >"$LT2_OUT/$name.log" 2>&1; then
    echo ok > "$LT2_OUT/$name.rc"
  else
    echo error > "$LT2_OUT/$name.rc"
  fi
}
export -f compile_one
sources=(src/SrTrain.Torch/native/src/*.cpp src/SrTrain.Torch/native/image/*.cpp)
printf '%s\n' "${sources[@]}" | nice xargs -P "$jobs" -I{} bash -c 'compile_one "$1"' _ {}

failed=0 warned=0
for src in "${sources[@]}"; do
  name="$(basename "$src" .cpp)"
  if [ "$(cat "$LT2_OUT/$name.rc" 2>/dev/null)" = ok ]; then
    if grep -q 'warning:' "$LT2_OUT/$name.log"; then
      warned=$((warned + 1))
      echo "libtorch2: $name.cpp OK (warnings)"
      grep 'warning:' "$LT2_OUT/$name.log" | sed 's/^/    /'
    else
      echo "libtorch2: $name.cpp OK"
    fi
  else
    failed=$((failed + 1))
    echo "libtorch2: $name.cpp ERRORS"
    grep -E 'error:|fatal error:' "$LT2_OUT/$name.log" | head -n 20 | sed 's/^/    /'
  fi
done

# Headers outside the private root must belong to the toolchain or the system libraries the shim
# uses directly; anything else means the 2.x headers fell through to a system (1.13-era) header.
mapfile -t sys_headers < <(cat "$LT2_OUT"/*.d 2>/dev/null | tr ' \\' '\n\n' | grep '^/usr/include/' | xargs -r realpath -sm | sort -u)
leaked=0
if [ "${#sys_headers[@]}" -gt 0 ]; then
  while IFS= read -r line; do
    pkg="${line%%: *}" pkg="${pkg%%:*}"
    case "$pkg" in
      libc6-dev|linux-libc-dev|libstdc++-*-dev|libgcc-*-dev|libopencv-*-dev|libpng-dev|zlib1g-dev|libdnnl-dev) ;;
      *) leaked=$((leaked + 1)); echo "libtorch2: header from system package: $line" ;;
    esac
  done < <(dpkg -S "${sys_headers[@]}" 2>&1 | sed -E 's/^dpkg-query: no path found matching pattern /unowned: /' |
           awk -F': ' '{split($1, p, ", "); for (i in p) print p[i] ": " $2}' | sort -u -t: -k1,1)
fi

elapsed=$((SECONDS - start))
if [ "$failed" -gt 0 ] || [ "$leaked" -gt 0 ]; then
  echo "libtorch2: FAILED against libtorch $version: ${#sources[@]} files, $failed with errors, $leaked foreign system headers (${elapsed}s)"
  exit 1
fi
echo "libtorch2: OK against libtorch $version: ${#sources[@]} files compiled, $warned with warnings (${elapsed}s)"
