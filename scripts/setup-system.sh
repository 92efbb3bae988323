#!/usr/bin/env bash
# System packages the test suite needs beyond pip: Open MPI (mpirun, libmpi) for the MPI
# executor's tests, and Chromium with its driver for the dashboard's browser tests.
# Idempotent: installs only what is missing; runs `apt-get update` only when the package
# lists lack a package. Needs root (or sudo) and apt; elsewhere it says what to install and
# carries on (those tests then skip, or fail under CI=true).
set -euo pipefail

missing=()
command -v mpirun >/dev/null 2>&1 || missing+=(openmpi-bin libopenmpi-dev)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-system: no apt-get here; install ${missing[*]} yourself" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "setup-system: not root and no sudo; install ${missing[*]} yourself" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
for pkg in "${missing[@]}"; do
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
        $SUDO apt-get update -qq
        break
    fi
done
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-system: installed ${missing[*]}"
