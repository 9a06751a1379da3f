#include "loop_device.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int ms_loop_attach(int backing_fd, const char *name, char *dev, size_t devlen,
		   const char **step)
{
	const char *unused;
	if (!step)
		step = &unused;
	*step = "/dev/loop-control";
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -1;
	int loop = -1, e = 0;
	for (int attempt = 0; attempt < 8; attempt++) {
		*step = "LOOP_CTL_GET_FREE";
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0) {
			e = errno;
			break;
		}
		snprintf(dev, devlen, "/dev/loop%d", n);
		*step = "open";
		loop = open(dev, O_RDWR | O_CLOEXEC);
		if (loop < 0) { /* taken and removed meanwhile: ask again */
			e = errno;
			continue;
		}
		struct loop_config cfg = { .fd = (unsigned)backing_fd };
		cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
		if (name)
			snprintf((char *)cfg.info.lo_file_name, LO_NAME_SIZE, "%s", name);
		*step = "LOOP_CONFIGURE";
		if (ioctl(loop, LOOP_CONFIGURE, &cfg) == 0)
			break;
		e = errno;
		close(loop);
		loop = -1;
		if (e != EBUSY) /* EBUSY: another process took this device first */
			break;
		*step = "busy";
	}
	close(ctl);
	if (loop < 0)
		errno = e;
	return loop;
}
