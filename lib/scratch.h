/* Scratch file systems under test. Everything created here is recorded in an area of the
 * state root (lib/state_dir.h) owned by this process, removed at exit, on SIGINT/SIGTERM/SIGHUP,
 * and, after a SIGKILL, by the next run (ms_scratch_reap), which touches only what a dead
 * mmapsuite process of the same user owned. */
#ifndef MMAPSUITE_SCRATCH_H
#define MMAPSUITE_SCRATCH_H

#include <stdbool.h>

struct ms_scratch {
	char label[64];       /* "tmpfs", "ext4", "xfs", "btrfs", "dir:<path>" */
	char kind[16];        /* "tmpfs", "ext4", "xfs", "btrfs", "dir" */
	char path[4096];      /* directory the tests may use; empty, removed after */
	bool available;
	char reason[512];     /* why it is not available (a SKIP reason) */
};

/* The state root of the areas: $MMAPSUITE_STATE_DIR, else /var/lib/mmapsuite as root, else
 * $XDG_RUNTIME_DIR/mmapsuite when that is the user's own 0700 directory, else a fresh
 * /tmp/mmapsuite-state-XXXXXX (made here, removed at exit). Only named here: it is created
 * and checked when the first area is made, or by the reaper; one that is not the user's own
 * 0700 directory ends the run with exit status 2. */
const char *ms_scratch_state_root(void);

/* Removes what dead mmapsuite processes of this user left behind in the state root, and puts
 * back the settings a dead run's snapshot names (only settings of the list, only values in
 * their grammar; anything else is reported and left). Returns how many areas were reaped. */
int ms_scratch_reap(bool verbose);

/* Prepares one file system: kind is tmpfs|ext4|xfs|btrfs, or dir with dir_path. size_mb is
 * the image or tmpfs size. Never fails hard: *out says available or why not. */
void ms_scratch_prepare(struct ms_scratch *out, const char *kind, const char *dir_path,
			unsigned long size_mb);

/* Keeps a snapshot of the machine-wide settings (lib/settings_guard.h) beside this process's
 * area (as root: /run/mmapsuite/<area>.settings), for the next run to put back should this
 * one die (ms_scratch_reap). */
struct ms_settings_snapshot;
int ms_scratch_save_settings(const struct ms_settings_snapshot *snap);

/* Removes one prepared area (unmount, detach, delete). Safe to call twice. */
void ms_scratch_release(struct ms_scratch *s);

/* Releases every area this process prepared. An entry of the clean-up registry (cleanup.h)
 * from the first area on: it runs at exit and on the signals, in this process only. */
void ms_scratch_release_all(void);

/* Catches SIGINT/SIGTERM/SIGHUP through the clean-up registry (cleanup.h), which then ends
 * every contained test run (lib/contain.h), puts back the settings snapshot saved last,
 * releases all, and dies of the signal; and ignores SIGPIPE. */
void ms_scratch_install_signal_handlers(void);

#endif
