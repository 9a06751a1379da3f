/* The machine-wide settings conformance tests may change for their duration (as root, and
 * restored by the tests themselves). The harness snapshots them before a run of the test
 * binary and puts back whatever a test that crashed, or was killed, left behind. */
#ifndef MMAPSUITE_SETTINGS_GUARD_H
#define MMAPSUITE_SETTINGS_GUARD_H

#define MS_GUARDED_SETTINGS 4

struct ms_settings_snapshot {
	char values[MS_GUARDED_SETTINGS][64]; /* "" where the setting does not exist */
};

void ms_settings_snapshot(struct ms_settings_snapshot *snap);
/* Writes back every setting that differs from the snapshot; returns how many were put back
 * (each is also named on stderr). */
int ms_settings_put_back(const struct ms_settings_snapshot *snap);

#endif
