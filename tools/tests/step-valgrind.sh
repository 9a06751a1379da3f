#!/usr/bin/env bash
# step: valgrind memcheck of report and compare on a full run's results: 0 errors, 0 definite leaks
# tier: deep
# The non-ASan build (valgrind and ASan do not mix). The results are the report fixture (a full
# run: conformance and benchmarks), and the gate's own conformance runs when build/test-out
# holds them. gnuplot runs as a child and is not traced (--trace-children=no).
set -uo pipefail
bin=$1 out=$2/valgrind
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v valgrind >/dev/null || { echo "FAIL: valgrind is not installed (tools/deps)"; exit 1; }
rm -rf "$out" && mkdir -p "$out"
fixture=$top/reports/tests/fixtures/run-small
runs=("$fixture")
for r in "$2"/conform/*/; do [[ -f $r/results.json ]] && runs+=("${r%/}"); done

memcheck() { # name command...: 0 errors and 0 definite leaks, or the log's summary
	local name=$1; shift
	if valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite --errors-for-leak-kinds=definite --track-origins=yes \
		--log-file="$out/$name.valgrind" "$@" >"$out/$name.log" 2>&1; then
		echo "ok $name: $(grep -m1 'ERROR SUMMARY' "$out/$name.valgrind" | sed 's/^==[0-9]*== //')"
	else
		echo "FAIL $name (exit $?):"; grep -E 'ERROR SUMMARY|definitely lost' "$out/$name.valgrind"
		return 1
	fi
}
failed=0
for i in "${!runs[@]}"; do
	memcheck "report-$i" "$bin/mmapsuite" report --out "$out/report-$i" "${runs[i]}" || failed=1
done
memcheck compare "$bin/mmapsuite" compare --out "$out/compare" "${runs[@]}" "$fixture" || failed=1
exit "$failed"
