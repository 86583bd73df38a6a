#!/usr/bin/env bash
# Installs what learnrace needs on a Debian machine: only the packages that are missing.
# Used by `make` (README commands) and by .ci/run. Safe to run repeatedly.
set -euo pipefail

APT_PACKAGES=(cmake ninja-build g++ pkg-config librandom123-dev libtomlplusplus-dev libhdf5-dev zlib1g-dev hdf5-tools
              libgtest-dev googletest pybind11-dev clang-format
              libopenmpi-dev openmpi-bin)  # MPI for mpi4py: mpirun -n R learnrace run/sweep (docs/sensitivity.md)
PIP_PACKAGES=(numpy h5py pandas statsmodels scipy matplotlib xarray lifelines tomli-w tqdm SALib
              pytest nbclient nbformat ipykernel scikit-build-core pybind11 mpi4py
              "jax[cpu]" mesa  # jax, mesa: bench/peers (the pyproject extra `peers`)
              pyabc)  # learnrace.infer's ABC-SMC (extra `infer`); torch/sbi (extra `infer-npe`, ~5 GB) are not
                      # installed: their tests skip; docs/inference.md has the command that runs them
# Pinned so `ruff check` / `ruff format --check` give the same verdict everywhere.
RUFF_VERSION=0.17.6

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install_deps: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
pip_missing=()
for p in "${PIP_PACKAGES[@]}"; do
  mod=${p//-/_}
  case "$p" in
    tomli-w) mod=tomli_w ;; scikit-build-core) mod=scikit_build_core ;; ipykernel) mod=ipykernel ;;
    "jax[cpu]") mod=jax ;;
  esac
  "$PY" -c "import $mod" >/dev/null 2>&1 || pip_missing+=("$p")
done
if [ "$("$PY" -m ruff --version 2>/dev/null)" != "ruff $RUFF_VERSION" ]; then pip_missing+=("ruff==$RUFF_VERSION"); fi
if [ ${#pip_missing[@]} -gt 0 ]; then
  echo "install_deps: pip install ${pip_missing[*]}"
  "$PY" -m pip install -q --disable-pip-version-check "${pip_missing[@]}"
fi
