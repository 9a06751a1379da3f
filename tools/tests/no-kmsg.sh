#!/bin/sh
# Runs "$@" with a /dev that has no kmsg (inside `unshare -m`): for step-kernel-health.sh, to
# take the syslog(2) path of the kernel health check.
set -e
mount -t tmpfs mmapsuite-test-dev /dev
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/zero c 1 5
mknod -m 666 /dev/urandom c 1 9
mkdir /dev/shm
mount -t tmpfs mmapsuite-test-shm /dev/shm
exec "$@"
