#!/usr/bin/env bash
# step: benchmark phases kept apart (state/timed declared, first touch faults and steady state does not), drift detector, break-even, paired ratios
set -uo pipefail
bin=$1 out=$2
"$bin/mmapsuite-unit" --filter 'drift/*' || exit 1
"$bin/mmapsuite-unit" --filter 'paired/*' || exit 1
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
# Paired ratios (docs/benchmarks.md): every mapping variant was sampled in pairs with a
# system-call partner of the same size, every such partner with itself (A/A control); the
# estimate is the geometric mean of the per-pair ratios, which are the variant's own sample
# over the partner's sample of the same pair.
import math
maps = [b for b in bench if b["params"]["method"].startswith("mmap")]
controls = [b for b in bench if (b.get("paired") or {}).get("control")]
assert maps and controls, f"{len(maps)} mappings, {len(controls)} A/A controls"
for b in maps + controls:
    p, name = b.get("paired"), f'{b["case"]} {b["params"]["method"]} {b["params"]["size"]}'
    assert p and "ratio" in p, f"{name}: not paired: {p}"
    n = p["n_pairs"]
    assert n >= 2 and len(p["ratios"]) == len(p["partner_samples"]) == len(b["samples"]) == n, name
    assert p["order"] == "ABBA" and p["partner"]["method"].split("_")[0] in ("read", "write"), name
    # results.json keeps 10 significant digits: a ratio of two rounded samples may differ
    # from the ratio of the unrounded ones by about 1e-9 (seen: 1.007646765 against
    # 10548.11253/10468.06568), so compare to 1e-8.
    for a, s, r in zip(b["samples"], p["partner_samples"], p["ratios"]):
        assert math.isclose(a / s, r, rel_tol=1e-8), f"{name}: ratio {r} is not {a}/{s}"
    g = math.exp(sum(math.log(r) for r in p["ratios"]) / n)
    assert math.isclose(g, p["ratio"], rel_tol=1e-8), f"{name}: {p['ratio']} is not the geomean {g}"
    assert p["ci_low"] <= p["ratio"] <= p["ci_high"], name
    assert p["met"] == (p["half_width"] <= p["target"]), name
    assert {"cv", "late_over_early"} <= p["spread"]["self"].keys(), name
    assert p["control"] == (b["params"]["method"].split("_")[0] != "mmap"), name
# A partner that is not a control is not measured a second time: its record holds its side
# of the pairs with the mapping its paired.sampled_as_partner_of names, the same samples.
from_pairs = [b for b in bench if "sampled_as_partner_of" in (b.get("paired") or {})]
for b in from_pairs:
    p, w = b["params"], b["paired"]["sampled_as_partner_of"]
    name = f'{b["case"]} {p["method"]} {p["size"]}'
    assert "ratio" not in b["paired"], f"{name}: recorded from pairs and paired itself"
    first = [m for m in maps if m["case"] == b["case"] and m["params"]["size"] == p["size"] and
             m["params"]["fs"] == p["fs"] and m["params"]["method"] == w["method"] and
             m["params"]["hint"] == w["hint"] and m["paired"]["partner"]["method"] == p["method"]
             and (m["paired"]["partner"]["block_size"] or 0) == (p.get("block_size") or 0)]
    assert first and first[0]["paired"]["partner_samples"] == b["samples"], \
        f"{name}: its samples are not its side of the pairs with {w}"
twice = {(b["case"], b["params"]["fs"], b["params"]["method"], b["params"]["hint"],
          b["params"]["size"], b["params"].get("block_size"), b["params"].get("threads"),
          b["params"].get("workers"), b["params"].get("cache"), b["params"].get("numa"))
         for b in bench}
assert len(twice) == len(bench), "a variant has two records"
covered = sum(b["paired"]["ci_low"] <= 1 <= b["paired"]["ci_high"] for b in controls)
print(f"bench phases: {len(bench)} results declare their state; "
      f"first-touch stores fault, kept ones do not; {len(be)} break-even points; "
      f"{len(maps)} mappings paired, {covered} of {len(controls)} A/A intervals hold 1, "
      f"{len(from_pairs)} partners recorded from their pairs")
CHECK
