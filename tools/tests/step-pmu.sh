#!/usr/bin/env bash
# step: perf counters on QEMU's emulated arm64 PMU (virt -cpu max -icount): opened, growing, exact, multiplexed
# Two boots of the arm64 virt board (tools/board, QEMU TCG with -icount shift=0, a few minutes
# in all): the pmu benchmark profile with the generic events, then page_fault with more
# ungrouped events than the PMU has counters; tools/tests/check-pmu.py checks both.
set -euo pipefail
out=$2 # $1, the host build, is unused: tools/board builds for arm64
top=$(cd "$(dirname "$0")/../.." && pwd)
for need in qemu-system-aarch64 aarch64-linux-gnu-gcc python3; do
	command -v "$need" >/dev/null || { echo "SKIP perf counters on arm64: no $need"; exit 0; }
done
rm -rf "$out/pmu" "$out/pmu-mux"
mkdir -p "$out/pmu" "$out/pmu-mux"
# The guest has no gnuplot, so its report rendering fails and the board says 1: the verdict
# here is the results' (check-pmu.py), which must exist.
board() {
	local dir=$1; shift
	"$top/tools/board" virt --icount --timeout 900 --out "$dir" --bench "$*" ||
		echo "tools/board exited $? (the guest cannot render plots); checking its results"
	ls -d "$dir"/*/ >/dev/null 2>&1 || { echo "no results from the board in $dir"; exit 1; }
}
board "$out/pmu" --profile pmu --case seq_read,page_fault
events=cycles
for _ in $(seq 10); do events+=,instructions; done
board "$out/pmu-mux" --profile pmu --case page_fault --events "$events"
python3 "$top/tools/tests/check-pmu.py" "$(ls -d "$out"/pmu/*/ | head -1)" \
	"$(ls -d "$out"/pmu-mux/*/ | head -1)" \
	"${MMAPSUITE_BUILD_AARCH64:-$top/build-aarch64}/bin/mmapsuite"
