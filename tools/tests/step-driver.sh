#!/usr/bin/env bash
# step: test module: W=1 and checkpatch --strict clean for 6.1/6.12 (amd64, arm64)
# (the guest half, driver suite and every injected bug caught, is the vm step's)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
"$top/drivers/build" --checkpatch
"$top/drivers/build" --arch arm64
