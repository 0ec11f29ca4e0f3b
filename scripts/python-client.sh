#!/usr/bin/env bash
# The Python publisher package (clients/python, module weaviate_sync) in a venv of its own.
#
#   scripts/python-client.sh install   make target/python-venv (once), pip install the package from
#                                      clients/python with its django, test and typecheck extras
#                                      (versions pinned by clients/python/constraints.txt; the package
#                                      itself is rebuilt every time), print the venv's python
#   scripts/python-client.sh check     install, then mypy --strict over the package and its tests,
#                                      mypy --strict over examples/python (against the installed
#                                      package: proves it ships py.typed), and pytest. The broker tests
#                                      run when WEAVIATE_SYNC_TEST_BOOTSTRAP=host:port is set
#                                      (PythonExampleIT sets it), else they are skipped.
#
# PYTHON (default python3) makes the venv; PYTHON_CLIENT_VENV (default target/python-venv) is where.
# Needs PyPI for the first install and for the build backend (hatchling) of every install.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PKG="$ROOT/clients/python"
VENV="${PYTHON_CLIENT_VENV:-$ROOT/target/python-venv}"
PY="$VENV/bin/python"

log() { echo "[python-client.sh] $*" >&2; }

install() {
  if [[ ! -x "$PY" ]]; then
    local base="${PYTHON:-python3}"
    command -v "$base" >/dev/null || { log "$base is not installed"; exit 1; }
    log "creating $VENV with $("$base" --version 2>&1)"
    mkdir -p "$(dirname "$VENV")"
    "$base" -m venv "$VENV" || { log "'$base -m venv' failed (on Debian: apt-get install python3-venv)"; exit 1; }
  fi
  # Output to stderr: stdout carries only the interpreter's path.
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$PY" -m pip install -q -c "$PKG/constraints.txt" "$PKG[django,test,typecheck]" >&2
  echo "$PY"
}

check() {
  install >/dev/null
  # No bytecode, pytest cache or mypy cache in the work tree.
  export PYTHONDONTWRITEBYTECODE=1 HYPOTHESIS_STORAGE_DIRECTORY="$VENV/hypothesis"
  local cache="$VENV/mypy-cache"
  log "mypy --strict: clients/python (src, tests)"
  (cd "$PKG" && "$PY" -m mypy --cache-dir "$cache")
  log "mypy --strict: examples/python against the installed package"
  (cd "$ROOT/examples/python" && "$PY" -m mypy --strict --cache-dir "$cache" example_view.py)
  log "pytest: clients/python/tests against the installed package"
  (cd "$PKG" && "$PY" -m pytest -p no:cacheprovider -q "$@")
}

cmd="${1:-}"
shift || true
case "$cmd" in
  install) install ;;
  check) check "$@" ;;
  *) echo "usage: $0 install|check [pytest args]" >&2; exit 2 ;;
esac
