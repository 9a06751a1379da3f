/* The guard of the machine-wide settings conformance tests may change for their duration (as
 * root, and restored by the tests themselves): the harness snapshots every setting of the one
 * list (lib/machine_settings.h) before a run of the test binary and puts back whatever a test
 * that crashed, or was killed, left behind. Both happen under the settings' locks only; a
 * non-root run neither snapshots nor writes anything. */
#ifndef MMAPSUITE_SETTINGS_GUARD_H
#define MMAPSUITE_SETTINGS_GUARD_H

#include "machine_settings.h"

#include <stdbool.h>

#define MS_GUARDED_SETTINGS MS_N_MACHINE_SETTINGS

struct ms_settings_snapshot {
	char values[MS_GUARDED_SETTINGS][64]; /* "" where the setting does not exist */
};

/* Reads every setting under its lock. False (and an empty snapshot, which puts nothing back)
 * when a lock was not had within 10 s: the message names the holder. A non-root run gets an
 * empty snapshot and true: it changes no setting. */
bool ms_settings_snapshot(struct ms_settings_snapshot *snap);
/* Writes back, under the locks, every setting that differs from the snapshot and whose
 * snapshot value is in its grammar; returns how many were put back (each is also named on
 * stderr), or -1 when a lock was not had (nothing is written; the message names the holder). */
int ms_settings_put_back(const struct ms_settings_snapshot *snap);

/* The snapshot kept in a file, so that the next run can put the settings back when this one
 * was SIGKILLed in the middle (lib/scratch.c keeps it in the runtime root, and
 * ms_scratch_reap() puts back a dead run's). The file is name in the directory open at
 * dirfd, one "path=value" line per setting. ms_settings_load() keeps only lines whose path is
 * in the list and whose value is in that setting's grammar, and names every other line on
 * stderr; -1 (errno) when the file cannot be read or holds no such line. */
int ms_settings_save(const struct ms_settings_snapshot *snap, int dirfd, const char *name);
int ms_settings_load(struct ms_settings_snapshot *snap, int dirfd, const char *name);
/* The path of guarded setting i (0 <= i < MS_GUARDED_SETTINGS); tests may point the
 * guard at other files with MMAPSUITE_SETTINGS_ROOT, a directory standing in for /. */
const char *ms_settings_path(int i);

#endif
