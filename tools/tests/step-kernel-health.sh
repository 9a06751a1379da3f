#!/usr/bin/env bash
# step: kernel health per test: a kernel log splat during a test fails it, a quiet run passes
# Root writes a clearly test-marked WARNING line into /dev/kmsg while a known test is running:
# the test holds the lock of the default hugetlb pool (/run/mmapsuite/hugetlb-<size>kB.lock,
# the size from /proc/meminfo's Hugepagesize as lib/machine_settings.c derives it), so this
# step takes that lock first, waits until the test's worker has opened the lock file (its body
# is running), injects the line and
# lets go. That test must FAIL with the line in kernel_log; with --jobs 2 and two such tests
# waiting at once, both fail and each names the other; the same tests without injection pass.
#   step-kernel-health.sh BIN_DIR OUT_DIR
set -uo pipefail
ms=$(cd "$1" && pwd)/mmapsuite work=$2/kernel-health
rm -rf "$work" && mkdir -p "$work"
huge_kb=$(awk '/^Hugepagesize:/ { print $2 }' /proc/meminfo)
pool=/sys/kernel/mm/hugepages/hugepages-${huge_kb:-0}kB/nr_hugepages
lock=/run/mmapsuite/hugetlb-${huge_kb:-0}kB.lock
marker="mmapsuite-test: injected by tools/tests/step-kernel-health.sh, not a kernel fault"
fails=0 checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
check() { # DESCRIPTION COMMAND...
	local what=$1; shift
	checks=$((checks + 1))
	if "$@"; then ok "$what"; else fail "$what"; fi
}
if [[ $(id -u) -ne 0 || ! -w /dev/kmsg || ! -e $pool ]]; then
	echo "skipped: needs root, a writable /dev/kmsg and a hugetlb pool ($pool) to inject a line"
	exit 0
fi

# Workers of mmapsuite-conform that hold the pool file open (their test body is running).
waiting_workers() {
	local n=0 p
	for p in /proc/[0-9]*; do
		[[ $(cat "$p/comm" 2>/dev/null) == mmapsuite-conf* ]] || continue
		find "$p/fd" -maxdepth 1 -lname "*$lock*" 2>/dev/null | grep -q . && n=$((n + 1))
	done
	echo "$n"
}

# run_case NAME FILTER JOBS WORKERS INJECT: conform with the pool locked; once WORKERS workers
# wait on it, inject (when INJECT=1) and unlock. Leaves the results directory in $work/NAME.
run_case() {
	local name=$1 filter=$2 jobs=$3 workers=$4 inject=$5
	rm -f "$work/release"
	( exec 9<"$lock"; flock -x 9; : >"$work/locked"
	  while [[ ! -e $work/release ]]; do sleep 0.05; done ) &
	local holder=$!
	while [[ ! -e $work/locked ]]; do sleep 0.05; done
	rm -f "$work/locked"
	${wrap:-} "$ms" conform --fs tmpfs --jobs "$jobs" --filter "$filter" --out "$work/$name" \
		>"$work/$name.out" 2>&1 &
	local conform=$! t=0
	while [[ $(waiting_workers) -lt $workers && $t -lt 300 ]]; do sleep 0.05; t=$((t + 1)); done
	[[ $t -lt 300 ]] || echo "note: $name: only $(waiting_workers) of $workers workers waited"
	[[ $inject == 1 ]] && echo "<4>WARNING: CPU: 0 PID: $$ at $marker" >/dev/kmsg
	: >"$work/release"
	wait "$holder"
	wait "$conform"
	echo $? >"$work/$name.rc"
}

# results NAME: "test outcome has_marker_in_kernel_log message" per result
results() {
	python3 - "$(ls -d "$work/$1"/*/ | head -1)/results.json" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["conformance"]:
    log = c.get("kernel_log") or ""
    print(c["suite"] + "/" + c["test"], c["outcome"], "mmapsuite-test" in log,
          (c.get("message") or "").replace("\n", " "))
PY
}

one=mmap_hugetlb/anon_map_touch_and_mincore
run_case injected "$one" 1 1 1
results injected >"$work/injected.txt"; cat "$work/injected.txt"
check "a splat during $one fails it with the line in kernel_log (exit 1)" \
	grep -q "^$one fail True kernel log during the test: WARNING: .*mmapsuite-test" "$work/injected.txt"
check "conform exits 1" grep -qx 1 "$work/injected.rc"
dir=$(ls -d "$work/injected"/*/ | head -1)
check "index.html shows the kernel log line" grep -q "kernel-log.*mmapsuite-test\|mmapsuite-test" "$dir/index.html"
check "summary.md shows the kernel log line" grep -q "WARNING: CPU: 0 PID: .* mmapsuite-test" "$dir/summary.md"
check "summary.md says kernel health was checked per test" grep -q "Kernel health: checked per test" "$dir/summary.md"

run_case quiet "$one" 1 1 0
results quiet >"$work/quiet.txt"; cat "$work/quiet.txt"
check "without injection $one passes (or skips), no kernel_log" grep -qE "^$one (pass|skip) False" "$work/quiet.txt"
check "the quiet run exits 0" grep -qx 0 "$work/quiet.rc"

# Two tests waiting at once (--jobs 2): the line falls in both; both fail, each names the other.
two='hugetlbfs/*'
run_case concurrent "$two" 2 2 1
results concurrent >"$work/concurrent.txt"; cat "$work/concurrent.txt"
check "both concurrent tests fail with the line" \
	test "$(grep -c ' fail True .*may come from a test running at the same time' "$work/concurrent.txt")" -eq 2

# Without /dev/kmsg (a private /dev in a mount namespace), syslog(2) is read instead: coarser,
# by timestamp, but the test running at the moment still fails.
wrap="unshare -m --propagation private $(cd "$(dirname "$0")" && pwd)/no-kmsg.sh"
run_case syslog "$one" 1 1 1
unset wrap
results syslog >"$work/syslog.txt"; cat "$work/syslog.txt"
check "without /dev/kmsg (syslog(2) read instead) the splat still fails $one" \
	grep -q "^$one fail True" "$work/syslog.txt"
dir=$(ls -d "$work/syslog"/*/ | head -1)
check "summary.md says the check was coarser" grep -q "Kernel health: checked .*coarser" "$dir/summary.md"

# Without the right to read the kernel log (kernel.dmesg_restrict=1, a user without
# CAP_SYSLOG) the run says so: never a silent pass.
if [[ $(cat /proc/sys/kernel/dmesg_restrict) == 1 ]]; then
	mkdir -p "$work/user" && chown nobody "$work/user"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$ms" conform --fs tmpfs \
		--filter 'msync/*' --out "$work/user" >/dev/null 2>&1
	dir=$(ls -d "$work/user"/*/ | head -1)
	check "as nobody, summary.md says kernel health was not checked" \
		grep -q "Kernel health: \*\*not checked\*\* per test: /dev/kmsg: Operation not permitted" "$dir/summary.md"
	check "as nobody, index.html says kernel health was not checked" \
		grep -q "Kernel health was <b>not checked</b>" "$dir/index.html"
fi

# A quiet run of a whole suite: no test fails for kernel health.
"$ms" conform --fs tmpfs --jobs 2 --filter 'mmap_shared/*' --out "$work/quiet-suite" >/dev/null 2>&1
results quiet-suite >"$work/quiet-suite.txt"
check "a quiet run of mmap_shared/* has no kernel_log" bash -c "! grep -q ' True ' '$work/quiet-suite.txt'"

echo "kernel health: $((checks - fails)) of $checks checks passed"
[[ $fails -eq 0 ]]
