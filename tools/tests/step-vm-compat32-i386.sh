#!/usr/bin/env bash
# step: 32-bit programs on a 64-bit kernel (the i386 build on Debian 6.1 amd64, IA32 emulation, KVM when usable): tmpfs and ext4 conformance and the driver suite, verdict 0
# tier: matrix
set -uo pipefail
# Measured 2026-12-07 on 2 shared cores, TCG (no usable /dev/kvm): 215 s from boot to results
# at load 10-14 (step 279 s; pass 536, skip 79, xfail 10; driver suite 36 of 36). The first run
# also builds the i386 sysroot (Debian's libcriterion-dev for i386, 15 s) and the cross build.
# shellcheck source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
guest_place_step "$1" i386 qemu-system-x86_64:qemu-system-x86 debian:6.1-amd64+i386 4096 compat32-i386 \
	"$2/vm-compat32-i386" little 32 64
