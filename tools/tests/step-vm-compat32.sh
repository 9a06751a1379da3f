#!/usr/bin/env bash
# step: 32-bit programs on a 64-bit kernel (the armhf build on Debian 6.1 arm64, 4 KiB pages, QEMU virt max, TCG: compat system calls): tmpfs conformance and the driver suite, verdict 0
# tier: matrix
set -uo pipefail
# shellcheck source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
guest_place_step "$1" armhf qemu-system-aarch64:qemu-system-arm debian:6.1-arm64+armhf 4096 compat32 \
	"$2/vm-compat32" little 32 64
