/* The directories the suite keeps its own state in, and how it opens them: every one is
 * checked after creation (owner, mode, not a symbolic link) and then used only through its
 * descriptor, so that no other user can plant, swap or redirect anything in it.
 *
 *   root:     MS_RUNTIME_ROOT (/run/mmapsuite): the locks and the settings snapshots;
 *             MS_DATA_ROOT (/var/lib/mmapsuite): scratch areas and loop images.
 *   non-root: both in $XDG_RUNTIME_DIR/mmapsuite when that is the user's own 0700
 *             directory, else in a fresh mkdtemp() directory (never a predictable name).
 *   MMAPSUITE_STATE_DIR (a test hook, checked by ms_env()): both there.
 * Every state directory is owned by the running user with mode 0700; anything else is refused.
 *
 * Plain C with no other lib/ code but trusted_env.c: linked into libmmapsuite and into the
 * conformance test binary (which takes the locks). */
#ifndef MMAPSUITE_STATE_DIR_H
#define MMAPSUITE_STATE_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define MS_RUNTIME_ROOT "/run/mmapsuite"
#define MS_DATA_ROOT "/var/lib/mmapsuite"

/* openat2(dirfd, rel, flags | O_CLOEXEC) resolving with RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS, and RESOLVE_NO_XDEV when same_mount: rel can neither leave dirfd nor
 * pass a symbolic link (nor a mount point). -1 with errno on failure. */
int ms_openat_beneath(int dirfd, const char *rel, int flags, mode_t mode, bool same_mount);

/* Whether the directory open at fd (named path in messages) is a state directory: a
 * directory owned by the running user with mode 0700. On false, why names the path, its
 * owner and its mode. */
bool ms_state_dir_fd_ok(int fd, const char *path, char *why, size_t whylen);

/* Opens the state directory path, first creating it with mode 0700 when create is set and it
 * is absent. The parent is opened as named (it must be owned by root or the running user and
 * writable by nobody else, or sticky); path itself is opened with O_NOFOLLOW | O_DIRECTORY and
 * checked with ms_state_dir_fd_ok(). Returns the descriptor (O_CLOEXEC), or -1 with a
 * message in why. */
int ms_state_dir_open(const char *path, bool create, char *why, size_t whylen);

/* The runtime root (locks, settings snapshots) as root: MS_RUNTIME_ROOT, created 0700 when
 * absent, and /run itself 0755 when it is missing (an initramfs or a chroot). The descriptor
 * is kept for the life of the process. -1 with a message in why. */
int ms_runtime_root_fd(char *why, size_t whylen);

/* Writes data to name in dirfd through a new temporary file and renameat(): readers see the
 * old file or the new one, never a part, and a symbolic link in name's place is replaced,
 * never followed. The file gets mode 0600. 0, or -1 with errno. */
int ms_write_file_at(int dirfd, const char *name, const char *data, size_t len);
/* What ms_write_file_at and ms_write_file_atomic (util.h) share: writes data into tmp in
 * dirfd (created new with mode, never through a link), syncs it and renames it to name. On
 * failure tmp is removed. 0, or -1 with errno. */
int ms_replace_file_at(int dirfd, const char *tmp, const char *name, unsigned mode,
		       const char *data, size_t len);

/* Reads name in dirfd (not following a symbolic link; a regular file of at most max bytes,
 * owned by the running user) into a new NUL-terminated buffer, or NULL with errno. */
char *ms_read_file_at(int dirfd, const char *name, size_t max);

/* Start time of process pid in clock ticks since boot (field 22 of /proc/pid/stat), the
 * second half of a process's name that a reused pid does not repeat; 0 when it is gone or a
 * zombie (a SIGKILLed run is one until its parent reaps it). */
unsigned long long ms_process_start_time(pid_t pid);

#endif
