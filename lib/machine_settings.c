#include "machine_settings.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const struct ms_machine_setting_info settings[MS_N_MACHINE_SETTINGS] = {
	[MS_OVERCOMMIT_MEMORY] = { "/proc/sys/vm/overcommit_memory", MS_LOCK_SETTINGS, true },
	[MS_KSM_RUN] = { "/sys/kernel/mm/ksm/run", MS_LOCK_SETTINGS, false },
	[MS_HUGETLB_2M_POOL] = { "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
				 MS_LOCK_OWN_FILE, false },
	[MS_MAX_MAP_COUNT] = { "/proc/sys/vm/max_map_count", MS_LOCK_SETTINGS, false },
};

const struct ms_machine_setting_info *ms_machine_setting(enum ms_machine_setting id)
{
	return &settings[id];
}

bool ms_setting_file_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, len - 1);
	int e = errno;
	close(fd);
	if (n <= 0) {
		errno = n < 0 ? e : ENODATA;
		return false;
	}
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return true;
}

bool ms_setting_file_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = write(fd, value, strlen(value)) == (ssize_t)strlen(value);
	int e = errno;
	close(fd);
	errno = e;
	return ok;
}

/* Tries try_lock(fd) every 10 ms for up to wait_ms: neither lock can be waited on with a
 * timeout otherwise. Returns fd once it holds the lock; else closes it and returns -1 with the
 * errno of the last try (busy: the one that means another process holds it). */
static int poll_lock(int fd, int (*try_lock)(int fd), int busy, int wait_ms)
{
	if (fd < 0)
		return -1;
	for (int waited = 0;; waited += 10) {
		if (try_lock(fd) == 0)
			return fd;
		if (errno != busy || waited >= wait_ms)
			break;
		usleep(10000);
	}
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* The settings lock: binding the abstract name (sun_path[0] == 0), which the kernel frees
 * when the holder dies. */
static int bind_settings_name(int fd)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	static const char name[] = MS_SETTINGS_LOCK_NAME;
	memcpy(addr.sun_path + 1, name, sizeof(name) - 1);
	socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + sizeof(name));
	return bind(fd, (struct sockaddr *)&addr, alen);
}

static int flock_now(int fd)
{
	return flock(fd, LOCK_EX | LOCK_NB);
}

int ms_setting_lock_take(enum ms_machine_setting id, const char *path, int wait_ms)
{
	if (settings[id].lock == MS_LOCK_SETTINGS)
		return poll_lock(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), bind_settings_name,
				 EADDRINUSE, wait_ms);
	return poll_lock(open(path, O_RDONLY | O_CLOEXEC), flock_now, EWOULDBLOCK, wait_ms);
}
