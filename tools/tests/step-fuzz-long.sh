#!/usr/bin/env bash
# step: fuzzing: 10 minutes per harness
# tier: deep
# tools/fuzz/run --seconds 600, two harnesses at a time on 2 CPUs (about 20 minutes for four).
set -uo pipefail
bin=$1 out=$2/fuzz-long
top=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$out"
MMAPSUITE_BUILD=$(dirname "$bin") "$top/tools/fuzz/run" --seconds 600 --jobs 2 --out "$out"
