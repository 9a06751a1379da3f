#!/usr/bin/env bash
# step: 32-bit programs on a 64-bit kernel (the armhf build on Debian 6.1 arm64, 4 KiB pages, QEMU virt max, TCG: compat system calls): tmpfs and ext4 conformance and the driver suite, verdict 0
# tier: matrix
set -uo pipefail
# Measured 2026-12-07 on 2 shared cores, TCG: 250 s from boot to results at load 3-8 (step
# 266 s; 347 s at load 5-12, 925 s at load 17-21); pass 519, skip 94, xfail 12, driver suite 36
# of 36. The first run also builds the armhf sysroot with Criterion ported and the cross build,
# as step-vm-armhf.sh.
# shellcheck source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
guest_place_step "$1" armhf qemu-system-aarch64:qemu-system-arm debian:6.1-arm64+armhf 4096 compat32 \
	"$2/vm-compat32" little 32 64
