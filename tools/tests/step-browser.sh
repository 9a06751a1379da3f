#!/usr/bin/env bash
# step: the HTML report loads in headless Chromium with every plot and no console error
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
"$top/reports/tests/check-in-browser" "$1/mmapsuite"
rc=$?
if [[ $rc -eq 77 ]]; then
	echo "SKIP: chromium is not installed (tools/deps installs it)"
	exit 0
fi
exit $rc
