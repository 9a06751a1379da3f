/* The machine-wide settings (sysctls, /sys knobs) that conformance tests may change for their
 * duration: the one list of them, and the lock each is changed under.
 *
 * Two users read this list, and nothing else may keep one of its own:
 *   - the tests change a setting through suites/mm_util.h (mm_setting_change()), which takes
 *     the setting's lock, remembers the old value and puts it back at the end of the test;
 *   - the guard (lib/settings_guard.c) snapshots every setting of the list before a run of the
 *     test binary and puts back what a crashed or killed test left, and the next run's reaper
 *     does the same from the snapshot a SIGKILLed run kept in its scratch area.
 *
 * Plain C with no other lib/ code: linked into libmmapsuite and into mmapsuite-conform.
 *
 * Adding a setting: one row in machine_settings.c (its path, its lock), one enumerator here. */
#ifndef MMAPSUITE_MACHINE_SETTINGS_H
#define MMAPSUITE_MACHINE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

enum ms_machine_setting {
	MS_OVERCOMMIT_MEMORY,  /* vm.overcommit_memory: flags.c (k6) */
	MS_KSM_RUN,            /* ksmd on or off: multiprocess.c (i5) */
	MS_HUGETLB_2M_POOL,    /* nr_hugepages of the 2 MiB hugetlb pool: hugepages.c (j1-j3) */
	MS_MAX_MAP_COUNT,      /* vm.max_map_count: guarded, no test changes it today */
	MS_N_MACHINE_SETTINGS
};

/* How a setting is locked while a test changes (or depends on) it:
 *   MS_LOCK_SETTINGS: the one settings lock, the abstract unix socket @mmapsuite-settings-lock
 *     (released by the kernel when its holder dies; leaves nothing on disk);
 *   MS_LOCK_OWN_FILE: flock() on the setting's own file (the hugetlb pool: its tests hold it
 *     for as long as they use the pool, so parallel tests never see each other's pages). */
enum ms_setting_lock { MS_LOCK_SETTINGS, MS_LOCK_OWN_FILE };

struct ms_machine_setting_info {
	const char *path;          /* the real path, also the key in a saved snapshot */
	enum ms_setting_lock lock;
	/* true when changing it can make allocations fail elsewhere on the machine: refused
	 * under MMAPSUITE_NO_GLOBAL_SETTINGS */
	bool global_memory;
};

const struct ms_machine_setting_info *ms_machine_setting(enum ms_machine_setting id);

/* The first line of the setting's file at path (without its newline) in buf; false (errno
 * set) when it cannot be read. */
bool ms_setting_file_read(const char *path, char *buf, size_t len);
/* Writes value to the setting's file at path; false (errno set) on failure. */
bool ms_setting_file_write(const char *path, const char *value);

/* Takes the lock of setting id (of the file at path for MS_LOCK_OWN_FILE: path is the real one
 * or a stand-in), waiting up to wait_ms. Returns a descriptor that holds it until closed (a
 * forked child shares it), or -1 with errno (EADDRINUSE or EWOULDBLOCK: still held by
 * another process when the wait ended). */
int ms_setting_lock_take(enum ms_machine_setting id, const char *path, int wait_ms);

/* The name of the settings lock, for messages. */
#define MS_SETTINGS_LOCK_NAME "mmapsuite-settings-lock"

#endif
