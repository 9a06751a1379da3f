#!/usr/bin/env bash
# step: ASan+UBSan conformance pass on tmpfs, the tests of tools/checks/asan-exclude.txt left out
# tier: deep
# A build with MMAPSUITE_SANITIZE and MMAPSUITE_SANITIZE_TESTS (build/asan-conform: the test
# binary itself under AddressSanitizer and UBSan, -fno-sanitize-recover=all) runs the whole
# conformance suite on tmpfs but the excluded tests, under tools/checks/sanitized-run
# (handle_segv=0, handle_sigbus=0: tests fault on purpose; no machine-wide setting is touched).
# Passes when no process wrote a sanitizer report and every test run has the verdict the
# unsanitized build gives it in a run with the same filter. docs/checks.md.
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

# The filter: every test but the excluded ones ('!(a|b)', FNM_EXTMATCH). Each line of the list
# is "suite/test-or-glob  reason"; a line without a reason is refused.
patterns=$(awk -v f="$exclude" '
	/^[[:space:]]*(#|$)/ { next }
	NF < 2 { printf "%s:%d: %s has no reason\n", f, NR, $1 > "/dev/stderr"; bad = 1; next }
	{ p = p (p == "" ? "" : "|") $1 }
	END { if (bad) exit 2; print p }' "$exclude") || { echo "FAIL: $exclude is malformed"; exit 1; }
filter='*'
[[ -n $patterns ]] && filter="!($patterns)"
echo "left out: $(tr '|' '\n' <<<"$patterns" | grep -c .) pattern(s) of $exclude"

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
# Criterion's own allocations (libcriterion, not ours) are left to LSan's suppressions.
LSAN_EXTRA="suppressions=$top/tools/checks/lsan-suppressions.txt" \
	"$top/tools/checks/sanitized-run" "$logs" asan-conformance -- \
	"$build/asan-conform/bin/mmapsuite" "${args[@]}" --out "$out/asan" || failed=1
"$bin/mmapsuite" "${args[@]}" --out "$out/plain" >"$out/plain.log" 2>&1
echo "unsanitized run: exit $? (output in $out/plain.log)"

# The verdicts must be the same, test by test.
python3 - "$out/asan" "$out/plain" <<'PY' || failed=1
import glob, json, sys
def verdicts(root):
    runs = glob.glob(root + "/*/results.json")
    if len(runs) != 1:
        sys.exit(f"FAIL: {root}: expected one run, found {len(runs)}")
    return {(c["suite"], c["test"], c["fs"]): c["outcome"] for c in json.load(open(runs[0]))["conformance"]}
asan, plain = verdicts(sys.argv[1]), verdicts(sys.argv[2])
diff = sorted(k for k in asan.keys() | plain.keys() if asan.get(k) != plain.get(k))
for k in diff:
    print(f"  {'/'.join(k[:2])} ({k[2]}): ASan {asan.get(k)}, unsanitized {plain.get(k)}")
counts = {}
for o in asan.values():
    counts[o] = counts.get(o, 0) + 1
print(f"{len(asan)} verdicts under ASan ({', '.join(f'{n} {o}' for o, n in sorted(counts.items()))}); "
      f"{len(diff)} differ from the unsanitized run")
sys.exit(1 if diff else 0)
PY
exit "$failed"
