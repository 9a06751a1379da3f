#!/usr/bin/env bash
# step: LAVA lab, whole tmpfs suite: one job per architecture (qemu x86_64 and arm64) through a private lava-server; each matches tools/lava/run-local of the same bundle; the lab stops by itself and leaves nothing
# tier: deep
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$1 out=$2/lava-lab-deep
MMAPSUITE_BUILD=$(dirname "$bin")
export MMAPSUITE_BUILD
for p in lava-server lava-worker lavacli gunicorn /usr/lib/postgresql/15/bin/initdb qemu-system-x86_64 qemu-system-aarch64 aarch64-linux-gnu-gcc; do
	command -v "$p" >/dev/null ||
		{ echo "SKIP: $p not found (tools/deps installs it)"; exit 0; }
done
rm -rf "$out" && mkdir -p "$out"
t0=$SECONDS
# the lab's two jobs first, the baselines after: the lab's timings are not shared with them
rc=0
"$top/tools/lava/lab" --devices 2 --logs "$out/lab-logs" -- \
	"$top/tools/lava/submit" --out "$out/runs" --timeout 40 --deadline 3000 \
	--summary "$out/jobs.json" x86_64 arm64 >"$out/lab.out" 2>"$out/lab.err" || rc=$?
cat "$out/lab.out"
grep -E '^tools/lava/(lab|submit):' "$out/lab.err"
((rc <= 1)) || { echo "lab or submit exit $rc"; tail -20 "$out/lab.err"; exit 1; }
lab=$(sed -n 's/.* lab \(\/.*mmapsuite-lab\.[A-Za-z0-9]*\)$/\1/p' "$out/lab.err" | head -1)
[[ -n $lab && ! -e $lab ]] || { echo "the lab directory ${lab:-?} is left"; exit 1; }
left=$(pgrep -af "mmapsuite-lab[.-]${lab##*.}" || true)
[[ -z $left ]] || { echo "left running: $left"; exit 1; }
/usr/bin/python3 - "$out/jobs.json" <<'PY' || exit 1
import json, sys
jobs = json.load(open(sys.argv[1]))
assert [j["health"] for j in jobs] == ["Complete", "Complete"], jobs
for j in jobs:
    n = len(json.load(open(j["results"] + "/results.json"))["conformance"])
    assert j["cases"] == n > 500, f"job {j['id']}: {j['cases']} test cases, {n} results"
PY
for arch in x86_64 arm64; do
	lrc=0
	"$top/tools/lava/run-local" "$arch" --out "$out/local-$arch" --timeout 40 >"$out/run-local-$arch.log" 2>&1 || lrc=$?
	((lrc <= 1)) || { echo "run-local $arch exit $lrc"; tail -5 "$out/run-local-$arch.log"; exit 1; }
	base=$(ls -d "$out/local-$arch"/*/ | head -1)
	run=$(/usr/bin/python3 -c 'import json, sys
print(next(j["results"] for j in json.load(open(sys.argv[1])) if j["arch"] == sys.argv[2]))' "$out/jobs.json" "$arch")
	cmp=$("$bin/mmapsuite" compare --out "$out/compare-$arch" "$base" "$run") || { echo "compare failed: $cmp"; exit 1; }
	grep -q '^Conformance: no outcome differs' <<<"$cmp" &&
		grep -q '^Conformance run 1: [1-9][0-9]* results paired; 0 of its and 0 of the baseline.s have no counterpart' <<<"$cmp" ||
		{ echo "$arch: the lab's run differs from run-local's:"; grep -A15 '^Conformance' <<<"$cmp"; exit 1; }
	echo "$arch: $(grep -o '[0-9]* results paired' <<<"$cmp") with run-local, no outcome differs"
done
echo "LAVA lab, whole suite: $((SECONDS - t0)) s"
