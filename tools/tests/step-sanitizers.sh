#!/usr/bin/env bash
# step: sanitizers: ASan+UBSan over unit, command-line and report checks; UBSan alone over those and conformance on tmpfs
# Two more builds beside the main one (build/asan: MMAPSUITE_SANITIZE, build/ubsan:
# MMAPSUITE_UBSAN, the conformance tests included); every check must exit 0 with no report
# from any process (tools/checks/sanitized-run). docs/checks.md.
set -uo pipefail
bin=$1 out=$2/sanitizers
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(dirname "$bin")
rm -rf "$out" && mkdir -p "$out"
# The sanitizers' reports must be written where contained tests can reach them: not below the
# private /tmp and /dev/shm they get (CI may clone under /tmp). Then a fresh root-only
# directory under /var/tmp holds them, copied to $out at the end.
logs=$out
case $(cd "$out" && pwd -P)/ in
/tmp/* | /dev/shm/*)
	logs=$(mktemp -d /var/tmp/mmapsuite-sanitizers.XXXXXX) || exit 1
	trap 'cp -a "$logs"/. "$out"/ 2>/dev/null; rm -rf "$logs"' EXIT ;;
esac
run() { "$top/tools/checks/sanitized-run" "$logs" "$@"; }
failed=0
for kind in asan ubsan; do
	option=MMAPSUITE_SANITIZE
	[[ $kind == ubsan ]] && option=MMAPSUITE_UBSAN
	if ! MMAPSUITE_BUILD=$build/$kind "$top/tools/build" "-D$option=ON" >"$out/$kind-build.log" 2>&1; then
		echo "FAIL: the $kind build failed:"; tail -n 20 "$out/$kind-build.log"; exit 1
	fi
	b=$build/$kind/bin
	run "$kind-unit" -- "$b/mmapsuite-unit" --jobs 2 || failed=1
	run "$kind-cli" -- "$top/tools/tests/cli_test.sh" "$b/mmapsuite" "$out/$kind-cli" || failed=1
	run "$kind-report" -- "$top/reports/tests/check-report" "$b/mmapsuite" || failed=1
done
run ubsan-conformance -- "$build/ubsan/bin/mmapsuite" conform --fs tmpfs --fs-size 512 \
	--out "$out/ubsan-conform" --expect "$top/suites/expect/kernel.expect" || failed=1
exit "$failed"
