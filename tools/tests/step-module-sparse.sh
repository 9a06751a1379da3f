#!/usr/bin/env bash
# step: test module: sparse (make C=2) against the Debian 6.1 and 6.12 headers
# tools/checks/module-checks sparse (docs/checks.md): 0 warnings located in drivers/mmaptest/.
# About 20-30 s warm (two Kbuild runs of one file); the headers come from tools/kernel-fetch's
# cache. SKIP with the reason when sparse or the headers cannot be had here.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
module_check sparse "$1"
