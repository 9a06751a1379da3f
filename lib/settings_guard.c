#include "settings_guard.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *ms_settings_path(int i)
{
	static char paths[MS_GUARDED_SETTINGS][512];
	const char *root = getenv("MMAPSUITE_SETTINGS_ROOT");
	const char *real = ms_machine_setting((enum ms_machine_setting)i)->path;
	if (!root || !*root)
		return real;
	snprintf(paths[i], sizeof(paths[i]), "%s%s", root, real);
	return paths[i];
}

int ms_settings_save(const struct ms_settings_snapshot *snap, const char *path)
{
	char buf[MS_GUARDED_SETTINGS * 600] = "";
	size_t n = 0;
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s=%s\n",
				      ms_machine_setting((enum ms_machine_setting)i)->path,
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
	for (char *save, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = 0;
		for (int i = 0; i < MS_GUARDED_SETTINGS; i++)
			if (!strcmp(line, ms_machine_setting((enum ms_machine_setting)i)->path) && strlen(eq + 1) < sizeof(snap->values[i])) {
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

/* The locks under which tests change these settings (lib/machine_settings.h: the settings lock
 * and the flock of each MS_LOCK_OWN_FILE setting), taken here too, so that neither a snapshot
 * nor a put-back falls inside another run's test window (runs of other checkouts included).
 * Waits up to 10 s for each; goes on without a lock it cannot get. */
struct locks {
	int fd[MS_GUARDED_SETTINGS];
};

static struct locks take_locks(void)
{
	struct locks l;
	bool have_settings_lock = false;
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++) {
		l.fd[i] = -1;
		enum ms_machine_setting id = (enum ms_machine_setting)i;
		if (ms_machine_setting(id)->lock == MS_LOCK_SETTINGS) {
			if (have_settings_lock)
				continue; /* one lock for all of them */
			have_settings_lock = true;
		}
		l.fd[i] = ms_setting_lock_take(id, ms_settings_path(i), 10000);
	}
	return l;
}

static void drop_locks(struct locks l)
{
	for (int i = MS_GUARDED_SETTINGS - 1; i >= 0; i--)
		if (l.fd[i] >= 0)
			close(l.fd[i]);
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
			if (ms_setting_file_write(ms_settings_path(i), snap->values[i])) {
				ms_warn("a test left %s at %s; put back to %s", ms_settings_path(i), now,
					snap->values[i]);
				restored++;
			} else {
				ms_warn("a test left %s at %s and it cannot be put back to %s",
					ms_settings_path(i), now, snap->values[i]);
			}
		}
		free(now);
	}
	drop_locks(l);
	return restored;
}
