#!/usr/bin/env bash
# step: unusable --dir, damaged or full history, failed recording, results root without root
# Each case must name its cause: a --dir the suite cannot use exits 2 before anything is
# written; a damaged history database says "damaged" and names the file; a full disk says
# "disk full"; a run whose tests all pass but whose recording fails exits 3 saying so; a user
# without root and without --out gets the results root the README names.
#   step-bad-state.sh BIN_DIR OUT_DIR
set -uo pipefail
ms=$(cd "$1" && pwd)/mmapsuite work=$2/bad-state
# shellcheck source-path=SCRIPTDIR source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh" # top; expect STATUS PATTERN -- command...
rm -rf "$work" && mkdir -p "$work"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
nothing_written() {
	checks=$((checks + 1))
	[[ ! -e $1 ]] && ok "nothing written in $1" || fail "a refused command created $1"
}

# --- --dir the suite cannot use: exit 2, nothing written ---
expect 2 "--dir /proc: a proc pseudo file system" -- "$ms" conform --dir /proc --out "$work/o"
expect 2 "--dir /sys: a sysfs pseudo file system" -- "$ms" run --dir /sys --out "$work/o"
touch "$work/a-file"
expect 2 "--dir $work/a-file: not a directory" -- "$ms" conform --dir "$work/a-file" --out "$work/o"
if [[ $(id -u) -eq 0 ]]; then
	# A read-only mount, in a private mount namespace so nothing outlives the step.
	mkdir -p "$work/ro"
	expect 2 "--dir $work/ro: on a read-only mount" -- unshare -m --propagation private \
		sh -c "mount -t tmpfs -o ro,size=1m mmapsuite-test-ro '$work/ro' &&
		       exec '$ms' conform --fs tmpfs --dir '$work/ro' --out '$work/o'"
	mkdir -p "$work/locked" && chmod 755 "$work/locked"
	expect 2 "--dir $work/locked: not writable by this user" -- \
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$ms" conform --dir "$work/locked" --out /tmp/mmapsuite-never-created-$$
	nothing_written /tmp/mmapsuite-never-created-$$
fi
nothing_written "$work/o"

# --- a damaged history database: pages overwritten ---
"$ms" report --history "$work/good.sqlite" --out "$work/rep" "$top/reports/tests/fixtures/run-small" \
	>/dev/null 2>&1 || fail "cannot make a history database from the fixture"
cp "$work/good.sqlite" "$work/damaged.sqlite"
dd if=/dev/zero of="$work/damaged.sqlite" bs=4096 seek=3 count=8 conv=notrunc status=none
sum=$(sha256sum <"$work/damaged.sqlite")
expect 2 "$work/damaged.sqlite: the database is damaged" -- \
	"$ms" history --db "$work/damaged.sqlite" --out "$work/hist" throughput
checks=$((checks + 1))
if "$ms" history --db "$work/damaged.sqlite" --out "$work/hist" throughput 2>&1 |
	grep -qE "no recorded run has metric|known metrics"; then
	fail "a damaged database is still read as 'no recorded run has metric'"
else
	ok "a damaged database is not read as an empty one"
fi
expect 0 "throughput" -- "$ms" history --db "$work/good.sqlite" --out "$work/hist" throughput
checks=$((checks + 1))
[[ $(sha256sum <"$work/damaged.sqlite") == "$sum" ]] && ok "the damaged database is left as it was" ||
	fail "the damaged database was modified"

# --- every test passes, recording fails: exit 3, "recording the run failed" ---
mkdir -p "$work/rec"
cp "$work/damaged.sqlite" "$work/rec/history.sqlite"
expect 3 "recording the run failed: .*damaged" -- \
	"$ms" conform --fs tmpfs --filter 'mmap_shared/*' --expect "$top/suites/expect/kernel.expect" \
		--out "$work/rec"
checks=$((checks + 1))
ls "$work"/rec/*/results.json >/dev/null 2>&1 && ok "results.json is still written" ||
	fail "results.json missing after a history failure"

# --- disk full: said as such, never "not an mmapsuite history database?" (the tmpfs is
# mounted 0755: a history database in a directory others may write is refused) ---
if [[ $(id -u) -eq 0 ]]; then
	mkdir -p "$work/full"
	full_case() { # DB_NAME: fill a 256 KiB tmpfs, then record into DB_NAME there
		unshare -m --propagation private sh -c "
			mount -t tmpfs -o size=256k,mode=0755 mmapsuite-test-full '$work/full' || exit 9
			[ '$1' = existing.sqlite ] && cp '$work/good.sqlite' '$work/full/$1'
			dd if=/dev/zero of='$work/full/fill' bs=4k 2>/dev/null
			exec '$ms' report --history '$work/full/$1' --out '$work/rep-full' \
				'$top/reports/tests/fixtures/run-small'"
	}
	for db in existing.sqlite new.sqlite; do
		checks=$((checks + 1))
		out=$(full_case "$db" 2>&1); rc=$?
		if [[ $rc -eq 3 ]] && grep -q "disk full" <<<"$out" && ! grep -q "not an mmapsuite" <<<"$out"; then
			ok "full disk, $db: exit 3, $(grep -o 'disk full.*' <<<"$out")"
		else
			fail "full disk, $db: exit $rc: $out"
		fi
	done
fi

# --- the results root itself full: exit 3, "recording the run failed", not "a test failed" ---
if [[ $(id -u) -eq 0 ]]; then
	mkdir -p "$work/full-out"
	expect 3 "recording the run failed: .*No space left" -- unshare -m --propagation private sh -c "
		mount -t tmpfs -o size=64k mmapsuite-test-full '$work/full-out' || exit 9
		dd if=/dev/zero of='$work/full-out/fill' bs=4k 2>/dev/null
		exec '$ms' conform --fs tmpfs --filter 'msync/*' --out '$work/full-out'"
fi

# --- without root and without --out: the results root the README names ---
if [[ $(id -u) -eq 0 ]]; then
	grep -q 'else `./mmapsuite-results`' "$top/README.md" ||
		fail "README no longer names ./mmapsuite-results as the fallback results root"
	mkdir -p "$work/user-cwd" && chown nobody "$work/user-cwd"
	checks=$((checks + 1))
	out=$(cd "$work/user-cwd" && env -u MMAPSUITE_OUT setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$ms" conform --fs tmpfs --filter 'msync/*' 2>&1)
	if grep -q "^results: mmapsuite-results/" <<<"$out" &&
		ls "$work"/user-cwd/mmapsuite-results/*/results.json >/dev/null 2>&1; then
		ok "as nobody, results go to ./mmapsuite-results (the project's reports/out is not writable)"
	else
		fail "as nobody without --out: $out"
	fi
	expect 2 "results root \(the default\) mmapsuite-results: not writable.*--out" -- \
		sh -c "cd / && exec env -u MMAPSUITE_OUT setpriv --reuid=nobody --regid=nogroup \
			--clear-groups '$ms' conform --fs tmpfs --filter 'msync/*'"
fi

echo "bad state: $((checks - fails)) of $checks checks passed"
[[ $fails -eq 0 ]]
