/* Expectation files: the known deviations of a kernel, one line each (docs/expectations.md).
 * A failure a line matches becomes XFAIL, a pass it matches XPASS. Format:
 *   <test-glob> [fs=<glob>] [kernel=<glob>] [arch=<glob>] [message=<glob>] reason="<text>"
 * Globs are fnmatch(3) patterns (no flags): test-glob against "suite/test" and against each
 * earlier name of the test (lib/renames.def, so an old file still matches), fs against the
 * file system label or its type (fs=tmpfs also matches dir:/dev/shm on a tmpfs), kernel
 * against `uname -r`, arch against `uname -m`, message against the
 * whole failure message. A value with spaces is double-quoted; inside quotes \" is a quote and
 * \\ a backslash (any other backslash is kept, for fnmatch's own escapes). '#' starts a
 * comment where a word would start. reason= is mandatory; a reason beginning with "FILL IN" is
 * a placeholder that `mmapsuite expect --from` writes and --expect refuses. */
#ifndef MMAPSUITE_EXPECT_H
#define MMAPSUITE_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "results.h"

#define MS_EXPECT_PLACEHOLDER "FILL IN"

struct ms_expectation {
	char *test;     /* glob over "suite/test" */
	char *fs, *kernel, *arch, *message; /* globs, NULL = any */
	char *reason;
	int line;       /* line number in the file */
};

struct ms_expect {
	char *file;     /* the path as given */
	struct ms_expectation *v;
	size_t n;
	char *kernel, *arch; /* what kernel= and arch= match against (uname unless set) */
};

/* Parses text (named file in messages). Returns 0, or -1 with err = "FILE:LINE: problem".
 * A placeholder reason is refused unless allow_placeholder. */
int ms_expect_parse(struct ms_expect *e, const char *file, const char *text,
		    bool allow_placeholder, char *err, size_t errlen);
/* The largest expectation file read: a file of thousands of lines is far below it. */
#define MS_EXPECT_MAX_BYTES (4 << 20)
/* Reads and parses path, a regular file of at most MS_EXPECT_MAX_BYTES (anything else, a
 * FIFO or /dev/zero included, is refused at once, naming it); the kernel and architecture
 * are taken from uname(2). */
int ms_expect_load(struct ms_expect *e, const char *path, char *err, size_t errlen);
void ms_expect_free(struct ms_expect *e);

/* The first line matching c (test, fs, kernel, arch; message= only for a failure), or NULL.
 * Only fail and pass results are matched: a skip did not run, a broken test could not set
 * itself up (that is never a deviation of the kernel). fs_type is the type of the file system
 * labelled c->fs ("tmpfs" for dir:/dev/shm), or NULL when unknown: fs= matches either. */
const struct ms_expectation *ms_expect_match(const struct ms_expect *e,
					     const struct ms_conformance *c, const char *fs_type);

/* Turns the matched fail results of run->conformance[from..] into xfail and the matched
 * passes into xpass, recording the line. File system types come from
 * run->environment["filesystems"]. Returns the number of results changed. */
size_t ms_expect_apply(const struct ms_expect *e, struct ms_run *run, size_t from);

/* One expectation line as the file holds it (quoted where needed), without a newline.
 * Any of fs, kernel, arch, message may be NULL. Caller frees. */
char *ms_expect_format(const char *test, const char *fs, const char *kernel, const char *arch,
		       const char *message, const char *reason);

/* A message glob for a failure message: its first line, glob characters escaped, addresses
 * (0x...) and the tail replaced by '*', within '*' on both sides. Caller frees. */
char *ms_expect_message_glob(const char *message);

#endif
