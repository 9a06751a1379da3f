#include "settings_guard.h"
#include "state_dir.h"
#include "trusted_env.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOCK_WAIT_MS 10000

const char *ms_settings_path(int i)
{
	static char paths[MS_GUARDED_SETTINGS][512];
	const char *root = ms_env("MMAPSUITE_SETTINGS_ROOT");
	const char *real = ms_machine_setting((enum ms_machine_setting)i)->path;
	if (!root || !*root)
		return real;
	snprintf(paths[i], sizeof(paths[i]), "%s%s", root, real);
	return paths[i];
}

int ms_settings_save(const struct ms_settings_snapshot *snap, int dirfd, const char *name)
{
	char buf[MS_GUARDED_SETTINGS * 600] = "";
	size_t n = 0;
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s=%s\n",
				      ms_machine_setting((enum ms_machine_setting)i)->path,
				      snap->values[i]);
	return ms_write_file_at(dirfd, name, buf, n);
}

int ms_settings_load(struct ms_settings_snapshot *snap, int dirfd, const char *name)
{
	char *text = ms_read_file_at(dirfd, name, 64 * 1024);
	if (!text)
		return -1;
	memset(snap, 0, sizeof(*snap));
	int found = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		int id = -1;
		if (eq) {
			*eq = 0;
			for (int i = 0; i < MS_GUARDED_SETTINGS && id < 0; i++)
				if (!strcmp(line, ms_machine_setting((enum ms_machine_setting)i)->path))
					id = i;
		}
		if (id < 0) {
			ms_warn("settings snapshot %s: \"%.80s\" is not a setting of the list; left "
				"alone", name, line);
			continue;
		}
		const char *value = eq + 1;
		if (!value[0])
			continue; /* the setting did not exist when the snapshot was taken */
		if (!ms_setting_value_ok((enum ms_machine_setting)id, value)) {
			ms_warn("settings snapshot %s: \"%.80s\" is not a value %s can take; left "
				"alone", name, value, line);
			continue;
		}
		snprintf(snap->values[id], sizeof(snap->values[id]), "%s", value);
		found++;
	}
	free(text);
	if (found == 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* The locks under which tests change these settings (lib/machine_settings.h), taken here
 * too, so that neither a snapshot nor a put-back falls inside another run's test window (runs
 * of other checkouts included). All or none: false, with the holder named, when one of them
 * was not had in time. */
struct locks {
	int fd[MS_N_SETTING_LOCKS];
};

static void drop_locks(struct locks *l)
{
	for (int i = MS_N_SETTING_LOCKS - 1; i >= 0; i--)
		if (l->fd[i] >= 0)
			close(l->fd[i]);
}

static bool take_locks(struct locks *l, const char *doing)
{
	for (int i = 0; i < MS_N_SETTING_LOCKS; i++)
		l->fd[i] = -1;
	for (int i = 0; i < MS_N_SETTING_LOCKS; i++) {
		char why[512];
		l->fd[i] = ms_setting_lock_take((enum ms_setting_lock)i, LOCK_WAIT_MS, why,
						sizeof(why));
		if (l->fd[i] < 0) {
			ms_warn("%s: no lock within %d s: %s", doing, LOCK_WAIT_MS / 1000, why);
			drop_locks(l);
			return false;
		}
	}
	return true;
}

bool ms_settings_snapshot(struct ms_settings_snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	if (geteuid() != 0)
		return true;
	struct locks l;
	if (!take_locks(&l, "the machine settings are not snapshotted and will not be put back"))
		return false;
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++) {
		char *v = ms_read_line(ms_settings_path(i));
		snprintf(snap->values[i], sizeof(snap->values[i]), "%s", v ? v : "");
		free(v);
	}
	drop_locks(&l);
	return true;
}

int ms_settings_put_back(const struct ms_settings_snapshot *snap)
{
	bool any = false;
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++)
		any |= snap->values[i][0] != 0;
	if (!any || geteuid() != 0)
		return 0;
	struct locks l;
	if (!take_locks(&l, "the machine settings are not put back"))
		return -1;
	int restored = 0;
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++) {
		enum ms_machine_setting id = (enum ms_machine_setting)i;
		const char *was = snap->values[i], *path = ms_settings_path(i);
		char *now = ms_read_line(path);
		if (!now || !was[0] || strcmp(now, was) == 0) {
			free(now);
			continue;
		}
		if (!ms_setting_value_ok(id, was))
			ms_warn("a test left %s at %s; the snapshot's %s is not a value it can take: "
				"left alone", path, now, was);
		else if (ms_setting_file_write(path, was) && ++restored)
			ms_warn("a test left %s at %s; put back to %s", path, now, was);
		else
			ms_warn("a test left %s at %s and it cannot be put back to %s: %s", path,
				now, was, strerror(errno));
		free(now);
	}
	drop_locks(&l);
	return restored;
}
