#!/usr/bin/env bash
# step: ppc64el guest, Debian 6.1 with 64 KiB pages (linux-image-powerpc64le, QEMU pseries POWER9, TCG, radix MMU, Criterion and BoxFort ported): tmpfs and ext4 conformance and the driver suite, verdict 0
# tier: matrix
set -uo pipefail
# shellcheck source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
# tmpfs and ext4 (MATRIX_GUEST_FS, tools/lib/steps.sh; GUEST_FS=tmpfs for tmpfs only) (figures: docs/architectures.md)
ppc64el_place "$1" "$2" vm-ppc64el-61 debian:6.1-ppc64el Radix
