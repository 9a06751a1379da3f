/* Where a run's results go (issue 18, attack 3): the results root is checked before anything
 * is written, and each run directory is created new, so no name another user planted (a
 * directory, a symbolic link) can receive a run. */
#ifndef MMAPSUITE_RESULTS_DIR_H
#define MMAPSUITE_RESULTS_DIR_H

#include <stdbool.h>
#include <stddef.h>

/* Checks the results root `root` (what: "--out", "results root (the default)", for messages)
 * and returns the directory the run directories and the history database go into (caller
 * frees). For root: the results root must be owned by root and reached through directories
 * no other user can change (ms_path_is_trusted); a root others may write without the sticky
 * bit, or owned by another user, is refused; in a sticky shared root (1777) the run goes into
 * its root-owned subdirectory "root" (created 0755, checked: owner, mode, not a link). A
 * missing root is created, first checking that its closest existing ancestor is trusted or a
 * sticky directory. For other users the root is used as given (created if missing). Exits 2
 * with a message naming path, owner and mode when refused; nothing is created then. */
char *ms_results_root_prepare(const char *root, const char *what);

/* Creates the run directory new inside root_dir: mkdir of `id`, and when that name exists
 * (planted, or a run of the same second and pid), of id-<16 random hex digits>, never an
 * existing directory. The name used is written to name (at least 64 + strlen(id) bytes), the
 * full path to path. Returns a descriptor of the new directory (opened with O_NOFOLLOW, owner
 * checked), or -1 with errno. */
int ms_run_dir_create(const char *root_dir, const char *id, char *name, size_t namelen,
		      char *path, size_t pathlen);

/* Whether a directory is one only its owner (root or this user) can write, checked on an open
 * descriptor: why says what is wrong when not. */
bool ms_dir_fd_is_private(int fd, const char *path, char *why, size_t whylen);

/* For a file the run will create beside others it opens by name (the history database and
 * its -wal, -shm, -journal): whether the directory holding path is private as above (for root
 * also on a trusted path) and path, if it exists, a regular file and not a link. 1 when the
 * directory does not exist yet, 0 when all holds, -1 with why. */
int ms_parent_dir_check(const char *path, char *why, size_t whylen);

/* The closest existing directory at or above path (path itself when it exists), into out. */
void ms_existing_ancestor(const char *path, char *out, size_t len);

#endif
