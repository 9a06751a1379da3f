#!/usr/bin/env bash
# step: arm64 guest with 16 KiB pages (Debian 6.12 arm64-16k, QEMU virt, TCG): tmpfs conformance and the driver suite, verdict 0
set -uo pipefail
bin=$1 out=$2/vm-16k
top=$(cd "$(dirname "$0")/../.." && pwd)
MMAPSUITE_BUILD=$(dirname "$bin")
export MMAPSUITE_BUILD
for p in qemu-system-aarch64 aarch64-linux-gnu-gcc cpio depmod; do
	command -v "$p" >/dev/null ||
		{ echo "SKIP: $p not found (tools/deps installs qemu-system-arm, gcc-aarch64-linux-gnu, cpio, kmod)"; exit 0; }
done
[[ -e /usr/aarch64-linux-gnu/lib/crt1.o ]] ||
	{ echo "SKIP: no arm64 C library for the cross compiler (tools/deps installs libc6-dev-arm64-cross)"; exit 0; }
# Measured 2026-12-07 on 2 shared cores: the suite took 364 s in the guest at load 17-26 and
# 1092 s at load 29 (before the THP checks were made cheaper): --timeout only catches a hung guest.
# tmpfs only unless GUEST_FS=tmpfs,ext4: ext4 took 0.6x (16 KiB) to 1.3x (64 KiB) the tmpfs
# time at load 9-13 (docs/guests.md, docs/architectures.md)
exec "$top/tools/tests/guest-place.sh" debian:6.12-arm64-16k 16384 "16 KiB" "$out"
