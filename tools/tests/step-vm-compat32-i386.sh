#!/usr/bin/env bash
# step: 32-bit programs on a 64-bit kernel (the i386 build on Debian 6.1 amd64, IA32 emulation, KVM when usable): tmpfs conformance and the driver suite, verdict 0
# tier: matrix
set -uo pipefail
# shellcheck source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
guest_place_step "$1" i386 qemu-system-x86_64:qemu-system-x86 debian:6.1-amd64+i386 4096 compat32-i386 \
	"$2/vm-compat32-i386" little 32 64
