#!/usr/bin/env bash
# step: LAVA lab, whole tmpfs suite: one job per architecture (qemu x86_64 and arm64) through a private lava-server, beside a job whose suite outlasts its timeout (Incomplete, exit 1); each matches tools/lava/run-local of the same bundle on the same kernel; the lab stops by itself and leaves nothing
# tier: matrix
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

# ---- inside the lab (tools/lava/lab runs this with the lab in the environment) ----
# The two whole-suite jobs, and beside them a third whose suite outlasts its 1-minute test
# timeout: LAVA must end it Incomplete with its error type, and submit say so with exit 1.
if [[ ${1:-} == --in-lab ]]; then
	out=$2
	"$top/tools/lava/submit" --out "$out/runs" --timeout 40 --deadline 2700 \
		--summary "$out/jobs.json" x86_64 arm64 >"$out/jobs.out" 2>"$out/jobs.err" & main=$!
	# one submit at a time makes the job files (the x86_64 ones are shared)
	until grep -q '^tools/lava/submit: submitted' "$out/jobs.err" || ! kill -0 "$main" 2>/dev/null; do sleep 2; done
	hrc=0
	"$top/tools/lava/submit" --out "$out/hang" --timeout 1 --deadline 1200 \
		--summary "$out/hang.json" x86_64 >"$out/hang.out" 2>"$out/hang.err" || hrc=$?
	rc=0
	wait "$main" || rc=$?
	cat "$out/jobs.out" "$out/hang.out"
	cat "$out/jobs.err" >&2
	grep -h 'tools/lava/submit: job' "$out/hang.err"
	((hrc == 1)) || { echo "the job past its test timeout: submit exit $hrc, expected 1"; tail -5 "$out/hang.err"; exit 3; }
	exit "$rc"
fi

# ---- the step ----
bin=$1 out=$2/lava-lab-deep
MMAPSUITE_BUILD=$(dirname "$bin")
export MMAPSUITE_BUILD
for p in lava-server lava-worker lavacli lava-run gunicorn /usr/lib/postgresql/15/bin/initdb qemu-system-x86_64 qemu-system-aarch64 aarch64-linux-gnu-gcc busybox; do
	command -v "$p" >/dev/null ||
		{ echo "SKIP: $p not found (tools/deps installs it)"; exit 0; }
done
rm -rf "$out" && mkdir -p "$out"
t0=$SECONDS
# What the lab's jobs and the baselines share is made once, before either starts: the arm64
# cross build (two builds at once in one tree would race) and both kernels (one download each).
"$top/tools/build-aarch64" >"$out/build-aarch64.log" 2>&1 ||
	{ echo "tools/build-aarch64 failed:"; tail -5 "$out/build-aarch64.log"; exit 1; }
for k in amd64 arm64; do
	"$top/tools/kernel-fetch" debian:6.1 --arch "$k" --what image >"$out/kernel-$k.txt" 2>&1 ||
		{ echo "tools/kernel-fetch debian:6.1 --arch $k failed:"; tail -3 "$out/kernel-$k.txt"; exit 1; }
done
echo "prepared (arm64 build, kernels) in $((SECONDS - t0)) s"

# The baselines, the same bundle through lava-run alone, beside the lab: under TCG the guests,
# not the server, take the time, and each job's own duration is what the lab reports.
declare -A local_pid
for arch in x86_64 arm64; do
	"$top/tools/lava/run-local" "$arch" --out "$out/local-$arch" --timeout 40 \
		>"$out/run-local-$arch.log" 2>&1 & local_pid[$arch]=$!
done
stop_baselines() { local p; for p in "${local_pid[@]}"; do kill -TERM "$p" 2>/dev/null; done; wait; }
trap stop_baselines EXIT
trap 'exit 130' INT TERM

t1=$SECONDS
rc=0
"$top/tools/lava/lab" --devices 3 --logs "$out/lab-logs" -- \
	"$0" --in-lab "$out" >"$out/lab.out" 2>"$out/lab.err" || rc=$?
cat "$out/lab.out"
grep -E '^tools/lava/(lab|submit):' "$out/lab.err"
echo "the lab, from its start to its stop: $((SECONDS - t1)) s"
((rc <= 1)) || { echo "lab or submit exit $rc"; tail -20 "$out/lab.err"; exit 1; }
lab=$(sed -n 's/.* lab \(\/.*mmapsuite-lab\.[A-Za-z0-9]*\)$/\1/p' "$out/lab.err" | head -1)
[[ -n $lab && ! -e $lab ]] || { echo "the lab directory ${lab:-?} is left"; exit 1; }
left=$(pgrep -af "mmapsuite-lab[.-]${lab##*.}" || true)
[[ -z $left ]] || { echo "left running: $left"; exit 1; }
/usr/bin/python3 - "$out/jobs.json" "$out/hang.json" "$out/hang.err" <<'PY' || exit 1
import json, sys
jobs = json.load(open(sys.argv[1]))
assert [(j["arch"], j["health"]) for j in jobs] == [("x86_64", "Complete"), ("arm64", "Complete")], \
    [(j["id"], j["arch"], j["health"], j.get("error_type"), j.get("error_msg")) for j in jobs]
for j in jobs:
    res = json.load(open(j["results"] + "/results.json"))
    n = len(res["conformance"])
    assert res["place"] == f"board:lava-{j['device']}", (j["id"], res["place"])
    assert j["cases"] == n > 500, f"job {j['id']}: {j['cases']} test cases on the server, {n} results"
    print(f"job {j['id']} {j['arch']}: {j['cases']} LAVA test cases = {n} results, {j['duration_s']} s")
hang, = json.load(open(sys.argv[2]))
assert hang["health"] == "Incomplete" and hang["error_type"], f"the job past its test timeout: {hang}"
assert f"job {hang['id']} " in open(sys.argv[3]).read(), f"submit does not name job {hang['id']}"
print(f"past its test timeout: job {hang['id']} {hang['health']} ({hang['error_type']}: {hang['error_msg']}), {hang['duration_s']} s")
PY

for arch in x86_64 arm64; do
	lrc=0
	wait "${local_pid[$arch]}" || lrc=$?
	unset "local_pid[$arch]"
	((lrc <= 1)) || { echo "run-local $arch exit $lrc"; tail -5 "$out/run-local-$arch.log"; exit 1; }
	base=$(ls -d "$out/local-$arch"/*/ | head -1)
	run=$(/usr/bin/python3 -c 'import json, sys
print(next(j["results"] for j in json.load(open(sys.argv[1])) if j["arch"] == sys.argv[2]))' "$out/jobs.json" "$arch")
	cmp=$("$bin/mmapsuite" compare --out "$out/compare-$arch" "$base" "$run") || { echo "compare failed: $cmp"; exit 1; }
	grep -q '^Conformance: no outcome differs' <<<"$cmp" &&
		grep -q '^Conformance run 1: [1-9][0-9]* results paired; 0 of its and 0 of the baseline.s have no counterpart' <<<"$cmp" ||
		{ echo "$arch: the lab's run differs from run-local's:"; grep -A15 '^Conformance' <<<"$cmp"; exit 1; }
	echo "$arch: $(grep -o '[0-9]* results paired' <<<"$cmp") with run-local ($(grep -o 'lava-run [0-9]* s' "$out/run-local-$arch.log")), no outcome differs"
done
echo "LAVA lab, whole suite: $((SECONDS - t0)) s"
