#include "dir_anchor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char anchor_path[PATH_MAX];
static int anchor_fd = -1;

void ms_anchor_set(const char *path, int dirfd)
{
	if (anchor_fd >= 0 && anchor_fd != dirfd)
		close(anchor_fd);
	anchor_fd = -1;
	anchor_path[0] = 0;
	if (!path || dirfd < 0)
		return;
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n >= sizeof(anchor_path))
		return;
	memcpy(anchor_path, path, n);
	anchor_path[n] = 0;
	anchor_fd = dirfd;
}

/* The part of path below the anchor ("plots/a.svg"), or NULL when path is not inside it. */
static const char *below_anchor(const char *path)
{
	size_t n = strlen(anchor_path);
	if (anchor_fd < 0 || !n || strncmp(path, anchor_path, n) != 0 || path[n] != '/')
		return NULL;
	while (path[n] == '/')
		n++;
	return path[n] ? path + n : NULL;
}

/* Walks rel's directories from the anchor, never through a link; the last component goes to
 * leaf. */
static int walk_from_anchor(const char *rel, char *leaf, size_t leaflen)
{
	int cur = fcntl(anchor_fd, F_DUPFD_CLOEXEC, 0);
	while (cur >= 0) {
		while (*rel == '/')
			rel++;
		size_t n = strcspn(rel, "/");
		const char *after = rel + n;
		while (*after == '/')
			after++;
		if (n >= leaflen || n > NAME_MAX) {
			close(cur);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(leaf, rel, n);
		leaf[n] = 0;
		if (strcmp(leaf, "..") == 0 || (!*after && strcmp(leaf, ".") == 0)) {
			close(cur);
			errno = EINVAL;
			return -1;
		}
		if (!*after)
			return cur;
		int next = strcmp(leaf, ".") == 0 ? fcntl(cur, F_DUPFD_CLOEXEC, 0) :
			openat(cur, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		close(cur);
		errno = e;
		cur = next;
		rel = after;
	}
	return -1;
}

int ms_anchor_parent(const char *path, char *leaf, size_t leaflen)
{
	const char *rel = below_anchor(path);
	if (rel)
		return walk_from_anchor(rel, leaf, leaflen);
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = 0;
	char *slash = strrchr(buf, '/');
	const char *name = slash ? slash + 1 : buf;
	if (!*name || strlen(name) >= leaflen) {
		errno = slash ? EINVAL : ENAMETOOLONG;
		return -1;
	}
	snprintf(leaf, leaflen, "%s", name);
	const char *dir = ".";
	if (slash == buf)
		dir = "/";
	else if (slash)
		*slash = 0, dir = buf;
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int ms_anchor_mkdir_p(const char *path, unsigned mode)
{
	const char *rel = below_anchor(path);
	if (!rel)
		return 1;
	int cur = fcntl(anchor_fd, F_DUPFD_CLOEXEC, 0);
	char name[NAME_MAX + 1];
	while (cur >= 0 && *rel) {
		size_t n = strcspn(rel, "/");
		if (n > NAME_MAX) {
			close(cur);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(name, rel, n);
		name[n] = 0;
		rel += n;
		while (*rel == '/')
			rel++;
		if (strcmp(name, "..") == 0) {
			close(cur);
			errno = EINVAL;
			return -1;
		}
		if (strcmp(name, ".") == 0)
			continue;
		if (mkdirat(cur, name, mode) != 0 && errno != EEXIST) {
			int e = errno;
			close(cur);
			errno = e;
			return -1;
		}
		int next = openat(cur, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		close(cur);
		errno = e;
		cur = next;
	}
	if (cur < 0)
		return -1;
	close(cur);
	return 0;
}
