#!/usr/bin/env bash
# Prepares what bench/gpu_check.sh needs on a lent GPU machine that reaches neither apt nor PyPI:
#   .deps/include  the header-only libraries (Random123, toml++) copied from this machine
#   .deps/ab-src   the source of the revision gpu_check.sh times against (AB_REV, default 8c65c0a)
#   .deps/REV      this tree's revision (git describe), for the report and the run files' stamp
#                  (cmake/git_describe.cmake reads it where there is no .git)
#   .whl/          wheels of the pure-Python test dependencies missing from the GPU image
#   .deps/bin      with PREBUILD=1: throughput, learnrace_tests and backend_cuda.cu.o built here for sm_90 (needs
#                  nvcc, not a GPU), so that a short device loan need not spend minutes compiling
# .deps and .whl are git-ignored; pass them to the device tool as carry: [".deps", ".whl"]. Then on the device:
#   export JOBS=14 REPEAT=5; bash bench/gpu_check.sh > $OUT/gpu_check.log 2>&1
# or, for a 15-minute loan (bench/gpu_check.sh's QUICK mode, with the binaries of PREBUILD=1 where they start):
#   QUICK=1 PREBUILT=.deps/bin bash bench/gpu_check.sh > $OUT/gpu_check.log 2>&1
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
"$ROOT/scripts/install_deps.sh" >/dev/null

mkdir -p .deps/include
for dir in Random123 toml++; do
  src=/usr/include/$dir
  [ -d "$src" ] || { echo "prepare_device_carry: $src missing (install_deps.sh installs it)" >&2; exit 1; }
  rm -rf ".deps/include/$dir"
  cp -r "$src" .deps/include/
done

# The revision for the report's header and the build's version stamp (the device's copy has no .git).
git describe --always --dirty --tags >.deps/REV

# The A/B baseline of bench/gpu_check.sh: the source of the revision last measured on a GPU
# (AB_REV; 8c65c0a: 1.90e10 dyad-periods/s, bench/results/gpu-NVIDIA-H100-80GB-HBM3-2026-11-22.md).
AB_REV=${AB_REV:-8c65c0a}
rm -rf .deps/ab-src && mkdir -p .deps/ab-src
git archive "$AB_REV" | tar -x -C .deps/ab-src
git rev-parse --short "$AB_REV" >.deps/ab-src/.ab_revision

# The GPU image (seen 2026-11-22) has numpy, pandas, scipy, h5py, statsmodels, matplotlib and pytest, not
# these pure-Python ones (lifelines and what it adds to that list; mesa and tqdm for bench/peers' Mesa test).
# --no-deps keeps .whl small (carry <= 64 MiB). JAX does not fit (jaxlib alone is ~100 MB): on a machine without it
# the JAX tests skip and gpu_check.sh's CUDA engine vs JAX step records that JAX is missing.
rm -rf .whl && mkdir -p .whl
python3 -m pip download -q --disable-pip-version-check --only-binary=:all: --no-deps -d .whl \
  tomli-w lifelines autograd autograd-gamma formulaic interface-meta narwhals wrapt scikit-build-core pybind11 pathspec \
  mesa tqdm
if [ "${PREBUILD:-0}" = 1 ]; then
  cmake -S . -B build-carry -G Ninja -DCMAKE_BUILD_TYPE=Release -DLEARNRACE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
    >/dev/null
  cmake --build build-carry -j "$(nproc)" --target learnrace_tests throughput >/dev/null
  rm -rf .deps/bin && mkdir -p .deps/bin
  cp build-carry/bin/throughput build-carry/bin/learnrace_tests .deps/bin/
  cp "$(find build-carry -name backend_cuda.cu.o | head -1)" .deps/bin/
  cp .deps/REV .deps/bin/REV
fi
du -sh .deps .whl
