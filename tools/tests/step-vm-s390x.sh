#!/usr/bin/env bash
# step: s390x guest, big-endian (Debian 6.1 s390x, QEMU s390-ccw-virtio, TCG, Criterion and BoxFort ported): tmpfs and ext4 conformance and the driver suite, verdict 0
# tier: matrix
set -uo pipefail
# Measured 2026-12-07 on 2 shared cores: 400 s from boot to results at load 2-8 (step 420 s),
# 739 s at load 10-15 (the time factor at its ceiling, x20); the first run also builds the
# sysroot with Criterion ported (about 1 min) and the cross build (about 2 min). Matrix tier (`tools/test --matrix`).
# tmpfs and ext4 (MATRIX_GUEST_FS, tools/lib/steps.sh; GUEST_FS=tmpfs for tmpfs only): ext4 took 0.6x (16 KiB) to 1.3x (64 KiB) the tmpfs
# time at load 9-13 (docs/guests.md, docs/architectures.md)
# shellcheck source-path=SCRIPTDIR source=../lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
guest_place_step "$1" s390x qemu-system-s390x:qemu-system-misc debian:6.1-s390x 4096 s390x "$2/vm-s390x" big
