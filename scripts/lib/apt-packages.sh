# Sourced by the set-up scripts: ensure_packages LABEL PKG... installs (with apt-get, as root or
# through sudo) only the Debian packages that are not installed yet, so a second run is instant.
ensure_packages() {
  local label="$1"; shift
  local missing=() p sudo=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "$label: installing ${missing[*]}"
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_python_modules LABEL PYTHON ASSOC_ARRAY_NAME: imports each module (the array's keys) with PYTHON; installs
# the Debian package (the value) of every one that fails, then fails naming any module that still does not import.
ensure_python_modules() {
  local label="$1" python="$2"
  local -n _pm_modules="$3"   # a nameref: the caller's array must not be named _pm_*
  local _pm_m missing=() packages=()
  for _pm_m in "${!_pm_modules[@]}"; do
    "$python" -c "import $_pm_m" >/dev/null 2>&1 || { missing+=("$_pm_m"); packages+=("${_pm_modules[$_pm_m]}"); }
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "$label: Python modules ${missing[*]} do not import with $python; installing ${packages[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  for _pm_m in "${missing[@]}"; do
    if ! "$python" -c "import $_pm_m" >/dev/null 2>&1; then
      echo "$label: Python module '$_pm_m' still does not import with $python after installing ${_pm_modules[$_pm_m]}:" >&2
      "$python" -c "import $_pm_m" >&2 || true
      return 1
    fi
  done
}
