#!/bin/sh
# mmapsuite on a LAVA device: the test definition's one step (tools/lava/mmapsuite.yaml).
# Runs the conformance suite from the relocatable bundle, reports every result as a LAVA test
# case (lava-test-case, read from the run's KTAP file), one test set per file system, and
# sends the results directory back over the console between markers, because LAVA has no
# upload from the device (tools/lava/collect takes it out of the job log on the host).
#
#   sh tools/lava/dut-run.sh   (parameters come from the environment, set by the test
#                               definition: DEVICE FS FS_SIZE FILTER BUNDLE EXPECT)
#
# KTAP -> LAVA: ok = pass; ok # SKIP = skip; not ok = fail; not ok # error (BROKEN: the
# test's own set-up failed) = fail; ok # XFAIL (a known deviation in the expectation file)
# = pass named <case>.XFAIL, since LAVA has no XFAIL result; ok after an "XPASS:"
# diagnostic = pass named <case>.XPASS. The case is <suite>.<test>, the set the file system.
# POSIX sh and busybox only: a farm's ramdisk has little else. Everything this creates is
# under one temporary directory, removed at the end and on SIGINT/SIGTERM.
DEVICE=${DEVICE:-unknown}
FS=${FS:-tmpfs}
FS_SIZE=${FS_SIZE:-256}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${BUNDLE:-}" ]; then
	# the bundle packed next to the test definition (tools/lava/pack), else the image's
	for b in "$here/../../bundle" /opt/mmapsuite; do
		[ -x "$b/bin/mmapsuite" ] && { BUNDLE=$(cd "$b" && pwd); break; }
	done
fi
say() { echo "mmapsuite-lava: $*"; }
if [ -z "${BUNDLE:-}" ] || [ ! -x "$BUNDLE/bin/mmapsuite" ]; then
	say "no mmapsuite bundle (set BUNDLE, or pack one with tools/lava/pack)"
	lava-test-raise "mmapsuite-bundle-missing" 2>/dev/null
	exit 2
fi
EXPECT=${EXPECT:-$BUNDLE/kernel.expect}
# the set name carries the file system; LAVA splits signals on spaces and '='
case $DEVICE in *[!A-Za-z0-9._-]*) say "DEVICE '$DEVICE': letters, digits, . _ - only"; exit 2 ;; esac

work=$(mktemp -d /tmp/mmapsuite-lava.XXXXXX) || exit 2
trap 'cd /; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
cd "$work" || exit 2

set -- conform --fs "$FS" --fs-size "$FS_SIZE" --place "board:lava-$DEVICE" --out "$work/out"
[ -n "${FILTER:-}" ] && set -- "$@" --filter "$FILTER"
[ -f "$EXPECT" ] && set -- "$@" --expect "$EXPECT"
say "$BUNDLE/bin/mmapsuite $*"
"$BUNDLE/bin/mmapsuite" "$@"
rc=$?
run=$(ls -d "$work"/out/*/ 2>/dev/null | head -1)
run=${run%/}
if [ -z "$run" ] || [ ! -f "$run/ktap.txt" ]; then
	say "no results directory (mmapsuite exit $rc)"
	lava-test-raise "mmapsuite-no-results" 2>/dev/null
	echo "MMAPSUITE-EXIT $rc"
	exit 1
fi

# KTAP lines to "set case result", in the file's order; sets in order of first appearance.
awk '
	/^# [^ ]+: XPASS: / { n = $2; sub(/:$/, "", n); xpass[n] = 1; next }
	/^(not )?ok [0-9]+ / {
		notok = ($1 == "not"); name = notok ? $4 : $3
		split(name, p, "@"); fs = p[2]; cs = p[1]
		if (notok) r = "fail"
		else if ($0 ~ / # SKIP( |$)/) r = "skip"
		else if ($0 ~ / # XFAIL( |$)/) { r = "pass"; cs = cs ".XFAIL" }
		else if (name in xpass) { r = "pass"; cs = cs ".XPASS" }
		else r = "pass"
		gsub(/[^A-Za-z0-9._-]/, "_", cs); gsub(/[^A-Za-z0-9._-]/, "_", fs)
		print fs, cs, r
	}' "$run/ktap.txt" > "$work/cases"
for set in $(awk '!seen[$1]++ { print $1 }' "$work/cases"); do
	lava-test-set start "$set"
	awk -v s="$set" '$1 == s { print $2, $3 }' "$work/cases" |
		while read -r case result; do lava-test-case "$case" --result "$result"; done
	lava-test-set stop
done

# The results directory, without what the host renders again (HTML, plots), as a base64
# tar.gz between markers; the END line carries the byte count and a checksum.
name=$(basename "$run")
set -- results.json ktap.txt
for f in "$run"/*.jsonl "$run"/*.log; do [ -f "$f" ] && set -- "$@" "${f##*/}"; done
(cd "$run" && tar czf "$work/results.tgz" "$@")
sum=$(sha256sum "$work/results.tgz" | cut -d' ' -f1)
bytes=$(wc -c < "$work/results.tgz" | tr -d ' ')
echo "MMAPSUITE-RESULTS-BEGIN $name"
base64 "$work/results.tgz" | sed 's/^/MMAPSUITE-B64 /'
echo "MMAPSUITE-RESULTS-END $name $bytes $sum"
echo "MMAPSUITE-EXIT $rc"
exit 0
