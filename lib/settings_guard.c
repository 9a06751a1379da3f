#include "settings_guard.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
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

void ms_settings_snapshot(struct ms_settings_snapshot *snap)
{
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++) {
		char *v = ms_read_line(ms_settings_path(i));
		snprintf(snap->values[i], sizeof(snap->values[i]), "%s", v ? v : "");
		free(v);
	}
}

int ms_settings_put_back(const struct ms_settings_snapshot *snap)
{
	int restored = 0;
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
	return restored;
}
