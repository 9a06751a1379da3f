#!/usr/bin/env bash
# step: x86_64 flavour guests (Debian 6.1 and 6.12, -rt PREEMPT_RT and -cloud, QEMU pc, TCG): tmpfs and ext4 conformance and the driver suite, verdict 0 on each
# tier: matrix
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
for p in qemu-system-x86_64 cpio depmod busybox; do
	command -v "$p" >/dev/null ||
		{ echo "SKIP: $p not found (tools/deps installs qemu-system-x86, cpio, kmod, busybox-static)"; exit 0; }
done
# The cloud kernels have no 9p: their results come back on a virtio disk (tools/vm); the media
# suite SKIPs there naming vivid and snd-aloop. The rt kernels have no THP (PREEMPT_RT): those
# tests SKIP naming it. Each place is checked as the other guest places are (guest-place.sh:
# the place's release, page size, verdict 0, a passing driver test). GUEST_FS as there.
# Measured 2026-12-07 on 2 shared cores: 1760 s for the four at load 9-20 (195 to 648 s a
# place; docs/guests.md), tmpfs only; tmpfs and ext4 (the default since): 762 s at load
# 1.3-2.1 (165 to 220 s a place). Matrix tier: too long for the gate.
MMAPSUITE_BUILD=$(dirname "$1")
export MMAPSUITE_BUILD
step_begin vm-x86-flavours "$2"
for spec in ${GUEST_FLAVOURS:-debian:6.1-rt debian:6.12-rt debian:6.1-cloud debian:6.12-cloud}; do
	name=${spec#debian:}
	echo "--- $spec"
	GUEST_TIMEOUT=${GUEST_TIMEOUT:-2400} GUEST_FS=${GUEST_FS:-$MATRIX_GUEST_FS} "$top/tools/tests/guest-place.sh" "$spec" 4096 "$name" "$out/$name" little 64 ||
		fail "$spec (above; $out/$name/tools-vm.log)"
done
exit "$bad"
