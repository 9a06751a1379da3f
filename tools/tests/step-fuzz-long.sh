#!/usr/bin/env bash
# step: fuzzing: 10 minutes per harness
# tier: deep
# lane: beside
# tools/fuzz/run --seconds 600, two harnesses at a time on 2 CPUs: six harnesses in three rounds,
# about 31 minutes with the build and the replays (the deep tier has 60). Bounded by wall time,
# so it runs beside the other deep steps (lane beside): they take a share of its CPU, which
# shows in the executions it prints per harness, not in the tier's length.
set -uo pipefail
bin=$1 out=$2/fuzz-long
top=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$out"
MMAPSUITE_BUILD=$(dirname "$bin") "$top/tools/fuzz/run" --seconds 600 --jobs 2 --out "$out"
