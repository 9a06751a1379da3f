#!/usr/bin/env bash
# step: clauses: every clause of suites/clauses/ has a status and names only existing tests, every test is named by a clause (list --clauses --strict)
# Also proves --strict has teeth on copies of the tables: a clause without a status, a test
# name that does not exist, a malformed row, an id used twice and a test of the build that no
# row names (a new test filed without its clause) are each refused.
set -uo pipefail
bin=$1
# shellcheck source-path=SCRIPTDIR source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
step_begin clauses "$2"

"$bin/mmapsuite" list --clauses --strict >"$out/list.txt" 2>"$out/list.err"
rc=$?
[[ $rc == 0 ]] || fail "list --clauses --strict exit $rc: $(head -5 "$out/list.err")"
grep -q '^all documents: [0-9]* clauses' "$out/list.txt" || fail "no clause totals"
grep -q '^argument-class cells filled: [0-9]* of [0-9]*' "$out/list.txt" || fail "no matrix total"
# The compiled-in copy is the repository's: the same totals from the directory.
"$bin/mmapsuite" list --clauses --strict --clauses-dir "$top/suites/clauses" >"$out/dir.txt" 2>&1 ||
	fail "list --clauses-dir of the repository's tables"
diff -q <(grep -E '^(all documents|argument-class)' "$out/list.txt") \
	<(grep -E '^(all documents|argument-class)' "$out/dir.txt") >/dev/null ||
	fail "the compiled-in tables differ from suites/clauses/ (rebuild?)"

# mutate NAME SED-EXPR EXPECTED-RC WHAT STDERR [TABLE]: a copy of the tables with one edit of
# TABLE (default posix-2024.clauses) must be refused, saying STDERR.
mutate() {
	local d=$out/$1
	mkdir -p "$d" && cp "$top"/suites/clauses/* "$d/"
	sed -i "$2" "$d/${6:-posix-2024.clauses}"
	"$bin/mmapsuite" list --clauses --strict --clauses-dir "$d" >"$d.out" 2>"$d.err"
	local r=$?
	[[ $r == "$3" ]] || fail "$4: exit $r, expected $3"
	grep -q "$5" "$d.err" || fail "$4: stderr lacks '$5': $(head -3 "$d.err")"
}
mutate no-status 's/^\(P-mmap-01 | mmap | DESCRIPTION | \)tested/\1/' 1 "a clause without a status" "has no status"
mutate bad-status 's/^\(P-mmap-04 | mmap | [^|]* | \)tested/\1probably/' 1 "an unknown status" "not one of"
mutate ghost-test 's#mmap_classes/bad_fd_fails_ebadf_shared_minus_1#mmap_classes/no_such_test#' 1 "a test that does not exist" "not a test of this build"
mutate malformed 's/^\(P-mmap-05 | mmap\) |/\1/' 2 "a row with a missing field" "fields, expected 8"
mutate duplicate-id 's/^P-mmap-05 |/P-mmap-04 |/' 2 "an id used twice" "id P-mmap-04 already used at posix-2024.clauses:"
# A test of this build that no row names: its name taken out of the one row that lists it.
unnamed=mmap_anonymous_cow/thp_private_after_fork
[[ $(grep -ho "$unnamed\b" "$top"/suites/clauses/* | wc -l) == 1 ]] ||
	fail "$unnamed is not named exactly once in suites/clauses/ (pick another test here)"
mutate unnamed-test "s# $unnamed##" 1 "a test no clause names" "test $unnamed is named by no clause" checklist.clauses
# Without --strict the same problems are reported but do not fail.
"$bin/mmapsuite" list --clauses --clauses-dir "$out/no-status" >/dev/null 2>&1 ||
	fail "list --clauses without --strict failed on a problem"
[[ $bad == 0 ]] && echo "step-clauses: ok: $(grep '^all documents' "$out/list.txt"); $(grep '^argument-class' "$out/list.txt")"
exit $bad
