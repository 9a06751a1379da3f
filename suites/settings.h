/* System settings (sysctls, /sys knobs) that a conformance test changes for its duration, as
 * root, and always restores: explicitly in the test, and again from the test's .fini and an
 * atexit handler when an assertion or a BROKEN set-up ends it early.
 *
 * Settings are global, and several mmapsuite-conform processes may run at once (one per file
 * system, or the user's own run beside the harness), so every change happens under one
 * machine-wide lock: an abstract unix socket name, which the kernel releases when the holder
 * dies and which leaves nothing on disk.
 *
 *   CONFORM(ksm, merges, "i5", LINUX, .fini = ms_settings_restore) {
 *           ms_setting_change("/sys/kernel/mm/ksm/run", "1");   // SKIPs unless root
 *           ... fork a child that does the work ...
 *           ms_settings_restore();
 *   }
 */
#ifndef MMAPSUITE_SETTINGS_H
#define MMAPSUITE_SETTINGS_H

#include "conform.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct ms_saved_setting {
	const char *path;
	char value[64];
};

static struct ms_saved_setting ms_saved_settings[4];
static int ms_n_saved_settings;
static int ms_settings_lock_fd = -1;
/* forked children inherit the atexit handler: only the process that changed them restores */
static pid_t ms_settings_owner;

static inline bool ms_setting_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return true;
}

static inline bool ms_setting_write_raw(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return false;
	bool ok = write(fd, value, strlen(value)) == (ssize_t)strlen(value);
	close(fd);
	return ok;
}

/* Puts every changed setting back, newest first, and releases the lock. Safe to call twice. */
static inline void ms_settings_restore(void)
{
	if (getpid() != ms_settings_owner)
		return;
	while (ms_n_saved_settings > 0) {
		struct ms_saved_setting *s = &ms_saved_settings[--ms_n_saved_settings];
		if (!ms_setting_write_raw(s->path, s->value))
			fprintf(stderr, "mmapsuite: could not restore %s to \"%s\": %s; restore it "
				"by hand\n", s->path, s->value, ms_errname(errno));
	}
	if (ms_settings_lock_fd >= 0) {
		close(ms_settings_lock_fd);
		ms_settings_lock_fd = -1;
	}
}

/* Takes the machine-wide settings lock, waiting up to 10 s for another test to finish. */
static inline void ms_settings_lock(void)
{
	if (ms_settings_lock_fd >= 0)
		return;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	static const char name[] = "mmapsuite-settings-lock";
	memcpy(addr.sun_path + 1, name, sizeof(name) - 1); /* abstract: sun_path[0] == 0 */
	socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + sizeof(name));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		ms_broken("socket(AF_UNIX): %s", ms_errname(errno));
	for (int i = 0; i < 1000; i++) {
		if (bind(fd, (struct sockaddr *)&addr, alen) == 0) {
			ms_settings_lock_fd = fd;
			ms_settings_owner = getpid();
			return;
		}
		if (errno != EADDRINUSE)
			break;
		usleep(10000);
	}
	int e = errno;
	close(fd);
	ms_broken("settings lock (abstract socket @%s): %s after 10 s", name, ms_errname(e));
}

/* Sets path to value for this test, remembering the old value for ms_settings_restore().
 * SKIPs without root or when the knob does not exist. */
static inline void ms_setting_change(const char *path, const char *value)
{
	ms_require_root();
	const char *no_global = getenv("MMAPSUITE_NO_GLOBAL_SETTINGS");
	if (no_global && *no_global && strstr(path, "overcommit"))
		cr_skip_test("%s would change for the whole machine, which this run forbids "
			     "(MMAPSUITE_NO_GLOBAL_SETTINGS=%s): a broken mmap under test must not make "
			     "allocations fail elsewhere", path, no_global);
	char old[64];
	if (!ms_setting_read(path, old, sizeof(old)))
		cr_skip_test("%s cannot be read (%s): this kernel lacks the setting", path,
			     ms_errname(errno));
	ms_settings_lock();
	static bool registered;
	if (!registered) {
		atexit(ms_settings_restore);
		registered = true;
	}
	/* re-read under the lock: another test may just have restored it */
	if (!ms_setting_read(path, old, sizeof(old)))
		ms_broken("read %s: %s", path, ms_errname(errno));
	if (ms_n_saved_settings == (int)(sizeof(ms_saved_settings) / sizeof(ms_saved_settings[0])))
		ms_broken("too many settings changed in one test");
	struct ms_saved_setting *s = &ms_saved_settings[ms_n_saved_settings++];
	s->path = path;
	snprintf(s->value, sizeof(s->value), "%s", old);
	if (!ms_setting_write_raw(path, value))
		ms_broken("write \"%s\" to %s: %s", value, path, ms_errname(errno));
}

#endif
