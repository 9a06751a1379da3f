#!/usr/bin/env bash
# step: test module: coccicheck (MODE=report, linux-source-6.1's semantic patches)
# tier: deep
# tools/checks/module-checks coccicheck (docs/checks.md): every report on drivers/mmaptest/
# fixed or answered by a "coccicheck:" comment at its line. Deep tier: about 45 s of CPU
# (72 spatch runs), but 4-6 min of wall time on a loaded 2-CPU machine; a cold cache first
# downloads linux-source-6.1 (140 MB). SKIP with the reason when spatch or the scripts
# cannot be had here.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
module_check coccicheck "$1"
