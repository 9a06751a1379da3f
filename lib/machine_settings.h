/* The machine-wide settings (sysctls, /sys knobs) that conformance tests may change for their
 * duration: the one list of them, the values each may take, and the lock each is changed under.
 *
 * Two users read this list, and nothing else may keep one of its own:
 *   - the tests change a setting through suites/mm_util.h (ms_setting_change()), which takes
 *     the setting's lock, remembers the old value and puts it back at the end of the test;
 *   - the guard (lib/settings_guard.c) snapshots every setting of the list before a run of the
 *     test binary and puts back what a crashed or killed test left, and the next run's reaper
 *     does the same from the snapshot a SIGKILLed run kept in its runtime directory.
 * Only root changes a setting, and only under its lock; a non-root run changes none.
 *
 * Plain C with no other lib/ code but state_dir.c: linked into libmmapsuite and into
 * mmapsuite-conform.
 *
 * Adding a setting: one row in machine_settings.c (its path, its grammar, its lock), one
 * enumerator here. */
#ifndef MMAPSUITE_MACHINE_SETTINGS_H
#define MMAPSUITE_MACHINE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

enum ms_machine_setting {
	MS_OVERCOMMIT_MEMORY,  /* vm.overcommit_memory: flags.c (k6) */
	MS_KSM_RUN,            /* ksmd on or off: multiprocess.c (i5) */
	MS_HUGETLB_POOL,       /* nr_hugepages of the default-size hugetlb pool: hugetlb.c (j1-j3) */
	MS_MAX_MAP_COUNT,      /* vm.max_map_count: guarded, no test changes it today */
	MS_N_MACHINE_SETTINGS
};

/* The locks: files of fixed names in MS_RUNTIME_ROOT (lib/state_dir.h), created 0600 by root,
 * never unlinked, held with flock() (dropped by the kernel when the holder dies, shared with a
 * forked child). No variable moves them, and no other user can open them.
 *   MS_LOCK_SETTINGS: one lock for the sysctls and ksm (settings.lock);
 *   MS_LOCK_HUGETLB_POOL: the pool of the default hugetlb page size (hugetlb-<size>kB.lock,
 *     hugetlb-2048kB.lock on x86-64): its tests hold it for as long as they use the pool, so
 *     parallel tests never see each other's pages. */
enum ms_setting_lock { MS_LOCK_SETTINGS, MS_LOCK_HUGETLB_POOL, MS_N_SETTING_LOCKS };

/* The values a setting may be given back: an integer from min to max (max_per_memory > 0: at
 * most physical memory / max_per_memory bytes instead), or, where words is set, one of its
 * '|'-separated words. */
struct ms_setting_grammar {
	long long min, max;
	unsigned long long max_per_memory;
	const char *words;
};

struct ms_machine_setting_info {
	const char *path;          /* the real path, also the key in a saved snapshot */
	struct ms_setting_grammar grammar;
	enum ms_setting_lock lock;
	/* true when changing it can make allocations fail elsewhere on the machine: refused
	 * under MMAPSUITE_NO_GLOBAL_SETTINGS */
	bool global_memory;
};

const struct ms_machine_setting_info *ms_machine_setting(enum ms_machine_setting id);

/* The page size of MS_HUGETLB_POOL in kB: the place's default hugetlb page size
 * (/proc/meminfo Hugepagesize), 0 when the kernel has none (the pool's path then names
 * hugepages-0kB, which exists nowhere). */
unsigned long ms_hugetlb_pool_kb(void);

/* Whether value is in the grammar of setting id (the whole string: no sign games, no
 * trailing bytes, no newline). */
bool ms_setting_value_ok(enum ms_machine_setting id, const char *value);

/* The first line of the setting's file at path (without its newline) in buf; false (errno
 * set) when it cannot be read. */
bool ms_setting_file_read(const char *path, char *buf, size_t len);
/* Writes value to the setting's file at path; false (errno set) on failure. */
bool ms_setting_file_write(const char *path, const char *value);

/* The file name of a lock in MS_RUNTIME_ROOT, for messages. */
const char *ms_setting_lock_name(enum ms_setting_lock lock);

/* Takes lock (as root only), waiting up to wait_ms, and writes "pid starttime" into its file
 * so that a waiter can name the holder. Returns a descriptor that holds it until closed (a
 * forked child shares it), or -1 with errno and why filled: EWOULDBLOCK when another process
 * still held it when the wait ended (why names that process), EPERM without root, anything
 * else when the lock file or its directory cannot be used. */
int ms_setting_lock_take(enum ms_setting_lock lock, int wait_ms, char *why, size_t whylen);

#endif
