/* Attaching a file to a free loop device: used by the harness (lib/scratch.c: the ext4, xfs and
 * btrfs images) and by the tests (suites/mm_util.h: a device whose writes fail).
 * Plain C with no other lib/ code: linked into libmmapsuite and into mmapsuite-conform. */
#ifndef MMAPSUITE_LOOP_DEVICE_H
#define MMAPSUITE_LOOP_DEVICE_H

#include <stddef.h>

/* Attaches backing_fd to a free loop device with LO_FLAGS_AUTOCLEAR, so that the device
 * detaches by itself when its last descriptor closes, even after a crash; name (may be NULL) is
 * recorded as the device's file name. Retries up to 8 times when another process takes the
 * free device first (EBUSY) or it cannot be opened. Returns the open device (O_RDWR | O_CLOEXEC) with its path in
 * dev, or -1 with errno; *step (may be NULL) names the call that failed:
 * "/dev/loop-control", "LOOP_CTL_GET_FREE", "open", "LOOP_CONFIGURE", or "busy" when every
 * attempt found its device taken. */
int ms_loop_attach(int backing_fd, const char *name, char *dev, size_t devlen,
		   const char **step);

#endif
