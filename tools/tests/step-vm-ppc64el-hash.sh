#!/usr/bin/env bash
# step: ppc64el guest on the hash MMU (Debian 6.1 powerpc64le booted with disable_radix, 64 KiB pages, 16 MiB huge pages, QEMU pseries POWER9, TCG): tmpfs and ext4 conformance and the driver suite, verdict 0
# tier: matrix
set -uo pipefail
# shellcheck source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
# tmpfs and ext4 (MATRIX_GUEST_FS, tools/lib/steps.sh; GUEST_FS=tmpfs for tmpfs only) (figures: docs/architectures.md)
ppc64el_place "$1" "$2" vm-ppc64el-hash debian:6.1-ppc64el-hash Hash
