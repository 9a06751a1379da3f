#!/usr/bin/env bash
# step: renamed tests: lib/renames.def matches today's suite; old results, comparisons and expectation lines meet the new names
# 1. Every name the map renames to is a test of today's suite (`mmapsuite list`), and no old
#    name is one any more.
# 2. A run of the mremap suite (split tests among them) is rewritten under the old names, as a
#    run made before the split would have recorded it; `compare OLD NEW` pairs every result,
#    shows no difference and says how many were read under today's names.
# 3. With one old result flipped to fail, compare shows the change on every variant of it.
# 4. An expectation file naming a split test by its old name matches each variant (XPASS).
set -uo pipefail
bin=$1
# shellcheck source-path=SCRIPTDIR source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
step_begin renames "$2"

# 1. the map against the suite
"$bin/mmapsuite" list >"$out/list.txt" 2>"$out/list.err" || fail "mmapsuite list: $(cat "$out/list.err")"
python3 - "$top/lib/renames.def" "$out/list.txt" >"$out/map-check.txt" 2>&1 <<'PY' || fail "map check: $(cat "$out/map-check.txt")"
import re, sys
pairs = re.findall(r'^RENAME\("([^"]+)", "([^"]+)"\)', open(sys.argv[1]).read(), re.M)
today = {l.split()[0] + "/" + l.split()[1] for l in open(sys.argv[2]) if len(l.split()) >= 2}
old = {o for o, _ in pairs}
final = {n for _, n in pairs if n not in old}
problems = [f"{n}: renamed to, but no such test today" for n in sorted(final - today)]
problems += [f"{o}: an old name that is still a test" for o in sorted(old & today)]
if not pairs:
    problems.append("no RENAME line read")
print("\n".join(problems) if problems else f"{len(pairs)} lines, {len(old)} old names, {len(final)} names of today: all tests")
sys.exit(1 if problems else 0)
PY
echo "step-renames: map: $(tail -1 "$out/map-check.txt")"

# 2. a run, and the same run as an older mmapsuite would have recorded it
"$bin/mmapsuite" conform --fs tmpfs --filter 'mremap/*' --out "$out/new" >"$out/new.log" 2>&1 ||
	fail "conform mremap/*: $(tail -3 "$out/new.log")"
new=$(ls -d "$out"/new/*/ 2>/dev/null | head -1)
[[ -n $new && -f $new/results.json ]] || { echo "step-renames: FAILED: no results"; exit 1; }
# old_run DEST [FLIP-TEST]: results.json of $new under the old names (variants collapsed into
# the test they were split from); FLIP-TEST's old result set to fail.
old_run() {
	mkdir -p "$1"
	python3 - "$top/lib/renames.def" "$new/results.json" "$1/results.json" "${2:-}" <<'PY'
import json, re, sys
pairs = re.findall(r'^RENAME\("([^"]+)", "([^"]+)"\)', open(sys.argv[1]).read(), re.M)
back = {n: o for o, n in pairs}
run = json.load(open(sys.argv[2]))
seen, conf = set(), []
for c in run["conformance"]:
    name = c["suite"] + "/" + c["test"]
    while name in back:
        name = back[name]
    if name in seen:
        continue
    seen.add(name)
    c["suite"], c["test"] = name.split("/", 1)
    if name == sys.argv[4]:
        c["outcome"], c["message"] = "fail", "flipped by step-renames"
    conf.append(c)
run["conformance"] = conf
run["id"] += "-old"
json.dump(run, open(sys.argv[3], "w"))
PY
}
old_run "$out/old"
"$bin/mmapsuite" compare --out "$out/cmp" "$out/old" "$new" >"$out/compare.txt" 2>&1
rc=$?
[[ $rc == 0 ]] || fail "compare old new: exit $rc"
grep -q 'Conformance: no outcome differs' "$out/compare.txt" || fail "compare shows a difference: $(cat "$out/compare.txt")"
grep -q "results paired; 0 of its and 0 of the baseline's have no counterpart" "$out/compare.txt" ||
	fail "not every result paired: $(grep -i 'paired' "$out/compare.txt")"
grep -Eq '^Baseline: [1-9][0-9]* results recorded under earlier test names' "$out/compare.txt" ||
	fail "compare does not say it read old names"
echo "step-renames: compare: $(grep -E 'paired|earlier test names' "$out/compare.txt" | tr '\n' ' ')"

# 3. a flipped old result shows on each variant
old_run "$out/old-flipped" mremap/shrink_releases_tail
"$bin/mmapsuite" compare --out "$out/cmp2" "$out/old-flipped" "$new" >"$out/compare2.txt" 2>&1
n=$(grep -c '`mremap.shrink_releases_tail_[a-z_]*` | tmpfs | fail → pass' "$out/compare2.txt")
[[ $n == 4 ]] || fail "a flipped split test shows on $n variants, expected 4: $(grep shrink "$out/compare2.txt")"

# 4. an expectation line under the old name
printf '%s\n' 'mremap/shrink_releases_tail reason="step-renames: an old name in an expectation file"' \
	>"$out/old.expect"
"$bin/mmapsuite" conform --fs tmpfs --filter 'mremap/shrink_releases_tail*' --expect "$out/old.expect" \
	--out "$out/expect" >"$out/expect.log" 2>&1 || fail "conform --expect old.expect: $(tail -3 "$out/expect.log")"
xpass=$(python3 -c 'import json,sys,glob; r=json.load(open(glob.glob(sys.argv[1]+"/*/results.json")[0])); print(sum(c["outcome"]=="xpass" for c in r["conformance"]), len(r["conformance"]))' "$out/expect")
[[ $xpass == "4 4" ]] || fail "the old-name expectation line: xpass/results $xpass, expected 4 4"

[[ $bad == 0 ]] && echo "step-renames: ok"
exit $bad
