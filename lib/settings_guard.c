#include "settings_guard.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const guarded[MS_GUARDED_SETTINGS] = {
	"/proc/sys/vm/overcommit_memory",
	"/sys/kernel/mm/ksm/run",
	"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
	"/proc/sys/vm/max_map_count",
};

const char *ms_settings_path(int i)
{
	static char paths[MS_GUARDED_SETTINGS][512];
	const char *root = getenv("MMAPSUITE_SETTINGS_ROOT");
	if (!root || !*root)
		return guarded[i];
	snprintf(paths[i], sizeof(paths[i]), "%s%s", root, guarded[i]);
	return paths[i];
}

int ms_settings_save(const struct ms_settings_snapshot *snap, const char *path)
{
	char buf[MS_GUARDED_SETTINGS * 600] = "";
	size_t n = 0;
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s=%s\n", guarded[i],
				      snap->values[i]);
	return ms_write_file_atomic(path, buf, n);
}

int ms_settings_load(struct ms_settings_snapshot *snap, const char *path)
{
	char *text = ms_read_file(path, NULL);
	if (!text)
		return -1;
	memset(snap, 0, sizeof(*snap));
	int found = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = 0;
		for (int i = 0; i < MS_GUARDED_SETTINGS; i++)
			if (!strcmp(line, guarded[i]) && strlen(eq + 1) < sizeof(snap->values[i])) {
				snprintf(snap->values[i], sizeof(snap->values[i]), "%s", eq + 1);
				found++;
			}
	}
	free(text);
	if (found == 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* The locks under which tests change these settings (suites/settings.h: an abstract socket
 * name for all of them; hugepages.c: flock on nr_hugepages), taken here too, so that neither
 * a snapshot nor a put-back falls inside another run's test window (runs of other checkouts
 * included). Waits up to 10 s for each; goes on without a lock it cannot get. */
struct locks {
	int sock, pool;
};

static struct locks take_locks(void)
{
	struct locks l = { -1, -1 };
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	static const char name[] = "mmapsuite-settings-lock";
	memcpy(addr.sun_path + 1, name, sizeof(name) - 1);
	socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + sizeof(name));
	l.sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	for (int i = 0; l.sock >= 0 && bind(l.sock, (struct sockaddr *)&addr, alen) != 0; i++) {
		if (errno != EADDRINUSE || i == 1000) {
			close(l.sock);
			l.sock = -1;
			break;
		}
		usleep(10000);
	}
	l.pool = open(ms_settings_path(2), O_RDONLY | O_CLOEXEC);
	for (int i = 0; l.pool >= 0 && flock(l.pool, LOCK_EX | LOCK_NB) != 0; i++) {
		if (i == 1000) {
			close(l.pool);
			l.pool = -1;
			break;
		}
		usleep(10000);
	}
	return l;
}

static void drop_locks(struct locks l)
{
	if (l.pool >= 0)
		close(l.pool);
	if (l.sock >= 0)
		close(l.sock);
}

void ms_settings_snapshot(struct ms_settings_snapshot *snap)
{
	struct locks l = take_locks();
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++) {
		char *v = ms_read_line(ms_settings_path(i));
		snprintf(snap->values[i], sizeof(snap->values[i]), "%s", v ? v : "");
		free(v);
	}
	drop_locks(l);
}

int ms_settings_put_back(const struct ms_settings_snapshot *snap)
{
	int restored = 0;
	struct locks l = take_locks();
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++) {
		char *now = ms_read_line(ms_settings_path(i));
		if (now && snap->values[i][0] && strcmp(now, snap->values[i]) != 0) {
			int fd = open(ms_settings_path(i), O_WRONLY | O_CLOEXEC);
			size_t len = strlen(snap->values[i]);
			if (fd >= 0 && write(fd, snap->values[i], len) == (ssize_t)len) {
				ms_warn("a test left %s at %s; put back to %s", ms_settings_path(i), now,
					snap->values[i]);
				restored++;
			} else {
				ms_warn("a test left %s at %s and it cannot be put back to %s",
					ms_settings_path(i), now, snap->values[i]);
			}
			if (fd >= 0)
				close(fd);
		}
		free(now);
	}
	drop_locks(l);
	return restored;
}
