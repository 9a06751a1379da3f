#include "trusted_env.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const struct ms_env_var ms_env_vars[] = {
	{ "MMAPSUITE_OUT", MS_ENV_PATH, "results root used when --out is not given" },
	{ "MMAPSUITE_STATE_DIR", MS_ENV_PATH, "state root (areas, loop images) for tests of the suite" },
	{ "MMAPSUITE_SETTINGS_ROOT", MS_ENV_PATH, "test-only: prefix standing in for / before each machine setting's path" },
	{ "MMAPSUITE_POLICY_ROOT", MS_ENV_PATH, "test-only: prefix standing in for / when reading kernel policy files" },
	{ "MMAPSUITE_POLICY_CMDLINE", MS_ENV_PATH, "test-only: file standing in for /proc/cmdline" },
	{ "MMAPSUITE_DEVICE_TREE", MS_ENV_PATH, "device tree to read instead of /proc/device-tree (tests, boards)" },
	{ "MMAPSUITE_GNUPLOT", MS_ENV_PATH, "gnuplot program to run instead of the one in PATH" },
	{ "MMAPSUITE_LIBEXEC", MS_ENV_PATH, "the relocatable bundle's program directory (set by its wrapper)" },
	{ "MMAPSUITE_LOADER", MS_ENV_PATH, "the bundle's dynamic loader (set by its wrapper)" },
	{ "MMAPSUITE_LIBRARY_PATH", MS_ENV_PATH_LIST, "the bundle's library directories (set by its wrapper)" },
	{ "MMAPSUITE_CONTAIN_NO_NS", MS_ENV_VALUE, "test-only: containment without namespaces, to test the fallback" },
	{ "MMAPSUITE_NO_GLOBAL_SETTINGS", MS_ENV_VALUE, "tests that would change a machine-wide setting SKIP" },
	{ "MMAPSUITE_DIR", MS_ENV_INTERNAL, "scratch directory on the file system under test, for the test runner" },
	{ "MMAPSUITE_RESULTS", MS_ENV_INTERNAL, "file the test runner appends its results to" },
	{ "MMAPSUITE_GPIO_REQUEST", MS_ENV_INTERNAL, "the GPIO pin the devmem tests may write (\"N\" or \"N:write\"), set by mmapsuite-conform from its arguments for its test processes; an inherited value is removed first" },
	{ "MMAPSUITE_TIME_FACTOR", MS_ENV_INTERNAL, "the factor every time limit of the tests is multiplied by, set by mmapsuite-conform from its arguments for its test processes; an inherited value is removed first" },
	{ NULL, MS_ENV_VALUE, NULL },
};

static const struct ms_env_var *find(const char *name)
{
	for (const struct ms_env_var *v = ms_env_vars; v->name; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

static bool trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* Checks one existing component: its owner, and whether others may write it. `sticky_ok` tells
 * whether a sticky, world-writable directory is acceptable here (the next component exists and
 * is checked on its own). */
static bool check_component(const char *path, const struct stat *st, bool sticky_ok, char *why,
			    size_t whylen)
{
	if (!trusted_owner(st->st_uid)) {
		snprintf(why, whylen, "%s is owned by uid %u", path, (unsigned)st->st_uid);
		return false;
	}
	if (S_ISLNK(st->st_mode))
		return true; /* a link's own mode means nothing; its directory was checked */
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return true;
	if (S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) && sticky_ok)
		return true;
	snprintf(why, whylen, "%s (mode %04o) is writable by other users", path,
		 (unsigned)(st->st_mode & 07777));
	return false;
}

bool ms_path_is_trusted(const char *path, char *why, size_t whylen)
{
	char todo[PATH_MAX * 2], done[PATH_MAX] = "";
	int links = 0;
	if (!path || path[0] == 0) {
		snprintf(why, whylen, "the path is empty");
		return false;
	}
	if (path[0] == '/') {
		snprintf(todo, sizeof(todo), "%s", path);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd))) {
			snprintf(why, whylen, "the current directory cannot be named: %s", strerror(errno));
			return false;
		}
		snprintf(todo, sizeof(todo), "%s/%s", cwd, path);
	}
	struct stat st;
	if (lstat("/", &st) != 0 || !check_component("/", &st, true, why, whylen))
		return false;
	char *rest = todo;
	while (*rest) {
		while (*rest == '/')
			rest++;
		if (!*rest)
			break;
		size_t n = strcspn(rest, "/");
		char comp[NAME_MAX + 1];
		if (n > NAME_MAX) {
			snprintf(why, whylen, "a component of %s is too long", path);
			return false;
		}
		memcpy(comp, rest, n);
		comp[n] = 0;
		rest += n;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *slash = strrchr(done, '/');
			if (slash)
				*slash = 0;
			continue;
		}
		char next[PATH_MAX];
		if ((size_t)snprintf(next, sizeof(next), "%s/%s", done, comp) >= sizeof(next)) {
			snprintf(why, whylen, "%s is too long", path);
			return false;
		}
		if (lstat(next, &st) != 0) {
			if (errno != ENOENT) {
				snprintf(why, whylen, "%s: %s", next, strerror(errno));
				return false;
			}
			/* Missing: whoever may write its directory may create it first, so that
			 * directory must be writable by trusted users only, sticky or not. */
			struct stat dir;
			const char *parent = done[0] ? done : "/";
			if (lstat(parent, &dir) != 0 || !check_component(parent, &dir, false, why, whylen))
				return false;
			return true; /* what follows would be created by the run itself */
		}
		if (!check_component(next, &st, false, why, whylen)) {
			/* A sticky world-writable directory is fine when the next component is ours. */
			if (!(S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) && trusted_owner(st.st_uid)))
				return false;
			const char *p = rest;
			while (*p == '/')
				p++;
			if (!*p) /* the path ends in a directory that others may fill */
				return false;
			why[0] = 0;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t len = readlink(next, target, sizeof(target) - 1);
			if (len < 0 || ++links > 40) {
				snprintf(why, whylen, "%s: cannot follow the link", next);
				return false;
			}
			target[len] = 0;
			char joined[PATH_MAX * 2];
			snprintf(joined, sizeof(joined), "%s%s%s", target, *rest ? "/" : "", rest);
			if (target[0] == '/')
				done[0] = 0;
			snprintf(todo, sizeof(todo), "%s", joined);
			rest = todo;
			continue;
		}
		snprintf(done, sizeof(done), "%s", next);
	}
	return true;
}

static bool path_ok(const struct ms_env_var *v, const char *value, char *why, size_t whylen)
{
	if (v->kind == MS_ENV_PATH)
		return ms_path_is_trusted(value, why, whylen);
	char *copy = strdup(value), *save = NULL;
	bool ok = copy != NULL;
	for (char *p = copy ? strtok_r(copy, ":", &save) : NULL; ok && p; p = strtok_r(NULL, ":", &save))
		ok = ms_path_is_trusted(p, why, whylen);
	free(copy);
	return ok;
}

const char *ms_env(const char *name)
{
	const struct ms_env_var *v = find(name);
	if (!v) {
		fprintf(stderr, "mmapsuite: internal error: %s is not in lib/trusted_env.c's list\n", name);
		abort();
	}
	const char *value = getenv(name);
	if (!value || !*value)
		return NULL;
	if ((v->kind == MS_ENV_PATH || v->kind == MS_ENV_PATH_LIST) && geteuid() == 0) {
		char why[PATH_MAX + 128] = "";
		if (!path_ok(v, value, why, sizeof(why))) {
			fprintf(stderr, "mmapsuite: %s=%s is not honoured in a root run: %s. Use a path "
				"that only root can change, or unset it (docs/security.md)\n", name, value, why);
			exit(2);
		}
	}
	return value;
}
