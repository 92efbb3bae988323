#!/usr/bin/env bash
# System packages the test suite needs beyond pip: Open MPI (mpirun, libmpi) for the MPI
# executor's tests. Idempotent: does nothing when mpirun is already there; runs
# `apt-get update` only when the package lists are missing. Needs root (or sudo) and apt;
# elsewhere it says what to install and carries on (the MPI tests then skip, or fail
# under CI=true).
set -euo pipefail

if command -v mpirun >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-system: no apt-get here; install Open MPI (mpirun and its headers) yourself" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "setup-system: not root and no sudo; install openmpi-bin and libopenmpi-dev yourself" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show openmpi-bin >/dev/null 2>&1; then
    $SUDO apt-get update -qq
fi
$SUDO apt-get install -y -qq --no-install-recommends openmpi-bin libopenmpi-dev >/dev/null
echo "setup-system: installed Open MPI ($(mpirun --version | head -1))"
