#!/usr/bin/env bash
# step: ppc64el guest on the hash MMU (Debian 6.1 powerpc64le booted with disable_radix, 64 KiB pages, 16 MiB huge pages, QEMU pseries POWER9, TCG): tmpfs conformance and the driver suite, verdict 0
# tier: matrix
set -uo pipefail
# shellcheck source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
# tmpfs only unless GUEST_FS=tmpfs,ext4 (figures: docs/architectures.md)
ppc64el_place "$1" "$2" vm-ppc64el-hash debian:6.1-ppc64el-hash Hash
