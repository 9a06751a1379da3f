#!/usr/bin/env bash
# step: ASan+UBSan conformance pass on tmpfs, verdicts as unsanitized but for tools/checks/asan-exclude.txt
# tier: deep
# A build with MMAPSUITE_SANITIZE and MMAPSUITE_SANITIZE_TESTS (build/asan-conform: the test
# binary itself under AddressSanitizer and UBSan, -fno-sanitize-recover=all) runs the whole
# conformance suite on tmpfs under tools/checks/sanitized-run (handle_segv=0, handle_sigbus=0:
# tests fault on purpose; no machine-wide setting is touched). Passes when no process wrote a
# sanitizer report and every test not listed in tools/checks/asan-exclude.txt has the verdict
# the unsanitized build gives it in a run with the same filter. docs/checks.md.
set -uo pipefail
bin=$1 out=$2/asan-conformance
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(dirname "$bin")
exclude=$top/tools/checks/asan-exclude.txt
rm -rf "$out" && mkdir -p "$out"
# Reports must land where contained tests can write (not below a private /tmp or /dev/shm).
logs=$out
case $(cd "$out" && pwd -P)/ in
/tmp/* | /dev/shm/*)
	logs=$(mktemp -d /var/tmp/mmapsuite-asan-conformance.XXXXXX) || exit 1
	trap 'cp -a "$logs"/. "$out"/ 2>/dev/null; rm -rf "$logs"' EXIT ;;
esac

# Each line of the list is "suite/test-or-glob  reason"; a line without a reason is refused.
# Every listed test is left out of the verdict comparison; it still runs under ASan (its
# memory errors still count) unless its reason starts with "[not run]": those are left out
# of the run too, by the filter '!(a|b)' (FNM_EXTMATCH). Few: Criterion's matcher of such a
# filter costs about a second of CPU per pattern.
read_list() { # ALL|NOT-RUN: the patterns, joined by '|'
	awk -v f="$exclude" -v which="$1" '
		/^[[:space:]]*(#|$)/ { next }
		NF < 2 { printf "%s:%d: %s has no reason\n", f, NR, $1 > "/dev/stderr"; bad = 1; next }
		which == "ALL" || $2 == "[not" { p = p (p == "" ? "" : "|") $1 }
		END { if (bad) exit 2; print p }' "$exclude"
}
compared_out=$(read_list ALL) && not_run=$(read_list NOT-RUN) ||
	{ echo "FAIL: $exclude is malformed"; exit 1; }
filter='*'
[[ -n $not_run ]] && filter="!($not_run)"
echo "left out of the comparison: $(tr '|' '\n' <<<"$compared_out" | grep -c .) pattern(s) of $exclude;" \
	"not run: ${not_run:-none}"

# Mode 2 makes the kernel ignore MAP_NORESERVE, with which every ASan process reserves its
# shadow: no ASan program starts. The step changes no machine-wide setting, so it skips.
if [[ $(cat /proc/sys/vm/overcommit_memory 2>/dev/null) == 2 ]]; then
	echo "SKIP: vm.overcommit_memory is 2 (never overcommit): ASan cannot reserve its shadow memory"
	exit 0
fi

if ! MMAPSUITE_BUILD=$build/asan-conform "$top/tools/build" -DMMAPSUITE_SANITIZE=ON \
	-DMMAPSUITE_SANITIZE_TESTS=ON >"$out/build.log" 2>&1; then
	echo "FAIL: the ASan build failed:"; tail -n 20 "$out/build.log"; exit 1
fi

args=(conform --fs tmpfs --fs-size 512 --filter "$filter" --expect "$top/suites/expect/kernel.expect")
failed=0
# The listed tests fail under ASan, so the run exits 1 (tests failed); the comparison below
# judges the verdicts. Any other status, or any sanitizer report, fails the step.
# Criterion 2.4.1's runner leaves 192 bytes it calloc'd itself (4 objects, no frame of ours):
# LSAN_FOREIGN lists such a report without counting it.
LSAN_FOREIGN=libcriterion.so \
	"$top/tools/checks/sanitized-run" "$logs" asan-conformance -- \
	bash -c '"$@"; rc=$?; exit $((rc == 1 ? 0 : rc))' conform \
	"$build/asan-conform/bin/mmapsuite" "${args[@]}" --out "$out/asan" || failed=1
"$bin/mmapsuite" "${args[@]}" --out "$out/plain" >"$out/plain.log" 2>&1
echo "unsanitized run: exit $? (output in $out/plain.log)"

# The verdicts must be the same, test by test.
python3 - "$out/asan" "$out/plain" "$compared_out" <<'PY' || failed=1
import fnmatch, glob, json, sys
def verdicts(root):
    runs = glob.glob(root + "/*/results.json")
    if len(runs) != 1:
        sys.exit(f"FAIL: {root}: expected one run, found {len(runs)}")
    return {(c["suite"], c["test"], c["fs"]): c["outcome"] for c in json.load(open(runs[0]))["conformance"]}
asan, plain = verdicts(sys.argv[1]), verdicts(sys.argv[2])
listed = [p for p in sys.argv[3].split("|") if p]
def compared(k):
    return not any(fnmatch.fnmatchcase(k[0] + "/" + k[1], p) for p in listed)
keys = [k for k in asan.keys() | plain.keys() if compared(k)]
diff = sorted(k for k in keys if asan.get(k) != plain.get(k))
for k in diff:
    print(f"  {'/'.join(k[:2])} ({k[2]}): ASan {asan.get(k)}, unsanitized {plain.get(k)}")
counts = {}
for k in keys:
    o = asan.get(k)
    counts[o] = counts.get(o, 0) + 1
print(f"{len(asan)} tests run under ASan, {len(keys)} verdicts compared "
      f"({', '.join(f'{n} {o}' for o, n in sorted(counts.items(), key=str))}); "
      f"{len(diff)} differ from the unsanitized run")
sys.exit(1 if diff else 0)
PY
exit "$failed"
