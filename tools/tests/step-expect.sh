#!/usr/bin/env bash
# step: known deviations: --expect turns a matched failure into XFAIL, keeps other failures, lists XPASS
# A failure is forced with a test-only faulty library (fresh anonymous memory not zeroed) on
# one test; each case runs that single test on a tmpfs.
set -uo pipefail
bin=$1 out=$2/expect
top=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$out" && mkdir -p "$out"
test_glob='mmap_anonymous/private_reads_zero_and_is_writable'
fault=$bin/libfaulty-anon_not_zeroed.so
bad=0
fail() { echo "step-expect: FAILED: $*"; bad=1; }

# conform RUN_NAME [mmapsuite options...]: one run; prints nothing, sets rc and dir.
conform() {
	local name=$1; shift
	"$bin/mmapsuite" conform --fs tmpfs --jobs 1 --filter "$test_glob" --out "$out/$name" "$@" \
		>"$out/$name.out" 2>"$out/$name.err"
	rc=$?
	dir=$(ls -d "$out/$name"/*/ 2>/dev/null | head -1)
}
outcome() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]+"/results.json")); print(" ".join(c["outcome"] for c in r["conformance"]))' "$1"; }

[[ -r $fault ]] || { echo "step-expect: $fault is not built"; exit 1; }
"$bin/mmapsuite" expect --help >/dev/null || fail "expect --help"
# The repository's own file is well formed.
conform repo --expect "$top/suites/expect/kernel.expect"
[[ $rc == 0 ]] || fail "the repository's kernel.expect: exit $rc: $(cat "$out/repo.err")"

# 1. A forced failure without expectations: FAIL, exit 1.
LD_PRELOAD=$fault conform plain
[[ $rc == 1 && $(outcome "$dir") == fail ]] || fail "forced failure: exit $rc, $(outcome "$dir")"
plain_dir=$dir

# 2. Matched by a line (with its message pattern): XFAIL, exit 0, in every report.
cat >"$out/match.expect" <<'X'
# forced by the faulty library anon_not_zeroed
mmap_anonymous/private_reads_zero_* fs=tmpfs message="fresh anonymous mapping: byte * is 0x5a, not 0*" reason="forced: libfaulty-anon_not_zeroed leaves 0x5a"
X
LD_PRELOAD=$fault conform match --expect "$out/match.expect"
[[ $rc == 0 && $(outcome "$dir") == xfail ]] || fail "matched failure: exit $rc, $(outcome "$dir")"
grep -q '^ok 1 mmap_anonymous.private_reads_zero_and_is_writable@tmpfs # XFAIL forced: libfaulty' \
	"$dir/ktap.txt" || fail "ktap.txt has no XFAIL line"
grep -q 'xfail:1 xpass:0' "$dir/ktap.txt" || fail "ktap.txt totals"
grep -q '<skipped message="XFAIL: forced: libfaulty-anon_not_zeroed leaves 0x5a' "$dir/junit.xml" ||
	fail "junit.xml has no XFAIL <skipped>"
grep -q '### Expected failures' "$dir/summary.md" || fail "summary.md has no expected failures"
grep -q 'id="expected"' "$dir/index.html" || fail "index.html has no known deviations section"
python3 - "$dir" "$out/match.expect" <<'PY' || fail "results.json does not record the expectation"
import json, sys
c = json.load(open(sys.argv[1] + "/results.json"))["conformance"][0]
e = c["expectation"]
assert e["line"] == 2 and e["file"] == sys.argv[2] and e["reason"].startswith("forced"), e
assert "0x5a" in c["message"], c["message"]
PY
match_dir=$dir
CHECK_REPORT_NO_BOOTSTRAP=1 python3 "$top/reports/tests/check_report.py" "$dir" >"$out/check.out" ||
	fail "the reports of the XFAIL run disagree with results.json: $(cat "$out/check.out")"
# compare lists fail -> xfail as a change of known deviation, not a regression.
"$bin/mmapsuite" compare --out "$out/cmp" "$plain_dir" "$match_dir" >"$out/cmp.out" 2>&1
grep -q 'known deviation' "$out/cmp"/*.md 2>/dev/null || grep -rq 'known deviation' "$out/cmp" ||
	fail "compare does not list the change of known deviation ($(tail -2 "$out/cmp.out"))"

# 3. The same test failing differently is not hidden: FAIL, exit 1.
cat >"$out/other.expect" <<'X'
mmap_anonymous/private_reads_zero_* message="*crashed*" reason="a different failure than the one that happens"
X
LD_PRELOAD=$fault conform other --expect "$out/other.expect"
[[ $rc == 1 && $(outcome "$dir") == fail ]] || fail "other message: exit $rc, $(outcome "$dir")"

# 4. The expected failure is gone: XPASS listed, exit 0; with --strict-expect exit 1.
conform xpass --expect "$out/match.expect"
[[ $rc == 0 && $(outcome "$dir") == xpass ]] || fail "xpass: exit $rc, $(outcome "$dir")"
grep -q 'XPASS: expected to fail but passed' "$out/xpass.err" &&
	grep -q 'private_reads_zero_and_is_writable on tmpfs .*match.expect:2)' "$out/xpass.err" ||
	fail "the XPASS is not listed with its line"
CHECK_REPORT_NO_BOOTSTRAP=1 python3 "$top/reports/tests/check_report.py" "$dir" >"$out/check.out" ||
	fail "the reports of the XPASS run disagree with results.json: $(cat "$out/check.out")"
conform strict --expect "$out/match.expect" --strict-expect
[[ $rc == 1 && $(outcome "$dir") == xpass ]] || fail "--strict-expect: exit $rc"

# 5. Malformed and placeholder files: exit 2 naming file:line, nothing written.
printf '# ok\nmmap_anonymous/* reason="fine"\nmmap_anonymous/* colour=red reason="x"\n' >"$out/bad.expect"
printf 'mmap_anonymous/* reason="FILL IN: later"\n' >"$out/placeholder.expect"
for f in bad placeholder; do
	conform "$f" --expect "$out/$f.expect"
	want="$out/$f.expect:$([[ $f == bad ]] && echo 3 || echo 1):"
	[[ $rc == 2 ]] || fail "$f.expect: exit $rc, expected 2"
	grep -qF "$want" "$out/$f.err" || fail "$f.expect: message does not name $want: $(cat "$out/$f.err")"
	[[ ! -e $out/$f ]] || fail "$f.expect: a results directory was written"
done

# 6. expect --from: a file from the failures, a placeholder --expect refuses, never overwritten.
"$bin/mmapsuite" expect --from "$plain_dir" --out "$out/gen.expect" 2>"$out/gen.err" ||
	fail "expect --from: exit $?"
grep -q "^$test_glob fs=tmpfs kernel=.* arch=.* message=.* reason=\"FILL IN" "$out/gen.expect" ||
	fail "expect --from wrote: $(cat "$out/gen.expect")"
sum=$(md5sum <"$out/gen.expect")
"$bin/mmapsuite" expect --from "$plain_dir" --out "$out/gen.expect" 2>/dev/null
[[ $? == 2 && $(md5sum <"$out/gen.expect") == "$sum" ]] || fail "expect --from overwrote a file"
LD_PRELOAD=$fault conform gen --expect "$out/gen.expect"
[[ $rc == 2 ]] && grep -q 'gen.expect:[0-9]*: the reason is still the placeholder' "$out/gen.err" ||
	fail "a placeholder reason was accepted (exit $rc)"
sed 's/reason="FILL IN[^"]*"/reason="forced by the faulty library"/' "$out/gen.expect" >"$out/filled.expect"
LD_PRELOAD=$fault conform filled --expect "$out/filled.expect"
[[ $rc == 0 && $(outcome "$dir") == xfail ]] || fail "round trip: exit $rc, $(outcome "$dir")"

[[ $bad == 0 ]] && echo "step-expect: xfail, other failure, xpass, strict, malformed, placeholder, expect --from: all as expected"
exit $bad
