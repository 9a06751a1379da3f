#!/usr/bin/env bash
# step: test module: sparse (make C=2) against the Debian 6.1 and 6.12 headers
# tools/checks/module-checks sparse (docs/checks.md): 0 warnings located in drivers/mmaptest/.
# About 20-30 s warm (two Kbuild runs of one file); the headers come from tools/kernel-fetch's
# cache. SKIP with the reason when sparse or the headers cannot be had here.
set -uo pipefail
bin=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
MMAPSUITE_BUILD=$(dirname "$bin") "$top/tools/checks/module-checks" sparse
rc=$?
((rc == 3)) && { echo "SKIP: sparse cannot run here (reason above)"; exit 0; }
exit "$rc"
