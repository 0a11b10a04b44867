# shellcheck shell=bash
# Shared helpers for the scripts in scripts/. Source it; it sets $ROOT and changes into it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
VENV=$ROOT/.venv
export UV_PROJECT_ENVIRONMENT=$VENV
# A private interpreter assembled by scripts/lib/bootstrap-python314 lives here, shared by clones.
PY314_HOME=${PODERO_PYTHON_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/podero-ha/python3.14}

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# True when $1 is a CPython >= 3.14.2 with the stdlib modules Home Assistant needs.
python_ok() {
  [ -n "$1" ] && [ -x "$1" ] && "$1" -c '
import sys
if sys.version_info < (3, 14, 2): sys.exit(1)
import ssl, sqlite3, venv, ctypes' 2>/dev/null
}

# Print a Python >= 3.14.2: PATH, pyenv, uv-managed, the private build; else install one.
find_python() {
  local cand
  for cand in "${PODERO_PYTHON:-}" "$(command -v python3.14 || true)" "$(command -v python3 || true)"; do
    python_ok "$cand" && { echo "$cand"; return; }
  done
  if command -v pyenv >/dev/null; then
    for cand in "$(pyenv root)"/versions/3.1[4-9]*/bin/python3; do
      python_ok "$cand" && { echo "$cand"; return; }
    done
  fi
  cand=$("$UV" python find --no-project '>=3.14.2' 2>/dev/null || true)
  python_ok "$cand" && { echo "$cand"; return; }
  python_ok "$PY314_HOME/usr/bin/python3.14" && { echo "$PY314_HOME/usr/bin/python3.14"; return; }
  # uv's managed builds come from GitHub; where that is unreachable, fail fast and fall through.
  if timeout 120 "$UV" python install --quiet 3.14 >/dev/null 2>&1; then
    cand=$("$UV" python find --no-project '>=3.14.2' 2>/dev/null || true)
    python_ok "$cand" && { echo "$cand"; return; }
  fi
  "$ROOT/scripts/lib/bootstrap-python314" "$PY314_HOME" 2>/dev/null || return 1
}

# Set $UV to a uv binary: PATH, else a project-local copy installed from PyPI.
ensure_uv() {
  UV=$(command -v uv || true)
  [ -n "$UV" ] && return
  UV=$ROOT/.tools/uv/bin/uv
  [ -x "$UV" ] && return
  local pip_python
  for pip_python in python3 python; do
    command -v "$pip_python" >/dev/null && "$pip_python" -m pip --version >/dev/null 2>&1 && break
    pip_python=
  done
  [ -n "$pip_python" ] || die "uv is missing and no python with pip is available to install it"
  "$pip_python" -m pip install --quiet --disable-pip-version-check --target "$ROOT/.tools/uv" uv >/dev/null 2>&1 \
    || die "could not install uv from PyPI"
}

# True when .venv matches uv.lock (cheap: a stamp written after a successful sync).
venv_current() {
  [ -x "$VENV/bin/python" ] && [ -f "$VENV/.podero-lock-stamp" ] \
    && cmp -s "$VENV/.podero-lock-stamp" <(cat uv.lock pyproject.toml | cksum)
}
