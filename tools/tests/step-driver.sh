#!/usr/bin/env bash
# step: test module: W=1 and checkpatch --strict clean for 6.1/6.12 (amd64, arm64); in a 6.1 guest the driver suite passes and catches every injected bug
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$2/driver
mkdir -p "$out"
"$top/drivers/build" --checkpatch
"$top/drivers/build" --arch arm64
MMAPSUITE_BUILD=$(cd "$1/.." && pwd) "$top/drivers/vm-check" --kernel debian:6.1 --out "$out"
