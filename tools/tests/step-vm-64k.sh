#!/usr/bin/env bash
# step: ppc64el guest with 64 KiB pages (Debian 6.12 powerpc64le-64k, QEMU pseries POWER9, TCG, Criterion and BoxFort ported): tmpfs and ext4 conformance and the driver suite, verdict 0
# tier: matrix
set -uo pipefail
# shellcheck source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
# Measured 2026-12-07 on 2 shared cores: 247 s from boot to results at load 4-9 (6.12), 480 to
# 543 s at load 9-14 (6.1); the first run also builds the sysroot with Criterion ported (about
# 1.5 min) and the cross build (about 4 min). Matrix tier (`tools/test --matrix`) until that fits the gate's budget.
# tmpfs and ext4 (MATRIX_GUEST_FS, tools/lib/steps.sh; GUEST_FS=tmpfs for tmpfs only): ext4 took 0.6x (16 KiB) to 1.3x (64 KiB) the tmpfs
# time at load 9-13 (docs/guests.md, docs/architectures.md)
ppc64el_place "$1" "$2" vm-64k debian:6.12-ppc64el-64k Radix
