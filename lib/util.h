/* Small helpers shared by the harness, the runners and the reports. */
#ifndef MMAPSUITE_UTIL_H
#define MMAPSUITE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit statuses of every mmapsuite command. */
enum {
	MS_EXIT_OK = 0,
	MS_EXIT_FAILED = 1,     /* ran, and something failed or regressed */
	MS_EXIT_USAGE = 2,      /* bad arguments or bad input files; nothing was written */
	MS_EXIT_RECORDING = 3,  /* every test passed, but saving results, reports or history failed */
};

/* Allocation that never returns NULL: out of memory is not a condition any caller can handle,
 * so these end the process with a message. Named ms_ like every export; the x*() names belong
 * to the tests' set-up wrappers alone (suites/conform.h: the call or the test is BROKEN). */
void *ms_malloc(size_t size);
void *ms_calloc(size_t n, size_t size);
void *ms_realloc(void *p, size_t size);
char *ms_strdup(const char *s);
char *ms_strndup(const char *s, size_t n);
char *ms_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A growing array of n elements of size elem with room for *cap: the array with room for one
 * more (the capacity doubles, from 64). */
void *ms_grow(void *array, size_t n, size_t *cap, size_t elem);
/* Frees every pointer given, any of them NULL: the fields of a record in one line,
 * ms_free_all(p->label, p->fs, p->records). */
#define ms_free_all(...) \
	ms_free_each((void *[]){ __VA_ARGS__ }, sizeof((void *[]){ __VA_ARGS__ }) / sizeof(void *))
void ms_free_each(void *const *ptrs, size_t n);

/* Prints "mmapsuite: <message>" to stderr and exits with status. */
void ms_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* Prints "mmapsuite: <message>" to stderr. */
void ms_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whole-file helpers. read returns NULL (errno set) on failure; *len may be NULL. */
char *ms_read_file(const char *path, size_t *len);
/* First line of a small file (sysfs, procfs) with the newline removed, or NULL. */
char *ms_read_line(const char *path);
/* Writes via a temporary file in the same directory and rename(): readers see the old file or
 * the new one, never a part. The temporary file is created new, never through a link. Returns 0, or -1 with errno set (the old file is untouched). */
int ms_write_file_atomic(const char *path, const char *data, size_t len);
/* Opens path for writing, created if missing (mode 0644), never through a symbolic link at its
 * last component, and inside the run directory never through one at all (dir_anchor.h).
 * flags adds O_TRUNC, O_APPEND or O_EXCL. Returns the descriptor, or -1 with errno. */
int ms_open_new_file(const char *path, int flags);
/* A new read-write file with no name anywhere (memfd_create(), close-on-exec): for output
 * read back by this process, e.g. a child's stdout. Nothing in a shared directory such as
 * /tmp, where another user could take or watch the name. name only labels /proc/PID/fd.
 * Returns the descriptor, or -1 with errno. */
int ms_unnamed_file(const char *name);
/* mkdir -p (inside the run directory: relative to its descriptor, dir_anchor.h). Returns 0 or
 * -1 with errno. */
int ms_mkdir_p(const char *path, unsigned mode);
/* mkdir -p by plain paths, never through the run directory's descriptor: for a tree the run
 * directory's real place must not take (containment's private /tmp). 0 or -1 with errno. */
int ms_mkdir_p_unanchored(const char *path, unsigned mode);
/* rm -rf of a tree that never follows a symbolic link (the link itself is removed) nor
 * crosses a mount point; only path's last component is opened relative to its directory.
 * Returns 0 or -1 (a mount point inside: EXDEV, and it and its parents are left). */
int ms_remove_tree(const char *path);
/* The same for name in the directory open at dirfd. */
int ms_remove_tree_at(int dirfd, const char *name);

/* Monotonic time in seconds. */
double ms_now(void);
/* UTC wall time as ISO 8601 ("2026-11-26T07:55:53Z"); caller frees. */
char *ms_utc_iso8601(void);

/* Runs argv[0] (searched in PATH) with stdin, stdout and stderr on /dev/null and waits for it.
 * Returns its exit status, 128 + the signal that ended it, or -1 with errno when it could not
 * be started (not found: ENOENT) or waited for (subprocess.h). */
int ms_run_quietly(const char *const argv[]);

bool ms_is_root(void);
bool ms_str_in_list(const char *needle, const char *comma_list);

#endif
