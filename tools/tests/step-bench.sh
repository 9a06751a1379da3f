#!/usr/bin/env bash
# step: benchmarks run end to end, and match fio (fidelity: mmapsuite >= 95% of fio's throughput)
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
# The machine is shared and noisy: a fidelity miss is measured once more before it counts.
for attempt in 1 2; do
	if "$bin/mmapsuite" bench --fidelity-only --fs tmpfs,ext4 --out "$out/fidelity-$attempt"; then
		exit 0
	fi
	echo "fidelity attempt $attempt: a ratio below 0.95 (see above)"
done
exit 1
