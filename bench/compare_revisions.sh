#!/bin/bash
# CPU cost of two revisions, same run: instructions per dyad-period (callgrind, independent of the machine's load)
# and wall-clock throughput in interleaved rounds (one core). Both revisions are built the same way (Release, CPU
# only) in detached worktrees under ${WORK:-/tmp}.
#   usage: bash bench/compare_revisions.sh OLD_REV NEW_REV [ROUNDS]
set -euo pipefail
old=$1 new=$2 rounds=${3:-5}
work=${WORK:-/tmp}
for rev in "$old" "$new"; do
  dir="$work/learnrace-rev-$rev"
  [ -d "$dir" ] || git worktree add --detach "$dir" "$rev" >/dev/null
  cmake -S "$dir" -B "$dir/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLEARNRACE_CUDA=OFF >/dev/null
  cmake --build "$dir/build-bench" --target throughput >/dev/null
done
tp() { "$work/learnrace-rev-$1/build-bench/bin/throughput" --backend cpu --kernel "$2" --lanes "$3" --threads 1 "${@:4}"; }
echo "| kernel | lanes | revision | instructions (10,000 dyads x 100 periods) | dyad-periods | instructions per dyad-period |"
echo "| --- | --- | --- | ---: | ---: | ---: |"
for k in propositional strategic; do for lanes in 1 8; do for rev in "$old" "$new"; do
  n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$work/learnrace-rev-$rev/build-bench/bin/throughput" --backend cpu --kernel $k --lanes $lanes --threads 1 \
        --dyads 10000 --periods 100 --repeat 1 2>&1 | grep -o "Collected : [0-9]*" | grep -o "[0-9]*")
  dp=$(tp "$rev" $k $lanes --dyads 10000 --periods 100 --repeat 1 | grep -o "dyad_periods=[0-9]*" | cut -d= -f2)
  echo "| $k | $lanes | $rev | $n | $dp | $((n / dp)) |"
done; done; done
echo
echo "Wall clock (taskset -c 0, 100,000 dyads x 100 periods, fastest of 3 repeats), rounds interleaved:"
for r in $(seq "$rounds"); do for k in propositional strategic; do for lanes in 1 8; do for rev in "$old" "$new"; do
  echo "round $r $k $lanes $rev $(taskset -c 0 "$work/learnrace-rev-$rev/build-bench/bin/throughput" --backend cpu \
    --kernel $k --lanes $lanes --threads 1 --dyads 100000 --periods 100 --repeat 3 | tail -1)"
done; done; done; done
