#!/usr/bin/env bash
# step: containment: SIGINT, SIGTERM, SIGHUP, SIGKILL mid-run leave nothing; kill(-1) stays inside
# Args: BIN_DIR OUT_DIR. Sends each signal to `mmapsuite conform --fs tmpfs,ext4` while its
# tests run, then checks: the harness's exit status; no mmapsuite-conform process left (none
# re-parented to PID 1 either); no result line written after the harness exited; no mount,
# loop device or cgroup of the run left (after SIGKILL: once the next run has reaped); the
# machine-wide settings equal their snapshot; no Criterion socket left in /tmp (nor its
# shared memory in /dev/shm); a canary
# process outside survives. Then the unit tests of the launcher (kill(-1, SIGKILL) from
# inside a run, stop, harness death).
set -uo pipefail
bin=$(cd "$1" && pwd)
out=$2/contain
rm -rf "$out" && mkdir -p "$out"
if [[ $(id -u) != 0 ]]; then
	echo "SKIP: needs root (PID namespaces, loop-mounted ext4)"
	exit 0
fi
conform=$(readlink -f "$bin/mmapsuite-conform")
# the machine-wide settings tests may change: the one list, lib/machine_settings.c
top=$(cd "$(dirname "$0")/../.." && pwd)
settings=$(grep -o '"/\(proc\|sys\)/[^"]*"' "$top/lib/machine_settings.c" | tr -d '"')
[[ -n $settings ]] || { echo "FAIL: no setting paths found in lib/machine_settings.c"; exit 1; }
failed=0
bad() { echo "FAIL: $*"; failed=1; }
snap() { for f in $settings; do printf '%s=%s\n' "$f" "$(cat "$f" 2>/dev/null)"; done; }
conform_procs() {
	local p
	for p in /proc/[0-9]*; do
		[[ $(readlink "$p/exe" 2>/dev/null) == "$conform" ]] && echo "${p#/proc/}"
	done
}
# Criterion sockets in /tmp that no live socket is bound to
dead_sockets() {
	local s live
	live=$(awk 'NR > 1 && $8 ~ /^\/tmp\/criterion_/ { print $8 }' /proc/net/unix | sort -u)
	for s in /tmp/criterion_*.sock; do
		[[ -S $s ]] && ! grep -qxF "$s" <<<"$live" && echo "$s"
	done
}
# mmapsuite-conform runs of other checkouts change the same settings inside their tests
foreign() {
	local p e
	for p in /proc/[0-9]*; do
		e=$(readlink "$p/exe" 2>/dev/null) || continue
		[[ ${e##*/} == mmapsuite-conform && $e != "$conform" ]] && echo "${p#/proc/}"
	done
}
quiet() { for ((q = 0; q < 30; q++)); do [[ -z $(foreign) ]] && return 0; sleep 1; done; return 1; }
lines_of() { cat "$1"/*/conform-*.jsonl 2>/dev/null | wc -l; }

sleep 600 & canary=$!
quiet || echo "NOTE: other checkouts' mmapsuite-conform runs are going: settings may differ"
settings_before=$(snap)
sockets_before=$(dead_sockets | sort)
shm_before=$(find /dev/shm -maxdepth 1 -name 'bxfi_*' -printf '%f\n' | sort)
declare -A want=([INT]=130 [TERM]=143 [HUP]=129 [KILL]=137)
for sig in INT TERM HUP KILL; do
	dir=$out/$sig
	"$bin/mmapsuite" conform --fs tmpfs,ext4 --jobs 2 --out "$dir" >"$out/$sig.log" 2>&1 &
	h=$!
	for ((i = 0; i < 300; i++)); do # mid-run: once 20 results are in
		(($(lines_of "$dir") >= 20)) && break
		sleep 0.1
	done
	(($(lines_of "$dir") >= 20)) || bad "$sig: the run never got going (see $out/$sig.log)"
	kill -"$sig" "$h"
	wait "$h"
	rc=$?
	((rc == want[$sig])) || bad "$sig: the harness exited $rc, expected ${want[$sig]}"
	lines=$(lines_of "$dir")
	left=$(conform_procs)
	if [[ $sig == KILL ]]; then # the init dies of PDEATHSIG, then its namespace
		for ((i = 0; i < 100 && ${#left}; i++)); do
			sleep 0.05
			left=$(conform_procs)
		done
	fi
	[[ -z $left ]] || bad "$sig: mmapsuite-conform still running after the harness: $(echo $left)"
	sleep 2
	left=$(conform_procs)
	[[ -z $left ]] || bad "$sig: mmapsuite-conform still running 2 s later: $(echo $left)"
	((lines == $(lines_of "$dir"))) ||
		bad "$sig: result lines went from $lines to $(lines_of "$dir") after the harness exited"
	if [[ $sig == KILL ]]; then # the next run reaps what a SIGKILLed one left (one quick
		# test: a filter that selects none is refused before anything, reaping included)
		"$bin/mmapsuite" conform --fs tmpfs --filter 'mmap_shared/store_reaches_file_after_msync' \
			--out "$out/reap" >"$out/reap.log" 2>&1
	fi
	grep -q "/mmapsuite/$h-" /proc/self/mountinfo && bad "$sig: mounts of run $h left"
	losetup -a 2>/dev/null | grep -q "/mmapsuite/$h-" && bad "$sig: loop devices of run $h left"
	cg=$(find /sys/fs/cgroup -maxdepth 6 -name "mmapsuite-*-$h.*" 2>/dev/null)
	[[ -z $cg ]] || bad "$sig: cgroups of run $h left: $cg"
	now=$(snap)
	if [[ $now != "$settings_before" ]] && ! quiet; then
		echo "NOTE: $sig: settings not compared: another checkout's mmapsuite-conform runs"
	elif now=$(snap); [[ $now != "$settings_before" ]]; then
		bad "$sig: settings differ from their snapshot: $(diff <(echo "$settings_before") <(echo "$now") | grep '^[<>]' | tr '\n' ' ')"
	fi
	new_sockets=$(comm -13 <(echo "$sockets_before") <(dead_sockets | sort))
	[[ -z $new_sockets ]] || bad "$sig: Criterion sockets left in /tmp: $new_sockets"
	new_shm=$(comm -13 <(echo "$shm_before") <(find /dev/shm -maxdepth 1 -name 'bxfi_*' -printf '%f\n' | sort))
	[[ -z $new_shm ]] || bad "$sig: Criterion shared memory left in /dev/shm: $new_shm"
	echo "$sig: exit $rc, $lines result lines, nothing left"
done
kill -0 "$canary" 2>/dev/null || bad "the canary outside the runs was killed"
kill "$canary"

"$bin/mmapsuite-unit" --filter 'contain/*' >"$out/unit.log" 2>&1 ||
	bad "unit tests of the launcher (see $out/unit.log)"
tail -n 1 "$out/unit.log"
exit "$failed"
