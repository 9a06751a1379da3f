#!/usr/bin/env bash
# Command-line checks: --help everywhere, and every kind of bad input gives one clear line
# naming what is wrong, exit status 2, and nothing written or overwritten.
#   cli_test.sh BUILD/bin/mmapsuite SCRATCH_DIR
set -uo pipefail
ms=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
# shellcheck source-path=SCRIPTDIR source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh" # expect STATUS PATTERN -- command...
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for cmd in run conform bench env list report compare history selftest; do
	expect 0 "usage: mmapsuite $cmd" -- "$ms" "$cmd" --help
done
expect 0 "usage: mmapsuite COMMAND" -- "$ms" --help
expect 2 "usage" -- "$ms"
expect 2 "unknown command 'frobnicate'" -- "$ms" frobnicate
for cmd in run conform bench; do
	expect 2 "unknown option '--bogus'" -- "$ms" "$cmd" --bogus --out "$work/out"
	expect 2 "unknown file system 'zfs'" -- "$ms" "$cmd" --fs tmpfs,zfs --out "$work/out"
	expect 2 "--fs-size: 'lots' is not a size" -- "$ms" "$cmd" --fs-size lots --out "$work/out"
	expect 2 "--fs-size 16000000 MiB: .* need" -- "$ms" "$cmd" --fs ext4 --fs-size 16000000 --out "$work/out"
	expect 2 "--dir $work/nonexistent: No such file" -- "$ms" "$cmd" --dir "$work/nonexistent" --out "$work/out"
	expect 2 "needs a value" -- "$ms" "$cmd" --fs
done
expect 2 "--jobs: 'many' is not a number" -- "$ms" conform --jobs many --out "$work/out"
expect 2 "--profile: choose quick or full" -- "$ms" run --profile huge --out "$work/out"
touch "$work/a-file"
expect 2 "--out $work/a-file: exists and is not a directory" -- "$ms" conform --out "$work/a-file"
checks=$((checks + 1))
[[ ! -e $work/out ]] || fail "a refused command created $work/out"

# Bad results files: named, exit 2, and left exactly as they were.
printf '' >"$work/empty.json"
printf '{"schema": "mmapsuite-results", "schema_ver' >"$work/truncated.json"
printf '{"name": "not results"}\n' >"$work/foreign.json"
printf '{"schema": "mmapsuite-results", "schema_version": 99}\n' >"$work/future.json"
mkdir -p "$work/empty-dir"
for f in empty truncated foreign future; do
	sum=$(sha256sum <"$work/$f.json")
	expect 2 "$work/$f.json: " -- "$ms" list --coverage --results "$work/$f.json"
	expect 2 "$work/$f.json: " -- "$ms" report "$work/$f.json"
	expect 2 "$work/$f.json: " -- "$ms" compare "$work/$f.json" "$work/$f.json"
	checks=$((checks + 1))
	[[ $(sha256sum <"$work/$f.json") == "$sum" ]] || fail "$f.json was modified"
done
expect 2 "$work/empty-dir/results.json: No such file" -- "$ms" report "$work/empty-dir"

# Inputs that got the wrong answer (issue 18): exit 2, one line naming the problem, nothing written.
expect 2 "option '--f' is ambiguous; it could be --filter, --fs, --fs-size" -- "$ms" conform --f x --out "$work/out"
expect 2 "option '--h' is ambiguous; it could be --history, --help" -- "$ms" report --h x
expect 2 "--fs ',' names no file system, so it selects no test" -- "$ms" conform --fs , --out "$work/out"
expect 2 "--filter 'no_such_suite/\*' selects no test" -- "$ms" conform --filter 'no_such_suite/*' --out "$work/out"
expect 2 "--filter 'no_such_suite/\*' selects no test" -- "$ms" run --no-bench --filter 'no_such_suite/*' --out "$work/out"
expect 2 "--allow-write needs --gpio-pin N" -- "$ms" run --allow-write --out "$work/out"
mkfifo "$work/fifo.expect"
printf 'mmap_shared/* fs=[tmpfs reason="x"\n' >"$work/bracket.expect"
head -c $((4 * 1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >"$work/big.expect"
expect 2 "--expect /dev/zero: a character device, not a regular file" -- timeout 20 "$ms" conform --expect /dev/zero --out "$work/out"
expect 2 "--expect $work/fifo.expect: a FIFO, not a regular file" -- timeout 20 "$ms" conform --expect "$work/fifo.expect" --out "$work/out"
expect 2 "big.expect: 4194305 bytes; an expectation file holds at most 4194304" -- "$ms" conform --expect "$work/big.expect" --out "$work/out"
expect 2 "bracket.expect:1: fs=: the pattern '\[tmpfs' has a '\[' with no closing" -- "$ms" conform --expect "$work/bracket.expect" --out "$work/out"
mkdir -p "$work/report-in" && cp "$(dirname "$0")/../../reports/tests/fixtures/run-small/results.json" "$work/report-in/"
expect 2 "--out $work/a-file: exists and is not a directory" -- "$ms" report --out "$work/a-file" "$work/report-in"
expect 2 "--out $work/a-file: exists and is not a directory" -- "$ms" compare --out "$work/a-file" "$work/report-in" "$work/report-in"
checks=$((checks + 1))
[[ ! -e $work/out && ! -e $work/report-in/index.html ]] || fail "a refused command wrote $work/out or a report"

# History: a database directory others may write, or a database that is a link, is refused.
mkdir -m 1777 "$work/shared"
ln -s "$work/elsewhere.sqlite" "$work/report-in/link.sqlite"
expect 2 "--history $work/shared/h.sqlite: refused: .* is writable by other users" -- "$ms" report --history "$work/shared/h.sqlite" "$work/report-in"
expect 2 "link.sqlite is not a regular file \(a symbolic link\)" -- "$ms" report --history "$work/report-in/link.sqlite" "$work/report-in"
expect 2 "--history $work/shared/h.sqlite: refused" -- "$ms" conform --history "$work/shared/h.sqlite" --out "$work/out"
checks=$((checks + 1))
[[ -z $(ls -A "$work/shared") && ! -e $work/elsewhere.sqlite && ! -e $work/out ]] ||
	fail "a refused history database left files: $(ls -A "$work/shared")"
touch "$work/shared/h.sqlite" # reading one there is refused too: SQLite would create -shm
expect 2 "$work/shared/h.sqlite: refused: .* is writable by other users" -- "$ms" history --db "$work/shared/h.sqlite" x

# tools/board: bad input exits 2; a board that sends no results exits 1 and says what is
# missing. The board is a stand-in ssh (first on PATH) with the host's loader as the bundle.
board=$(dirname "$0")/../board
mkdir -p "$work/fake-ssh" "$work/board-bundle/lib"
loader=$(readelf -l /bin/sh | sed -n 's/.*program interpreter: \(.*\)\]/\1/p')
ln -s "$loader" "$work/board-bundle/lib/$(basename "$loader")"
cat >"$work/fake-ssh/ssh" <<'SSH'
#!/bin/sh
case $* in
*MMAPSUITE-EXIT*) # the run: a verdict, or none (the board went away)
	case $FAKE_BOARD in verdict-only) echo "MMAPSUITE-EXIT 0" >&2 ;; *) exit 255 ;; esac ;;
*" uname -m") uname -m ;;
*"mktemp -d "*) echo /nonexistent/mmapsuite-board.fake ;;
*"tar -C "*) cat >/dev/null ;;
esac
exit 0
SSH
chmod +x "$work/fake-ssh/ssh"
fake_board() {
	FAKE_BOARD=$1 PATH=$work/fake-ssh:$PATH "$board" ssh://root@fake.invalid --bundle "$work/board-bundle" \
		--timeout 60 --out "$work/board-out-$1"
}
expect 1 "verdict 0 but no results: missing a run directory" -- fake_board verdict-only
expect 1 "no verdict from fake.invalid" -- fake_board gone
expect 2 "--out $work/a-file: exists and is not a directory" -- "$board" virt --out "$work/a-file"
expect 2 "--fs ',' names no file system" -- "$board" virt --fs , --out "$work/board-out"
expect 2 "--timeout needs a number of seconds" -- "$board" virt --timeout soon --out "$work/board-out"

if [[ $(id -u) == 0 ]]; then
	# A root run's results root: refused when others may write it without the sticky bit or
	# when another user owns it; a sticky shared root gets root's own subdirectory.
	mkdir -m 0777 "$work/open-root"
	mkdir -m 0755 "$work/their-root" && chown nobody "$work/their-root"
	expect 2 "--out $work/open-root: writable by other users without the sticky bit" -- "$ms" conform --filter 'msync/*' --fs tmpfs --out "$work/open-root"
	expect 2 "--out $work/their-root: owned by uid [0-9]+ \(nobody\)" -- "$ms" conform --filter 'msync/*' --fs tmpfs --out "$work/their-root"
	checks=$((checks + 1))
	[[ -z $(find "$work/open-root" "$work/their-root" -mindepth 1) ]] || fail "a refused results root was written to"
	# In a sticky shared root a planted link named like root's subdirectory is refused.
	mkdir -m 1777 "$work/sticky" "$work/sticky-planted"
	ln -s "$work/open-root" "$work/sticky-planted/root"
	expect 2 "sticky-planted/root: not a directory \(a symbolic link" -- "$ms" conform --filter 'msync/*' --fs tmpfs --out "$work/sticky-planted"
	expect 0 "results: $work/sticky/root/" -- "$ms" conform --filter 'msync/*' --fs tmpfs --out "$work/sticky"
	checks=$((checks + 1))
	[[ $(stat -c %U:%a "$work/sticky/root") == root:755 && -f $work/sticky/root/history.sqlite ]] ||
		fail "root's subdirectory of a sticky root: $(stat -c %U:%a "$work/sticky/root")"
	# --no-render (a guest's run, rendered on the host): results.json, no report, no history;
	# `mmapsuite report` renders it later.
	expect 0 "results: $work/no-render/" -- "$ms" conform --no-render --filter 'msync/*' --fs tmpfs --out "$work/no-render"
	checks=$((checks + 1))
	nr=$(find "$work/no-render" -mindepth 1 -maxdepth 1 -type d | head -1)
	[[ -f $nr/results.json && ! -e $nr/summary.md && ! -e $nr/index.html && ! -e $work/no-render/history.sqlite ]] ||
		fail "--no-render wrote a report or a history record: $(ls "$nr" "$work/no-render")"
	expect 0 "" -- "$ms" report "$nr"
	checks=$((checks + 1))
	[[ -s $nr/summary.md && -s $nr/index.html ]] || fail "report did not render a --no-render run: $(ls "$nr")"
	# /dev/mem writes follow only from the command line: exported variables do nothing.
	MMAPSUITE_ALLOW_WRITE=1 MMAPSUITE_GPIO_PIN=3 MMAPSUITE_GPIO_REQUEST=3:write \
		"$ms" conform --filter 'devmem/gpio_pin_output_round_trip' --fs tmpfs --out "$work/devmem" >/dev/null 2>&1
	checks=$((checks + 1))
	grep -q '"read-only by default: writing a GPIO pin needs --gpio-pin N --allow-write"' "$work"/devmem/*/conform-tmpfs.jsonl ||
		fail "exported variables turned on /dev/mem writes: $(cat "$work"/devmem/*/conform-tmpfs.jsonl)"
	# The test list is read back through a file of no name: a run needs nothing of /tmp,
	# where another user could take the name first (/tmp made read-only in a mount namespace,
	# its files kept visible: the checkout and this output may lie under /tmp; the output is
	# opened outside the namespace).
	checks=$((checks + 1))
	unshare -m sh -c 'mount --bind /tmp /tmp && mount -o remount,bind,ro /tmp && "$1" list' sh "$ms" \
		>"$work/list-ro-tmp.txt" 2>&1 &&
		grep -q '^mmap_anonymous ' "$work/list-ro-tmp.txt" ||
		fail "mmapsuite list with a read-only /tmp: $(head -3 "$work/list-ro-tmp.txt")"
	# expect --out on a full disk: recording failed (3), and no file is left.
	mkdir "$work/full"
	if mount -t tmpfs -o size=64k mmapsuite-cli "$work/full"; then
		trap 'umount "$work/full" 2>/dev/null' EXIT
		head -c 1M /dev/zero >"$work/full/fill" 2>/dev/null
		expect 3 "recording failed: cannot write $work/full/x.expect: No space left" -- "$ms" expect --from "$work/report-in" --out "$work/full/x.expect"
		checks=$((checks + 1))
		[[ ! -e $work/full/x.expect ]] || fail "expect --out left a partial file on a full disk"
		umount "$work/full" && trap - EXIT
	else
		fail "cannot mount a small tmpfs for the full-disk check"
	fi
fi

echo "cli: $((checks - fails)) of $checks checks passed"
[[ $fails -eq 0 ]]
