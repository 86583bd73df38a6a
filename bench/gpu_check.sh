#!/usr/bin/env bash
# One command for a lent GPU machine (H100/H200, sm_90): build the CUDA backend, run the GPU tests,
# the throughput benchmark (1e6, 1e7, 1e8 dyads x 100 periods per kernel), an A/B against an older
# build, ncu counters (instructions per dyad-period, issue-slot use, occupancy), the kernels'
# resource usage, compute-sanitizer on small runs and the Python tests; writes
# bench/results/gpu-<device>-<date>.md, into $OUT when set. The most important steps come first and
# the report is rewritten after each phase, so a run cut short by the machine's time limit keeps them.
# Every step's failure is recorded in the report; the remaining steps still run. For a machine that
# reaches neither apt nor PyPI, run scripts/prepare_device_carry.sh first and carry .deps and .whl.
#
# Environment: OUT (where the report and logs go), BUILD (build dir, default build-gpu),
# SIZES (default "1e6 1e7 1e8"), REPEAT (default 5), JOBS (default nproc), DETAIL=1 (also export
# ncu per-instruction source counters of the propositional kernel), SKIP_TESTS=1, SKIP_NCU=1,
# SKIP_PYTHON=1 (no pip install + pytest), SKIP_PEERS=1 (no CUDA engine vs JAX step; PEERS_DYADS, default
# "1e6 1e7", and PEERS_REPEAT, default 2, size it), AB_SRC (older source tree of the A/B build timed against
# the main one; default .deps/ab-src when present), AB_FLAGS (else: this tree with these compiler
# flags); both empty: no A/B. STUDY_N (default 1024) and STUDY_FRACTION (default 1) size the study step
# (bench/study_bench.py: a Saltelli design of 6 parameters, N (2k + 2) points x 10,000 dyads x 100 periods);
# INFER_POINTS (default 100000) and INFER_FRACTION (default 1) the inference simulator step (bench/infer_bench.py);
# POINTS (default 1e5) and POINT_DYADS (default 1000) the points-scaling step (throughput --points).
#
# QUICK=1: the checks that fit a 15-minute device loan: only the two C++ targets built (no Python package, no A/B),
# CUDA vs CPU (GpuBackend.*), throughput at 1e8 dyads (REPEAT 3), the CPU's AVX-512 path, ncu counters;
# no 1e9, points-scaling, study, inference, peers, sanitizer or remaining-tests steps. PREBUILT=DIR: use the
# throughput and learnrace_tests binaries (and backend_cuda.cu.o) in DIR instead of building, when they start here
# (scripts/prepare_device_carry.sh with PREBUILD=1 makes .deps/bin on a machine with nvcc):
#   QUICK=1 PREBUILT=.deps/bin OUT=$OUT bash bench/gpu_check.sh
#
# `bash bench/gpu_check.sh --dry-run` (or DRY_RUN=1) prints every step's command and runs none (the report
# goes to build-gpu/gpu-check-dry/, not bench/results/).
set -u
[ "${1:-}" = --dry-run ] && DRY_RUN=1
DRY_RUN=${DRY_RUN:-0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
BUILD=${BUILD:-$ROOT/build-gpu}
if [ "$DRY_RUN" = 1 ]; then OUTDIR=${OUT:-$BUILD/gpu-check-dry}; else OUTDIR=${OUT:-$ROOT/bench/results}; fi
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then # defaults of the short check; each can still be set
  SIZES=${SIZES:-1e8}
  REPEAT=${REPEAT:-3}
  SKIP_PYTHON=${SKIP_PYTHON:-1}
  SKIP_PEERS=${SKIP_PEERS:-1}
  AB_SRC=${AB_SRC-}
fi
SIZES=${SIZES:-"1e6 1e7 1e8"}
REPEAT=${REPEAT:-5}
JOBS=${JOBS:-$(nproc)}
WORK=$BUILD/gpu-check
mkdir -p "$OUTDIR" "$WORK"
rm -f "$WORK"/*.status "$WORK"/*.txt "$WORK"/*.csv "$WORK"/*.log
LOG=$WORK/steps.log
: >"$LOG"

DEVICE=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)
DEVICE=${DEVICE:-unknown-gpu}
SLUG=$(printf '%s' "$DEVICE" | tr -c 'A-Za-z0-9' '-' | tr -s '-' | sed 's/^-//; s/-$//')
DATE=$(date +%F)
REPORT=$OUTDIR/gpu-$SLUG-$DATE.md

# step NAME CMD...: runs CMD (at most $TMO seconds, default 300) with its output in $WORK/NAME.log,
# records ok / failed (rc; 124 = timed out) and the time taken.
step() {
  local name=$1
  shift
  local t0=$SECONDS
  echo "== $name: $*" | tee -a "$LOG"
  if [ "$DRY_RUN" = 1 ]; then
    echo "dry run" >"$WORK/$name.status"
    return 0
  fi
  timeout "${TMO:-300}" "$@" >"$WORK/$name.log" 2>&1
  local rc=$?
  local dt=$((SECONDS - t0))
  if [ $rc -eq 0 ]; then echo "ok ${dt}s" >"$WORK/$name.status"; else echo "FAILED rc=$rc ${dt}s" >"$WORK/$name.status"; fi
  echo "   -> $(cat "$WORK/$name.status")" | tee -a "$LOG"
  return $rc
}

# --- environment ---
{
  echo "device: $DEVICE"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.sm,power.limit --format=csv 2>&1
  nvcc --version 2>&1 | tail -2
  cmake --version 2>&1 | head -1
  echo "revision: ${REV:-$(cat "$ROOT/.deps/REV" 2>/dev/null || git -C "$ROOT" describe --always --dirty --tags 2>/dev/null || echo unknown)}"
  echo "cpu cores: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cpu avx512: $(grep -m1 -ow 'avx512[a-z]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
} >"$WORK/env.txt" 2>&1

# --- report (rewritten after every phase, so a run cut short still leaves one) ---
report() {
  python3 "$ROOT/bench/gpu_report.py" "$WORK" "$REPORT" "$DEVICE" "$DATE" >>"$LOG" 2>&1
  cp "$LOG" "$OUTDIR/gpu-check-steps.log" 2>/dev/null
  # All logs in one file (the lent machine returns at most a few files).
  [ -n "${OUT:-}" ] && tar czf "$OUTDIR/gpu-check-logs.tar.gz" -C "$WORK" . 2>/dev/null
  return 0
}

# --- A/B set-up: a second build timed alternately with the main one (propositional, 1e8 dyads).
# B is AB_SRC, an older source tree (default .deps/ab-src: scripts/prepare_device_carry.sh exports the
# revision last measured on a GPU there), else this tree built with AB_FLAGS (e.g. -DSOME_VARIANT).
# Neither: no A/B.
AB_SRC=${AB_SRC-$ROOT/.deps/ab-src}
AB_FLAGS=${AB_FLAGS-}
AB_WHAT=
if [ -n "$AB_SRC" ] && [ -f "$AB_SRC/CMakeLists.txt" ]; then
  AB_ROOT=$AB_SRC
  AB_FLAGS=
  AB_WHAT="the source tree of revision $(cat "$AB_SRC/.ab_revision" 2>/dev/null || echo "? ($AB_SRC)")"
elif [ -n "$AB_FLAGS" ]; then
  AB_ROOT=$ROOT
  AB_WHAT="this tree built with \`$AB_FLAGS\`"
fi
[ -n "$AB_WHAT" ] && echo "$AB_WHAT" >"$WORK/ab_what.txt"
PYTHON_TESTS=1
[ "${SKIP_TESTS:-0}" = 1 ] || [ "${SKIP_PYTHON:-0}" = 1 ] && PYTHON_TESTS=0

# --- builds: the main one, the A/B one and the Python package's, all at once (each has one long
# CUDA translation unit, so together they take little longer than one); nothing is timed before all end.
EXTRA_INC=$ROOT/.deps/include
BG=()
if [ -n "$AB_WHAT" ]; then
  (
    [ "$DRY_RUN" = 1 ] || rm -rf "$BUILD-ab" # it may hold a build of the other kind of B (CMake refuses a second source tree)
    step ab_configure cmake -S "$AB_ROOT" -B "$BUILD-ab" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLEARNRACE_CUDA=ON \
      -DCMAKE_CUDA_ARCHITECTURES=90 -DLEARNRACE_EXTRA_INCLUDE="$EXTRA_INC" -DCMAKE_CUDA_FLAGS="$AB_FLAGS" \
      -DCMAKE_CXX_FLAGS="$AB_FLAGS" >/dev/null &&
      step ab_build cmake --build "$BUILD-ab" -j "$JOBS" --target throughput >/dev/null
  ) &
  BG+=($!)
fi
if [ "$PYTHON_TESTS" = 1 ]; then
  (
    if [ -d "$ROOT/.whl" ]; then # wheels a session carried for a machine without PyPI
      # only the distributions the image lacks; a wheel for another Python version is skipped, not fatal
      step python_wheels bash -c 'for w in "$1"/.whl/*.whl; do
          d=$(basename "$w" | cut -d- -f1)
          python3 -c "import importlib.metadata as m, sys; m.version(sys.argv[1])" "$d" 2>/dev/null && continue
          python3 -m pip install -q --no-index --no-deps "$w" || echo "skipped $w"
        done' _ "$ROOT" >/dev/null
    fi
    # The package built with CUDA; the `backend` fixture of tests/python runs each such case on cpu and on cuda.
    TMO=600 step python_install env CMAKE_ARGS="-DLEARNRACE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
-DLEARNRACE_EXTRA_INCLUDE=$EXTRA_INC" python3 -m pip install -q --no-build-isolation --no-deps "$ROOT" >/dev/null
  ) &
  BG+=($!)
fi
PREBUILT=${PREBUILT:-}
if [ -n "$PREBUILT" ] && [ -x "$PREBUILT/throughput" ] && [ -x "$PREBUILT/learnrace_tests" ] &&
  "$PREBUILT/learnrace_tests" --gtest_list_tests >/dev/null 2>&1; then
  echo "binaries: prebuilt, $PREBUILT ($(cat "$PREBUILT/REV" 2>/dev/null || echo "revision unknown"))" >>"$WORK/env.txt"
  BIN_ROOT=$PREBUILT
  TP=$PREBUILT/throughput
  TESTS=$PREBUILT/learnrace_tests
else
  [ -n "$PREBUILT" ] && echo "binaries: $PREBUILT does not start here; built instead" >>"$WORK/env.txt"
  TARGETS=()
  [ "$QUICK" = 1 ] && TARGETS=(--target learnrace_tests throughput)
  step configure cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLEARNRACE_CUDA=ON \
    -DCMAKE_CUDA_ARCHITECTURES=90 -DLEARNRACE_EXTRA_INCLUDE="$EXTRA_INC"
  step build cmake --build "$BUILD" -j "$JOBS" "${TARGETS[@]}"
  BIN_ROOT=$BUILD
  TP=$BUILD/bin/throughput
  TESTS=$BUILD/bin/learnrace_tests
fi
[ ${#BG[@]} -gt 0 ] && wait "${BG[@]}"

# --- resource usage (registers, spills, shared memory) and static SASS ---
OBJ=$(find "$BIN_ROOT" -name 'backend_cuda.cu.o' 2>/dev/null | head -1) # the object of the binaries that run
AB_OBJ=$BUILD-ab/kernels/CMakeFiles/learnrace_backends.dir/backend_cuda.cu.o
if [ -n "$OBJ" ]; then
  step resources cuobjdump --dump-resource-usage "$OBJ"
  step sass python3 "$ROOT/bench/sass_report.py" "$OBJ" --top 6 --lines 6
  [ -n "$AB_WHAT" ] && step ab_sass python3 "$ROOT/bench/sass_report.py" "$OBJ" --baseline "$AB_OBJ" --top 0
else
  echo "FAILED (no backend_cuda.cu.o)" >"$WORK/resources.status"
fi

# --- GPU correctness first: every output equal to the CPU backend's ---
[ "${SKIP_TESTS:-0}" != 1 ] && TMO=240 step gpu_tests "$TESTS" --gtest_filter='GpuBackend.*'
report

# --- throughput ---
for kernel in propositional strategic; do
  for n in $SIZES; do
    TMO=120 step "throughput_${kernel}_$n" "$TP" --backend cuda --kernel $kernel --dyads "$n" --periods 100 --repeat "$REPEAT"
    grep '^backend=' "$WORK/throughput_${kernel}_$n.log" >>"$WORK/throughput.txt"
  done
done
# 1e9 dyads in one run (10 chunks of 1e8, each split into launches): memory does not grow with dyads.
if [ "$QUICK" != 1 ]; then
  TMO=120 step throughput_propositional_1e9 "$TP" --backend cuda --kernel propositional --dyads 1e9 --periods 100 \
    --chunk 1e8 --repeat 1 --warmup 0
  grep '^backend=' "$WORK/throughput_propositional_1e9.log" >>"$WORK/throughput.txt"
fi
step throughput_cpu_propositional "$TP" --backend cpu --kernel propositional --dyads 1e6 --periods 100 --repeat 3
grep '^backend=' "$WORK/throughput_cpu_propositional.log" >>"$WORK/throughput.txt"
# The CPU's 16-lane (AVX-512) path, which the development and CI machines (AVX2 only) cannot run: its tests, and its
# speed on one thread against the 8-lane (AVX2) and scalar paths of the same build (issue 18 item 7). The lent
# machines' CPUs usually have AVX-512; where this one does not, the step is skipped and says so.
if [ "$DRY_RUN" = 1 ] || { grep -qw avx512f /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo &&
  grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo; }; then
  # Golden reads data/reference at the build's source path: not where prebuilt binaries run
  AVX512_TESTS='CpuSimd*:Golden*:Determinism*'
  [ "$BIN_ROOT" = "$BUILD" ] || AVX512_TESTS='CpuSimd*:Determinism*'
  [ "${SKIP_TESTS:-0}" != 1 ] && step cpu_avx512_tests "$TESTS" --gtest_filter="$AVX512_TESTS"
  for lanes in 16 8 1; do
    for kernel in propositional strategic; do
      step "throughput_cpu_lanes${lanes}_$kernel" env LEARNRACE_CPU_LANES=$lanes "$TP" --backend cpu --kernel $kernel \
        --dyads 2e5 --periods 100 --threads 1 --repeat 3
      grep '^backend=' "$WORK/throughput_cpu_lanes${lanes}_$kernel.log" 2>/dev/null >>"$WORK/throughput.txt"
    done
  done
else
  echo "skipped: this CPU has no AVX-512 (F, DQ, BW, VL)" >"$WORK/cpu_avx512_tests.status"
fi

# --- points scaling (issue 22): 1e5 points x 1,000 dyads in one run (the streamed kernel: parameters in global
# memory, a warp per point) against one point of 1e8 dyads, both with inference's lean output settings, and the same
# many-point run forced onto the constant-memory block path (LEARNRACE_CUDA_STREAMED=0: 48 points per launch), the
# path before. POINTS (default 1e5) and POINT_DYADS (default 1000) size it; ncu times the kernels alone (the runs'
# seconds include the count arrays' transfer and merge: about 64 KiB per point). Goal: >= 80% of the single rate. ---
if [ "$QUICK" != 1 ]; then
  POINTS=${POINTS:-1e5}
  POINT_DYADS=${POINT_DYADS:-1000}
  for kernel in propositional strategic; do
    TMO=180 step "points_single_$kernel" "$TP" --backend cuda --kernel $kernel --lean 1 --points 1 --dyads 1e8 \
      --periods 100 --repeat 3
    TMO=300 step "points_many_$kernel" "$TP" --backend cuda --kernel $kernel --lean 1 --points "$POINTS" \
      --dyads "$POINT_DYADS" --periods 100 --repeat 3
    for what in single many; do
      grep '^backend=' "$WORK/points_${what}_$kernel.log" 2>/dev/null | sed "s/^/run=$what /" >>"$WORK/points.txt"
    done
  done
  TMO=600 step points_many_blocks env LEARNRACE_CUDA_STREAMED=0 "$TP" --backend cuda --kernel propositional --lean 1 \
    --points "$POINTS" --dyads "$POINT_DYADS" --periods 100 --repeat 1 --warmup 0
  grep '^backend=' "$WORK/points_many_blocks.log" 2>/dev/null | sed "s/^/run=many_blocks /" >>"$WORK/points.txt"
  if [ "${SKIP_NCU:-0}" != 1 ]; then
    step ncu_points_single ncu --kernel-name regex:dyad_kernel --metrics gpu__time_duration.sum --csv \
      --print-units base --log-file "$WORK/ncu_points_single.csv" "$TP" --backend cuda --kernel propositional \
      --lean 1 --points 1 --dyads 1e8 --periods 100 --repeat 1 --warmup 0
    step ncu_points_many ncu --kernel-name regex:streamed_kernel --metrics gpu__time_duration.sum --csv \
      --print-units base --log-file "$WORK/ncu_points_many.csv" "$TP" --backend cuda --kernel propositional --lean 1 \
      --points "$POINTS" --dyads "$POINT_DYADS" --periods 100 --repeat 1 --warmup 0
  fi
fi
report

# --- a study (bench/study_bench.py through learnrace.study, the package built with CUDA above): a Saltelli design
# of 6 parameters at N = 1024 (14,336 points) x 10,000 dyads x 100 periods; points per second and the fraction of
# the single-experiment dyad-period rate that the study reaches (goal: >= 80%). ---
if [ "$PYTHON_TESTS" = 1 ]; then
  TMO=420 step study_gpu python3 "$ROOT/bench/study_bench.py" --backend cuda --n "${STUDY_N:-1024}" \
    --fraction "${STUDY_FRACTION:-1}" --out "$WORK/study_gpu.md"
  report
  # --- inference's batched simulator (bench/infer_bench.py): 1e5 parameter points x 1,000 dyads drawn from a prior,
  # reduced to summary statistics per block, against one experiment of as many dyads per round; goal >= 80% of the
  # single-experiment dyad-period rate. INFER_POINTS (default 100000) and INFER_FRACTION (default 1) size it. ---
  TMO=420 step infer_gpu python3 "$ROOT/bench/infer_bench.py" --backend cuda --points "${INFER_POINTS:-100000}" \
    --fraction "${INFER_FRACTION:-1}" --single 16777216 --rounds 2 --out "$WORK/infer_gpu.md"
  report
fi

# --- A/B timing, the two builds alternating ---
if [ -n "$AB_WHAT" ]; then
  for round in 1 2; do
    for variant in main ab; do
      bin=$TP
      [ $variant = ab ] && bin=$BUILD-ab/bin/throughput
      TMO=120 step "ab_${variant}_$round" "$bin" --backend cuda --kernel propositional --dyads 1e8 --periods 100 \
        --repeat 3
      grep '^backend=' "$WORK/ab_${variant}_$round.log" | sed "s/^/variant=$variant round=$round /" >>"$WORK/ab.txt"
    done
  done
fi
report

# --- peers: the CUDA engine vs JAX on the same GPU, same dyads and periods (bench/run_peers.py --gpu). It needs
# JAX's GPU backend (jax[cuda12]) on the machine; without it the step records why and passes. The engine runs as
# `learnrace run` (python3 -m learnrace.cli) of the package built with CUDA above. ---
if [ "${SKIP_PEERS:-0}" != 1 ] && [ "$PYTHON_TESTS" = 1 ]; then
  # shellcheck disable=SC2086 # PEERS_DYADS is a list
  TMO=420 step peers_gpu python3 "$ROOT/bench/run_peers.py" --gpu \
    --dyads ${PEERS_DYADS:-1e6 1e7} --repeat "${PEERS_REPEAT:-2}" --out "$WORK/peers_gpu.md"
  report
fi

# --- ncu: instructions, issue-slot use, occupancy of one launch (1e7 dyads x 100 periods) ---
METRICS=smsp__thread_inst_executed.sum,smsp__inst_executed.sum,sm__inst_issued.avg.pct_of_peak_sustained_active
METRICS=$METRICS,smsp__issue_active.avg.pct_of_peak_sustained_active,sm__warps_active.avg.pct_of_peak_sustained_active
METRICS=$METRICS,sm__maximum_warps_per_active_cycle_pct,launch__registers_per_thread,launch__occupancy_limit_registers
METRICS=$METRICS,launch__occupancy_limit_shared_mem,smsp__thread_inst_executed_per_inst_executed.ratio
METRICS=$METRICS,gpu__time_duration.sum,launch__grid_size,launch__block_size,sm__cycles_elapsed.avg.per_second
if [ "${SKIP_NCU:-0}" != 1 ]; then
  for kernel in propositional strategic; do
    n=1e7
    [ $kernel = strategic ] && n=2e6
    step "ncu_$kernel" ncu --kernel-name regex:dyad_kernel --launch-count 1 --metrics "$METRICS" --csv \
      --print-units base --log-file "$WORK/ncu_$kernel.csv" \
      "$TP" --backend cuda --kernel $kernel --dyads $n --periods 100 --repeat 1 --warmup 0
  done
  if [ "${DETAIL:-0}" = 1 ]; then
    step ncu_detail ncu --kernel-name regex:dyad_kernel --launch-count 1 --section SpeedOfLight \
      --section Occupancy --section SchedulerStats --section WarpStateStats --section InstructionStats \
      --section ComputeWorkloadAnalysis --section SourceCounters --section LaunchStats --import-source no \
      -f -o "$WORK/prop_detail" "$TP" --backend cuda --kernel propositional --dyads 1e7 --periods 100 --repeat 1 \
      --warmup 0
    step ncu_detail_text ncu -i "$WORK/prop_detail.ncu-rep" --print-details all
    step ncu_detail_sass ncu -i "$WORK/prop_detail.ncu-rep" --page source --csv --print-source sass
  fi
fi

report

# --- the remaining tests and compute-sanitizer on small runs (both kernels, and the global-atomic fallback) ---
if [ "$QUICK" != 1 ]; then
  [ "${SKIP_TESTS:-0}" != 1 ] && step other_tests ctest --test-dir "$BUILD" --output-on-failure -j 4 -E GpuBackend
  TMO=120 step memcheck_prop compute-sanitizer --tool memcheck --error-exitcode 3 \
    "$TP" --backend cuda --kernel propositional --dyads 20011 --periods 100 --repeat 1 --warmup 0
  TMO=120 step memcheck_strat compute-sanitizer --tool memcheck --error-exitcode 3 \
    "$TP" --backend cuda --kernel strategic --dyads 5003 --periods 100 --repeat 1 --warmup 0
  TMO=120 step memcheck_fallback env LEARNRACE_CUDA_SHARED_WORDS=100 compute-sanitizer --tool memcheck \
    --error-exitcode 3 "$TP" --backend cuda --kernel propositional --dyads 20011 --periods 300 --repeat 1 --warmup 0
  TMO=120 step racecheck compute-sanitizer --tool racecheck --error-exitcode 3 \
    "$TP" --backend cuda --kernel propositional --dyads 4099 --periods 100 --repeat 1 --warmup 0
fi
report

# --- Python tests with the CUDA-built package (installed by the build phase) ---
[ "$PYTHON_TESTS" = 1 ] && TMO=600 step python_tests python3 -m pytest -q -p no:cacheprovider "$ROOT/tests/python" -rs

report
echo "report: $REPORT"
tail -n 60 "$REPORT" 2>/dev/null
