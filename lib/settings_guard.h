/* The guard of the machine-wide settings conformance tests may change for their duration (as
 * root, and restored by the tests themselves): the harness snapshots every setting of the one
 * list (lib/machine_settings.h) before a run of the test binary and puts back whatever a test
 * that crashed, or was killed, left behind. */
#ifndef MMAPSUITE_SETTINGS_GUARD_H
#define MMAPSUITE_SETTINGS_GUARD_H

#include "machine_settings.h"

#define MS_GUARDED_SETTINGS MS_N_MACHINE_SETTINGS

struct ms_settings_snapshot {
	char values[MS_GUARDED_SETTINGS][64]; /* "" where the setting does not exist */
};

void ms_settings_snapshot(struct ms_settings_snapshot *snap);
/* Writes back every setting that differs from the snapshot; returns how many were put back
 * (each is also named on stderr). */
int ms_settings_put_back(const struct ms_settings_snapshot *snap);

/* The snapshot kept in a file, so that the next run can put the settings back when this one
 * was SIGKILLed in the middle (lib/scratch.c keeps it in the run's scratch area as
 * MS_SETTINGS_FILE, and ms_scratch_reap() puts back a dead run's). 0 or -1 (errno). */
#define MS_SETTINGS_FILE "settings"
int ms_settings_save(const struct ms_settings_snapshot *snap, const char *path);
int ms_settings_load(struct ms_settings_snapshot *snap, const char *path);
/* The path of guarded setting i (0 <= i < MS_GUARDED_SETTINGS); tests may point the
 * guard at other files with MMAPSUITE_SETTINGS_ROOT, a directory standing in for /. */
const char *ms_settings_path(int i);

#endif
