#!/usr/bin/env bash
# step: armhf guest, 32-bit word (Debian 6.1 armmp-lpae, QEMU virt cortex-a15, TCG, Criterion and BoxFort ported): tmpfs and ext4 conformance and the driver suite, verdict 0
# tier: matrix
set -uo pipefail
# Measured 2026-12-07 on 2 shared cores: 457 s from boot to results at load 10-15 (step 509 s);
# the first run also builds the sysroot with Criterion ported (about 40 s) and the cross build
# (about 2 min). Matrix tier (`tools/test --matrix`), as the other foreign places. tmpfs and
# ext4 (the default since): 341 s at load 0.7-2.9 on 2026-12-08 (boot to results 327 s).
# shellcheck source-path=SCRIPTDIR source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
guest_place_step "$1" armhf qemu-system-arm:qemu-system-arm debian:6.1-armhf 4096 armhf "$2/vm-armhf" little 32
