#!/usr/bin/env bash
# step: self-test: every faulty mmap library is caught, every checklist group catches one
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
exec "$1/mmapsuite" selftest --fs tmpfs --out "$2/selftest" --expect "$top/suites/expect/kernel.expect"
