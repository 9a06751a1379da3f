#!/usr/bin/env bash
# step: fuzzing: replay every seed and saved input, then 20 s of new fuzzing per harness
# tools/fuzz/run (docs/checks.md), two harnesses at a time: 0 crashes, hangs, leaks or
# out-of-memory; the executions of each are printed.
set -uo pipefail
bin=$1 out=$2/fuzz
top=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$out"
MMAPSUITE_BUILD=$(dirname "$bin") "$top/tools/fuzz/run" --seconds 20 --jobs 2 --out "$out"
