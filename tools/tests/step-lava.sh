#!/usr/bin/env bash
# step: LAVA: the qemu x86_64 job end to end with Debian's lava-run on local files; every results.json entry is a LAVA test case with the mapped outcome; nothing is left behind, also when stopped
set -uo pipefail
bin=$1 out=$2/lava
top=$(cd "$(dirname "$0")/../.." && pwd)
MMAPSUITE_BUILD=$(dirname "$bin")
export MMAPSUITE_BUILD
for p in lava-run qemu-system-x86_64 busybox cpio; do
	command -v "$p" >/dev/null ||
		{ echo "SKIP: $p not found (tools/deps installs lava-dispatcher, qemu-system-x86, busybox-static, cpio)"; exit 0; }
done
rm -rf "$out" && mkdir -p "$out"
# A subset with every outcome on Debian 12's 6.1 guest (pass, skip, fail, xfail) keeps the step
# near a minute; MMAPSUITE_LAVA_FILTER= (empty) runs the whole suite (about 4 minutes).
filter=${MMAPSUITE_LAVA_FILTER-m[lru]*}
args=(--out "$out/runs")
[[ -z $filter ]] || args+=(--filter "$filter")

# 1. The job, end to end; the device's verdict is the exit status (0 or 1: the guest's 6.1
#    kernel fails a few tests the host passes), 3 = no results or LAVA disagrees.
t0=$SECONDS
rc=0
"$top/tools/lava/run-local" x86_64 "${args[@]}" > "$out/run-local.log" 2>&1 || rc=$?
took=$((SECONDS - t0))
cat "$out/run-local.log"
((rc <= 1)) || { echo "tools/lava/run-local exit $rc"; exit 1; }
run=$(ls -d "$out"/runs/*/ 2>/dev/null | head -1)
[[ -n $run ]] || { echo "no results directory"; exit 1; }

# 2. LAVA's own record (the job log's result entries), read here independently of
#    tools/lava/collect, against results.json: the same tests, the outcome mapping, one test
#    set per file system, the verdict.
/usr/bin/python3 - "$run" "$rc" <<'PY' || exit 1
import json, os, sys, yaml
run, rc = sys.argv[1], int(sys.argv[2])
res = json.load(open(os.path.join(run, "results.json")))
assert res["place"] == "board:lava-qemu-x86_64", res["place"]
lava, sets, job = {}, [], None
for line in open(os.path.join(run, "lava-job-log.yaml"), errors="replace"):
    if '"lvl": "results"' not in line:
        continue
    m = yaml.safe_load(line)["msg"]
    if m.get("definition") == "lava":
        job = m if m.get("case") == "job" else job
        continue
    assert m.get("definition") == "0_mmapsuite", m
    key = (m["set"], m["case"])
    assert key not in lava, f"LAVA case twice: {key}"
    lava[key] = m["result"]
    if m["set"] not in sets:
        sets.append(m["set"])
assert job and job["result"] == "pass", f"the LAVA job itself: {job}"
mapping = {"pass": "pass", "fail": "fail", "broken": "fail", "skip": "skip",
           "xfail": "pass", "xpass": "pass"}
want = {}
for c in res["conformance"]:
    case = f"{c['suite']}.{c['test']}" + (".XFAIL" if c["outcome"] == "xfail" else
                                        ".XPASS" if c["outcome"] == "xpass" else "")
    want[(c["fs"], case)] = mapping[c["outcome"]]
missing = sorted(set(want) - set(lava))
extra = sorted(set(lava) - set(want))
wrong = sorted(k for k in set(want) & set(lava) if want[k] != lava[k])
assert not (missing or extra or wrong), \
    f"missing in LAVA {missing[:5]}, not in results.json {extra[:5]}, outcome differs {wrong[:5]}"
assert sets == sorted({c["fs"] for c in res["conformance"]}, key=sets.index), sets
outcomes = {o: sum(c["outcome"] == o for c in res["conformance"]) for o in mapping}
assert outcomes["pass"], f"no test passed: {outcomes}"
failed = outcomes["fail"] + outcomes["broken"]
assert (rc == 1) == bool(failed), f"exit {rc} with {failed} failed or broken"
cases = json.load(open(os.path.join(run, "lava-cases.json")))["cases"]
assert len(cases) == len(lava), "lava-cases.json differs from the job log"
print(f"LAVA: {len(lava)} test cases in sets {sets} = {len(res['conformance'])} results in "
      "results.json; " + ", ".join(f"{k} {v}" for k, v in outcomes.items() if v) +
      f"; verdict {rc}")
PY
left=$(ls -d /var/lib/lava/dispatcher/tmp/mmapsuite-lava-* 2>/dev/null)
[[ -z $left ]] || { echo "lava-run's directory left behind: $left"; exit 1; }

# 3. Stopped while QEMU runs: lava-run, QEMU, lava-run's directory and the work directory go.
t1=$SECONDS
before=$(ls -d /tmp/mmapsuite-lava* 2>/dev/null)
"$top/tools/lava/run-local" x86_64 --out "$out/stopped" --filter 'mlock_args/*' \
	> "$out/stopped.log" 2>&1 &
pid=$!
for _ in $(seq 120); do
	pgrep -f -- "^[^ ]*qemu-system-x86_64 .*/var/lib/lava/dispatcher/tmp/mmapsuite-lava-$pid/" >/dev/null && break
	sleep 0.5
done
pgrep -f -- "^[^ ]*qemu-system-x86_64 .*/var/lib/lava/dispatcher/tmp/mmapsuite-lava-$pid/" >/dev/null ||
	{ echo "QEMU never started"; cat "$out/stopped.log"; kill "$pid"; exit 1; }
kill -TERM "$pid"
wait "$pid"
src=$?
sleep 1
((src == 130)) || { echo "run-local exit $src after SIGTERM, expected 130"; exit 1; }
if pgrep -f -- "^[^ ]*qemu-system-x86_64 .*/var/lib/lava/dispatcher/tmp/mmapsuite-lava-$pid/" >/dev/null ||
	[[ -e /var/lib/lava/dispatcher/tmp/mmapsuite-lava-$pid ]]; then
	echo "QEMU or lava-run's directory is left after SIGTERM"; exit 1
fi
left=$(comm -13 <(echo "$before") <(ls -d /tmp/mmapsuite-lava* 2>/dev/null))
[[ -z $left ]] || { echo "left in /tmp after SIGTERM: $left"; exit 1; }
echo "LAVA job: ${took} s end to end (preparation included); stopped cleanly in $((SECONDS - t1)) s"
