#include "settings_guard.h"
#include "util.h"

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

void ms_settings_snapshot(struct ms_settings_snapshot *snap)
{
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++) {
		char *v = ms_read_line(guarded[i]);
		snprintf(snap->values[i], sizeof(snap->values[i]), "%s", v ? v : "");
		free(v);
	}
}

int ms_settings_put_back(const struct ms_settings_snapshot *snap)
{
	int restored = 0;
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++) {
		char *now = ms_read_line(guarded[i]);
		if (now && snap->values[i][0] && strcmp(now, snap->values[i]) != 0) {
			int fd = open(guarded[i], O_WRONLY | O_CLOEXEC);
			size_t len = strlen(snap->values[i]);
			if (fd >= 0 && write(fd, snap->values[i], len) == (ssize_t)len) {
				ms_warn("a test left %s at %s; put back to %s", guarded[i], now,
					snap->values[i]);
				restored++;
			} else {
				ms_warn("a test left %s at %s and it cannot be put back to %s",
					guarded[i], now, snap->values[i]);
			}
			if (fd >= 0)
				close(fd);
		}
		free(now);
	}
	return restored;
}
