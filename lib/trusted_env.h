/* The MMAPSUITE_* environment variables: the one list of those the suite reads, and the checks a
 * run applies before it honours one. docs/security.md shows the same list with each variable's
 * purpose. Plain C with nothing else from lib/, so the conformance test binary links it too. */
#ifndef MMAPSUITE_TRUSTED_ENV_H
#define MMAPSUITE_TRUSTED_ENV_H

#include <stdbool.h>
#include <stddef.h>

enum ms_env_kind {
	MS_ENV_VALUE,     /* a word or number; honoured as given */
	MS_ENV_PATH,      /* a path: as root, honoured only where no other user can change it */
	MS_ENV_PATH_LIST, /* colon-separated paths, each checked like MS_ENV_PATH */
	MS_ENV_INTERNAL,  /* set by the harness for the processes it starts, never by a user */
};

struct ms_env_var {
	const char *name;
	enum ms_env_kind kind;
	const char *purpose;
};

/* The list, ending with a { NULL } entry. */
extern const struct ms_env_var ms_env_vars[];

/* The value of the listed variable `name`, or NULL when it is unset or empty. A path variable
 * that a root run must not honour ends the process with exit status 2 and a message naming the
 * variable, the path, its owner and mode. Asking for a name that is not in the list aborts: the
 * list is the whole truth. */
const char *ms_env(const char *name);

/* Whether `path` (which need not exist yet, though its parent must) can be changed or swapped
 * only by root or the running user: every directory on the way and every symbolic link followed
 * is owned by one of them, and no directory on the way is writable by others unless it is
 * sticky and the next component is theirs. On false, `why` says which component and why. */
bool ms_path_is_trusted(const char *path, char *why, size_t whylen);

#endif
