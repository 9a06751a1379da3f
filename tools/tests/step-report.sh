#!/usr/bin/env bash
# step: reports, compare and history render what results.json holds; bad input exits 2
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
exec "$top/reports/tests/check-report" "$1/mmapsuite"
