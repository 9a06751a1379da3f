#!/usr/bin/env bash
# step: benchmark phases kept apart (state/timed declared, first touch faults and steady state does not), drift detector, break-even
set -uo pipefail
bin=$1 out=$2
"$bin/mmapsuite-unit" --filter 'drift/*' || exit 1
"$bin/mmapsuite" bench --case seq_read,write --fs tmpfs --max-size 4M \
	--out "$out/bench-phases" || exit 1
results=$(ls -d "$out"/bench-phases/*/ | head -1)/results.json
python3 - "$results" <<'CHECK' || exit 1
import json, sys
run = json.load(open(sys.argv[1]))
bench = [b for b in run["benchmarks"] if b["metric"] != "fraction_of_read_ceiling"]
for b in bench:
    p = b["params"]
    name = f'{b["case"]} {p.get("method")} {p.get("size")}'
    assert p.get("state") in ("first_touch", "steady_state", "cold"), f"{name}: state {p.get('state')}"
    assert isinstance(p.get("timed"), str) and p["timed"], f"{name}: no timed region"
    assert "drift" in p and isinstance(b.get("drifting"), bool), f"{name}: no drift test"
methods = {(b["case"], b["params"]["method"]): b for b in bench}
for want in (("seq_read", "mmap_kept"), ("write", "mmap_store"), ("write", "mmap_store_kept")):
    assert want in methods, f"missing {want}"
# First-touch stores fault on every page of every sample; stores into a kept mapping do not.
def faults_per_page(b):
    c = b["counters"].get("page-faults", {})
    return c.get("per_byte", 0) * 4096 if "per_byte" in c else None
first = [b for b in bench if b["params"]["method"] == "mmap_store"]
kept = [b for b in bench if b["params"]["method"] == "mmap_store_kept"]
for b in first:
    f = faults_per_page(b)
    assert f is None or f >= 0.9, f"first-touch stores: {f} faults per page"
for b in kept:
    f = faults_per_page(b)
    assert f is None or f < 0.05, f"kept-mapping stores: {f} faults per page"
be = run["extra"]["bench"]["break_even"]
assert be and all(e["first_pass_s"] > 0 and e["kept_pass_s"] > 0 for e in be), be
print(f"bench phases: {len(bench)} results declare their state; "
      f"first-touch stores fault, kept ones do not; {len(be)} break-even points")
CHECK
