#include "results_dir.h"
#include "state_dir.h"
#include "trusted_env.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* The subdirectory of a sticky shared results root that holds root's runs. */
#define SHARED_ROOT_SUBDIR "root"

static void refuse(const char *what, const char *path, const char *why)
{
	ms_die(MS_EXIT_USAGE, "%s %s: %s; a root run writes its results only where no other user "
	       "can change them: name a root-owned results root with --out DIR (docs/security.md)",
	       what, path, why);
}

static const char *user_name(uid_t uid)
{
	/* cppcheck-suppress getpwuidCalled ; single-threaded, read at once */
	struct passwd *pw = getpwuid(uid);
	return pw ? pw->pw_name : "?";
}

bool ms_dir_fd_is_private(int fd, const char *path, char *why, size_t whylen)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "%s is not a directory", path);
		return false;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(why, whylen, "%s is owned by uid %u (%s), mode %04o", path,
			 (unsigned)st.st_uid, user_name(st.st_uid), (unsigned)(st.st_mode & 07777));
		return false;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, whylen, "%s (owner uid %u, mode %04o) is writable by other users", path,
			 (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return false;
	}
	return true;
}

void ms_existing_ancestor(const char *path, char *out, size_t len)
{
	struct stat st;
	snprintf(out, len, "%s", path);
	while (stat(out, &st) != 0 && strcmp(out, "/") != 0 && strcmp(out, ".") != 0) {
		char *copy = ms_strdup(out);
		snprintf(out, len, "%s", dirname(copy));
		free(copy);
	}
}

/* Whether root may create a directory in dir: only trusted users can change it, or it is a
 * root-owned sticky directory (/tmp) on a trusted path, where a name another user takes first
 * makes the mkdir fail or the owner check after it refuse. */
static bool may_create_in(const char *dir, char *why, size_t whylen)
{
	if (ms_path_is_trusted(dir, why, whylen))
		return true;
	struct stat st;
	char copy[PATH_MAX], reason[PATH_MAX + 128];
	snprintf(copy, sizeof(copy), "%s", dir);
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) &&
	       st.st_uid == 0 && ms_path_is_trusted(dirname(copy), reason, sizeof(reason));
}

char *ms_results_root_prepare(const char *root, const char *what)
{
	if (geteuid() != 0) {
		if (ms_mkdir_p(root, 0755) != 0)
			ms_die(MS_EXIT_USAGE, "%s %s: cannot create it: %s", what, root, strerror(errno));
		return ms_strdup(root);
	}
	char why[PATH_MAX + 256], real[PATH_MAX];
	struct stat st;
	if (stat(root, &st) != 0) {
		if (errno != ENOENT)
			refuse(what, root, strerror(errno));
		char base[PATH_MAX];
		ms_existing_ancestor(root, base, sizeof(base));
		if (!realpath(base, real))
			refuse(what, root, strerror(errno));
		if (!may_create_in(real, why, sizeof(why)))
			refuse(what, root, why);
		/* A results root inside the state root (the installed default,
		 * /var/lib/mmapsuite/results): the state root is made first, root's with mode 0700 as
		 * the state check wants it, not 0755 as a parent made on the way would be. */
		size_t n = strlen(MS_DATA_ROOT);
		if (strncmp(root, MS_DATA_ROOT "/", n + 1) == 0) {
			int sfd = ms_state_dir_open(MS_DATA_ROOT, true, why, sizeof(why));
			if (sfd < 0)
				refuse(what, root, why);
			close(sfd);
		}
		if (ms_mkdir_p(root, 0755) != 0)
			ms_die(MS_EXIT_USAGE, "%s %s: cannot create it: %s", what, root, strerror(errno));
	}
	if (!realpath(root, real))
		refuse(what, root, strerror(errno));
	int fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0)
		refuse(what, root, strerror(errno));
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(why, sizeof(why), "owned by uid %u (%s), mode %04o", (unsigned)st.st_uid,
			 user_name(st.st_uid), (unsigned)(st.st_mode & 07777));
		refuse(what, real, why);
	}
	char *chosen;
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		if (!(st.st_mode & S_ISVTX)) {
			snprintf(why, sizeof(why), "writable by other users without the sticky bit "
				 "(owner uid %u, mode %04o)", (unsigned)st.st_uid,
				 (unsigned)(st.st_mode & 07777));
			refuse(what, real, why);
		}
		/* A shared root (1777): root's runs and history go into root's own directory. */
		chosen = ms_asprintf("%s/%s", real, SHARED_ROOT_SUBDIR);
		if (mkdirat(fd, SHARED_ROOT_SUBDIR, 0755) != 0 && errno != EEXIST)
			refuse(what, chosen, strerror(errno));
		int sub = openat(fd, SHARED_ROOT_SUBDIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			refuse(what, chosen, errno == ELOOP || errno == ENOTDIR ?
			       "not a directory (a symbolic link or a file another user put there)" :
			       strerror(errno));
		if (!ms_dir_fd_is_private(sub, chosen, why, sizeof(why)))
			refuse(what, root, why);
		close(sub);
	} else {
		chosen = ms_strdup(real);
	}
	close(fd);
	if (!ms_path_is_trusted(chosen, why, sizeof(why)))
		refuse(what, chosen, why);
	return chosen;
}

int ms_run_dir_create(const char *root_dir, const char *id, char *name, size_t namelen,
		      char *path, size_t pathlen)
{
	int rfd = open(root_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return -1;
	int made = -1;
	for (int attempt = 0; attempt < 16 && made != 0; attempt++) {
		unsigned long long r = 0;
		if (attempt && getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			break;
		int n = attempt ? snprintf(name, namelen, "%s-%016llx", id, r) :
				  snprintf(name, namelen, "%s", id);
		if (n < 0 || (size_t)n >= namelen) {
			errno = ENAMETOOLONG;
			break;
		}
		made = mkdirat(rfd, name, 0755);
		if (made != 0 && errno != EEXIST)
			break;
	}
	int fd = made == 0 ? openat(rfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	int e = errno;
	close(rfd);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) != 0 || st.st_uid != geteuid())) {
		close(fd);
		fd = -1;
		e = EPERM;
	}
	if (fd >= 0 && (size_t)snprintf(path, pathlen, "%s/%s", root_dir, name) >= pathlen) {
		close(fd);
		fd = -1;
		e = ENAMETOOLONG;
	}
	errno = e;
	return fd;
}

int ms_parent_dir_check(const char *path, char *why, size_t whylen)
{
	char dir[PATH_MAX], real[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	if (!realpath(dir, real))
		return errno == ENOENT ? 1 : (snprintf(why, whylen, "%s: %s", dir, strerror(errno)), -1);
	int fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", real, strerror(errno));
		return -1;
	}
	bool ok = ms_dir_fd_is_private(fd, real, why, whylen);
	close(fd);
	if (ok && geteuid() == 0)
		ok = ms_path_is_trusted(real, why, whylen);
	struct stat st;
	if (ok && lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s is not a regular file%s", path,
			 S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
		ok = false;
	}
	return ok ? 0 : -1;
}
