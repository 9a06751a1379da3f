#!/usr/bin/env bash
# Command-line checks: --help everywhere, and every kind of bad input gives one clear line
# naming what is wrong, exit status 2, and nothing written or overwritten.
#   cli_test.sh BUILD/bin/mmapsuite SCRATCH_DIR
set -uo pipefail
ms=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
fails=0 checks=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect STATUS PATTERN -- command...: the exit status and a message matching PATTERN.
expect() {
	local status=$1 pattern=$2; shift 3
	checks=$((checks + 1))
	local output rc
	output=$("$@" 2>&1); rc=$?
	if [[ $rc -ne $status ]]; then
		fail "$* exited $rc, expected $status: $output"
	elif ! grep -qE -- "$pattern" <<<"$output"; then
		fail "$*: output does not match '$pattern': $output"
	fi
}

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

echo "cli: $((checks - fails)) of $checks checks passed"
[[ $fails -eq 0 ]]
