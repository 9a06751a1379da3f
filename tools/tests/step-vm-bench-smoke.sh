#!/usr/bin/env bash
# step: the quick benchmark profile as smoke on the places of other byte order, word size and page size (s390x big-endian, armhf 32-bit, ppc64el 64 KiB; TCG): every case measured, report and compare render, TCG timings smoke
# tier: matrix
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
# Each place boots once with the quick profile after a few conformance tests (mmap_shared/*,
# on tmpfs; the place steps prove the whole suite): tools/tests/guest-place.sh with
# GUEST_BENCH=quick then checks that every benchmark case left records or a skip, that no
# record is empty (a size smaller than the page, a count of 0), that `mmapsuite report`
# renders the run naming its page size and calling its TCG timings smoke, and that
# `mmapsuite compare` of the host fixture run against it exits 0, calls them smoke figures and
# names the page sizes. GUEST_BENCH_PLACES: the SPECs to run (default the three below; also
# known: debian:6.12-arm64-16k, debian:6.1-arm64+armhf).
# Measured 2026-12-07 on 2 shared cores at load 1.3-1.6, the cross builds done: 301 s for the
# three (s390x 112 s, armhf 126 s, ppc64el 64 KiB 60 s; docs/guests.md). Matrix tier.
MMAPSUITE_BUILD=$(dirname "$1")
export MMAPSUITE_BUILD
step_begin vm-bench-smoke "$2"
# SPEC -> GUEST_ARCH QEMU:PACKAGE PAGE_SIZE BYTE_ORDER WORD_BITS (GUEST_ARCH - : the host's
# arm64 cross build, which needs no ported Criterion)
place_of() {
	case $1 in
	debian:6.1-s390x) echo s390x qemu-system-s390x:qemu-system-misc 4096 big 64 ;;
	debian:6.1-armhf) echo armhf qemu-system-arm:qemu-system-arm 4096 little 32 ;;
	debian:6.12-ppc64el-64k) echo ppc64el qemu-system-ppc64:qemu-system-ppc 65536 little 64 ;;
	debian:6.12-arm64-16k) echo - qemu-system-aarch64:qemu-system-arm 16384 little 64 ;;
	debian:6.1-arm64+armhf) echo armhf qemu-system-aarch64:qemu-system-arm 4096 little 32 ;;
	*) return 1 ;;
	esac
}
for spec in ${GUEST_BENCH_PLACES:-debian:6.1-s390x debian:6.1-armhf debian:6.12-ppc64el-64k}; do
	read -r arch qemu page order bits < <(place_of "$spec") || { fail "no bench smoke place $spec"; continue; }
	name=bench-${spec#debian:}
	echo "--- $spec"
	[[ $arch == - ]] && arch=
	GUEST_ARCH=$arch GUEST_QEMU=$qemu GUEST_BENCH=quick GUEST_FILTER=${GUEST_FILTER:-mmap_shared/*} \
		GUEST_FS=${GUEST_FS:-tmpfs} GUEST_TIMEOUT=${GUEST_TIMEOUT:-3000} \
		"$top/tools/tests/guest-place.sh" "$spec" "$page" "$name" "$out/$name" "$order" "$bits" ||
		fail "$spec (above; $out/$name/tools-vm.log)"
done
exit "$bad"
