#!/usr/bin/env bash
# step: LAVA lab: a private lava-server, scheduler and worker from Debian's packages; four qemu x86_64 jobs at once over four devices through lavacli; the u-boot job validated by the server and lava-run, results read back from the server match a local lava-run of the same bundle; a kernel that does not boot ends Incomplete, a late job is cancelled; stopped by Ctrl-C mid-job, nothing is left running or listening
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# two suites, 34 tests: under TCG on a loaded machine the boot, not the tests, takes the time
filter='m[iu]n[cm]*_classes/*' # mincore_classes, munmap_classes

# ---- inside the lab (tools/lava/lab runs this with the lab in the environment) ----
if [[ ${1:-} == --in-lab ]]; then
	out=$2
	token=${LAVA_LAB##*.} # the lab's random part: in its directory, worker name and prefix
	# While jobs run, every listening socket of a process of this lab must be on 127.0.0.1.
	watch_listeners() {
		local line pid
		while :; do
			ss -Hltnup 2>/dev/null | while read -r line; do
				pid=$(grep -o 'pid=[0-9]*' <<<"$line" | head -1 | cut -d= -f2)
				[[ -n $pid ]] || continue
				cat "/proc/$pid/cmdline" "/proc/$pid/environ" 2>/dev/null | tr '\0' ' ' |
					grep -q "mmapsuite-lab[.-]$token" || continue
				awk '{print $5}' <<<"$line" | grep -q '^127\.0\.0\.1:' || echo "$line" >>"$out/wide-listeners"
			done
			sleep 3
		done
	}
	watch_listeners & watcher=$!
	trap 'kill $watcher 2>/dev/null' EXIT
	trap 'exit 130' INT TERM

	# 0. The u-boot template, which cannot run without a board, as far as a server checks it:
	#    the server's job schema, and lava-run --validate on a device configuration the server
	#    renders from a u-boot device dictionary (LAVA's bcm2837-rpi-3-b device type).
	"$top/tools/lava/validate-uboot" "$out/uboot" || exit 1

	# 1. Four jobs at once; the scheduler places them on the devices.
	t0=$SECONDS
	rc=0
	"$top/tools/lava/submit" --out "$out/runs" --filter "$filter" --timeout 10 --deadline 900 \
		--summary "$out/jobs.json" x86_64 x86_64 x86_64 x86_64 >"$out/jobs.out" 2>"$out/jobs.err" || rc=$?
	cat "$out/jobs.out"
	((rc <= 1)) || { echo "tools/lava/submit exit $rc"; tail -20 "$out/jobs.err"; exit 1; }
	echo "four jobs: $((SECONDS - t0)) s from submission to the last result"
	/usr/bin/python3 - "$out/jobs.json" "$rc" <<'PY' || exit 1
import json, sys
jobs, rc = json.load(open(sys.argv[1])), int(sys.argv[2])
assert len(jobs) == 4, f"{len(jobs)} jobs in the record, 4 submitted"
bad = [j for j in jobs if j["health"] != "Complete"]
assert not bad, f"not Complete: {[(j['id'], j['health'], j['error_type'], j['error_msg']) for j in bad]}"
devices = {j["device"] for j in jobs}
assert len(devices) >= 2, f"the scheduler used only {devices}"
for j in jobs:
    res = json.load(open(j["results"] + "/results.json"))
    assert res["place"] == f"board:lava-{j['device']}", (j["id"], res["place"])
    assert j["cases"] == len(res["conformance"]) > 0, \
        f"job {j['id']}: {j['cases']} LAVA test cases, {len(res['conformance'])} results"
    assert sum(c["outcome"] == "pass" for c in res["conformance"]), f"job {j['id']}: nothing passed"
failed = [j["id"] for j in jobs if j.get("verdict")]
assert (rc == 1) == bool(failed), f"exit {rc}, jobs with a failed test: {failed}"
print(f"all Complete on {sorted(devices)}")
PY

	# 2. A kernel that does not boot, and a job past its deadline, side by side.
	head -c 2097152 /dev/urandom >"$out/not-a-kernel"
	t1=$SECONDS
	brc=0 lrc=0
	"$top/tools/lava/submit" --out "$out/bad" --filter "$filter" --kernel "$out/not-a-kernel" \
		--summary "$out/bad.json" x86_64 >"$out/bad.out" 2>"$out/bad.err" & bpid=$!
	"$top/tools/lava/submit" --out "$out/late" --filter "$filter" --deadline 25 \
		--summary "$out/late.json" x86_64 >"$out/late.out" 2>"$out/late.err" || lrc=$?
	wait "$bpid" || brc=$?
	cat "$out/bad.out" "$out/late.out"
	grep -h 'tools/lava/submit: job' "$out/bad.err" "$out/late.err"
	((brc == 1 && lrc == 1)) || { echo "exit $brc (no boot) and $lrc (late), expected 1 and 1"; exit 1; }
	/usr/bin/python3 - "$out" <<'PY' || exit 1
import json, sys
out = sys.argv[1]
bad, = json.load(open(out + "/bad.json"))
late, = json.load(open(out + "/late.json"))
assert bad["health"] == "Incomplete" and bad["error_type"], f"no-boot job: {bad}"
assert late["health"] == "Canceled" and late["cancelled"], f"late job: {late}"
for j, f in ((bad, "bad.err"), (late, "late.err")):
    assert f"job {j['id']} " in open(f"{out}/{f}").read(), f"{f} does not name job {j['id']}"
print(f"no boot: job {bad['id']} {bad['health']} ({bad['error_type']}: {bad['error_msg']}); "
      f"late: job {late['id']} {late['health']}")
PY
	echo "failing and late jobs: $((SECONDS - t1)) s"
	[[ ! -s $out/wide-listeners ]] || { echo "a lab process listened beyond 127.0.0.1:"; cat "$out/wide-listeners"; exit 1; }

	# 3. One more job in the foreground, interrupted like Ctrl-C once its QEMU runs: the step
	#    sends SIGINT to the lab's process group; submit cancels its job and exits 130.
	(
		for _ in $(seq 480); do
			pgrep -f "qemu-system-x86_64 .*mmapsuite-lab-$token-" >/dev/null &&
				{ echo "$LAVA_LAB_URL" >"$out/interrupt-me"; exit 0; }
			sleep 0.5
		done
	) &
	"$top/tools/lava/submit" --out "$out/stopped" --filter "$filter" --deadline 300 x86_64 \
		>"$out/stopped.out" 2>"$out/stopped.err"
	exit $?
fi

# ---- the step ----
bin=$1 out=$2/lava-lab
MMAPSUITE_BUILD=$(dirname "$bin")
export MMAPSUITE_BUILD
for p in lava-server lava-worker lavacli gunicorn /usr/lib/postgresql/15/bin/initdb qemu-system-x86_64 busybox; do
	command -v "$p" >/dev/null ||
		{ echo "SKIP: $p not found (tools/deps installs lava-server, lavacli, postgresql-15, qemu, busybox)"; exit 0; }
done
rm -rf "$out" && mkdir -p "$out"
t0=$SECONDS

# The same bundle through lava-run alone, the baseline of the comparison (beside the lab's start).
"$top/tools/lava/run-local" x86_64 --out "$out/local" --filter "$filter" >"$out/run-local.log" 2>&1 & local_pid=$!

# Job control gives the lab a process group of its own, as a shell gives a command started
# from a terminal, and keeps SIGINT's default (a plain background job would ignore it).
# env --default-signal undoes an ignored SIGINT inherited from whoever started tools/test (a
# shell's background job, nohup in a CI runner): a shell cannot trap a signal ignored at its
# entry, so the lab would never see the Ctrl-C this step sends.
set -m
env --default-signal=INT "$top/tools/lava/lab" --devices 4 --logs "$out/lab-logs" -- "$0" --in-lab "$out" \
	>"$out/lab.out" 2>"$out/lab.err" & lab_pid=$!
set +m
while kill -0 "$lab_pid" 2>/dev/null && [[ ! -e $out/interrupt-me ]]; do sleep 1; done
t_int=$SECONDS
[[ -e $out/interrupt-me ]] && kill -INT -- "-$lab_pid"
wait "$lab_pid"
lab_rc=$?
cat "$out/lab.out"
grep -E '^tools/lava/lab: (up|stopped)' "$out/lab.err"
lab=$(sed -n 's/.* lab \(\/.*mmapsuite-lab\.[A-Za-z0-9]*\)$/\1/p' "$out/lab.err" | head -1)
url=$(sed -n 's/^tools\/lava\/lab: up .*: \(http:[^,]*\), .*/\1/p' "$out/lab.err" | head -1)
[[ -e $out/interrupt-me ]] || { echo "the lab ended (exit $lab_rc) before the interrupt:"; tail -25 "$out/lab.err"; exit 1; }
((lab_rc == 130)) || { echo "tools/lava/lab exit $lab_rc after SIGINT, expected 130"; tail -5 "$out/lab.err"; exit 1; }
echo "interrupted mid-job: the lab stopped in $((SECONDS - t_int)) s"

# Nothing of the lab is left: no process, no listener on its port, no directory, no file.
token=${lab##*.}
[[ -n $lab && -n $url && -n $token ]] || { echo "no lab directory or URL in its output"; exit 1; }
left=$(pgrep -af "mmapsuite-lab[.-]$token" || true)
[[ -z $left ]] || { echo "left running: $left"; exit 1; }
for pid in $(pgrep -f 'gunicorn|lava-|postgres' || true); do
	tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -q "mmapsuite-lab.$token" &&
		{ echo "left running: $(tr '\0' ' ' <"/proc/$pid/cmdline")"; exit 1; }
done
# lava-run rewrites its title: a job's process is also known by its files in the lab
for fd in /proc/[0-9]*/fd/*; do
	case $(readlink "$fd" 2>/dev/null) in
	"$lab"/* | /var/lib/lava/dispatcher/tmp/mmapsuite-lab-"$token"-*)
		pid=${fd#/proc/} pid=${pid%%/*}
		echo "left running: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"; exit 1 ;;
	esac
done
port=${url##*:} port=${port%/}
[[ -z $(ss -Hltn "sport = :$port") ]] || { echo "still listening on $port"; exit 1; }
for f in "$lab" "/etc/lava-server/dispatcher.d/mmapsuite-lab-$token" /var/lib/lava/dispatcher/tmp/mmapsuite-lab-"$token"-*; do
	[[ ! -e $f ]] || { echo "left behind: $f"; exit 1; }
done
echo "nothing left: no process, no listener on 127.0.0.1:$port, no $lab"

# Each lab run against the same bundle through lava-run alone: no conformance difference.
wait "$local_pid"
lrc=$?
((lrc <= 1)) || { echo "tools/lava/run-local exit $lrc"; tail -5 "$out/run-local.log"; exit 1; }
base=$(ls -d "$out"/local/*/ | head -1)
n=0
for run in "$out"/runs/lava-job-*/*/; do
	cmp=$("$bin/mmapsuite" compare --out "$out/compare-$n" "$base" "$run") || { echo "compare failed: $cmp"; exit 1; }
	grep -q '^Conformance: no outcome differs' <<<"$cmp" &&
		grep -q '^Conformance run 1: [1-9][0-9]* results paired; 0 of its and 0 of the baseline.s have no counterpart' <<<"$cmp" ||
		{ echo "$run differs from run-local's $base:"; grep -A12 '^Conformance' <<<"$cmp"; exit 1; }
	n=$((n + 1))
done
((n == 4)) || { echo "$n lab runs to compare, 4 expected"; exit 1; }
echo "compare: the 4 lab runs and run-local: $(grep -o '[0-9]* results paired' <<<"$cmp"), no outcome differs"
echo "LAVA lab step: $((SECONDS - t0)) s"
