#include "state_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int ms_openat_beneath(int dirfd, const char *rel, int flags, mode_t mode, bool same_mount)
{
	/* glibc 2.36 has no openat2() wrapper */
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   (same_mount ? RESOLVE_NO_XDEV : 0),
	};
	long fd;
	do
		fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN); /* a rename raced the lookup: try again */
	return (int)fd;
}

bool ms_state_dir_fd_ok(int fd, const char *path, char *why, size_t whylen)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 07777) != 0700) {
		snprintf(why, whylen, "%s is %s owned by uid %u with mode %04o; a state directory "
			 "must be a directory of uid %u with mode 0700", path,
			 S_ISDIR(st.st_mode) ? "a directory" : "not a directory",
			 (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), (unsigned)geteuid());
		return false;
	}
	return true;
}

/* A parent whose entries only root or we can rename: owned by one of us and writable by
 * nobody else, or sticky (others may add names, never replace ours). */
static bool parent_ok(int fd, const char *parent, char *why, size_t whylen)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		snprintf(why, whylen, "%s: %s", parent, strerror(errno));
		return false;
	}
	bool owner_ok = st.st_uid == 0 || st.st_uid == geteuid();
	bool others_write = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
	if (owner_ok && (!others_write || (st.st_mode & S_ISVTX)))
		return true;
	snprintf(why, whylen, "%s (owner uid %u, mode %04o) can be changed by other users", parent,
		 (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	return false;
}

int ms_state_dir_open(const char *path, bool create, char *why, size_t whylen)
{
	char parent[PATH_MAX];
	if (snprintf(parent, sizeof(parent), "%s", path) >= (int)sizeof(parent) || path[0] != '/') {
		snprintf(why, whylen, "%s: not an absolute path of at most %d bytes", path, PATH_MAX);
		return -1;
	}
	char *slash = strrchr(parent, '/');
	while (slash && slash[1] == 0 && slash > parent) { /* "/a/b/" */
		*slash = 0;
		slash = strrchr(parent, '/');
	}
	if (!slash) { /* cannot happen: the path starts with '/' */
		snprintf(why, whylen, "%s: not an absolute path", path);
		return -1;
	}
	const char *name = slash + 1;
	char base[NAME_MAX + 1];
	snprintf(base, sizeof(base), "%s", name);
	if (slash == parent)
		parent[1] = 0;
	else
		*slash = 0;
	if (!base[0] || !strcmp(base, ".") || !strcmp(base, "..")) {
		snprintf(why, whylen, "%s: not a directory name", path);
		return -1;
	}
	/* O_PATH: a parent we may search but not list (0711) serves as well */
	int pfd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0) {
		snprintf(why, whylen, "%s: %s", parent, strerror(errno));
		return -1;
	}
	if (!parent_ok(pfd, parent, why, whylen)) {
		close(pfd);
		return -1;
	}
	if (create && mkdirat(pfd, base, 0700) != 0 && errno != EEXIST) {
		snprintf(why, whylen, "cannot create %s: %s", path, strerror(errno));
		close(pfd);
		return -1;
	}
	int fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int e = errno;
	close(pfd);
	if (fd < 0) {
		if (e == ELOOP || e == ENOTDIR)
			snprintf(why, whylen, "%s is not a directory (a symbolic link or a file is in "
				 "its place); remove it", path);
		else
			snprintf(why, whylen, "%s: %s", path, strerror(e));
		return -1;
	}
	if (!ms_state_dir_fd_ok(fd, path, why, whylen)) {
		close(fd);
		return -1;
	}
	return fd;
}

int ms_runtime_root_fd(char *why, size_t whylen)
{
	static int fd = -1;
	if (fd >= 0)
		return fd;
	/* An initramfs or a chroot may have no /run: it is made as a normal system has it. */
	if (mkdir("/run", 0755) != 0 && errno != EEXIST) {
		snprintf(why, whylen, "cannot create /run: %s", strerror(errno));
		return -1;
	}
	fd = ms_state_dir_open(MS_RUNTIME_ROOT, true, why, whylen);
	return fd;
}

int ms_write_file_at(int dirfd, const char *name, const char *data, size_t len)
{
	char tmp[NAME_MAX + 1];
	if (snprintf(tmp, sizeof(tmp), ".%s.tmp.%d", name, (int)getpid()) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return ms_replace_file_at(dirfd, tmp, name, 0600, data, len);
}

int ms_replace_file_at(int dirfd, const char *tmp, const char *name, unsigned mode,
		       const char *data, size_t len)
{
	unlinkat(dirfd, tmp, 0); /* a leftover of a process that had our pid */
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		done += (size_t)n;
	}
	if (fsync(fd) != 0) /* also the lost-write errors of an earlier write */
		goto fail;
	if (close(fd) != 0 || renameat(dirfd, tmp, dirfd, name) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:;
	int e = errno;
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	errno = e;
	return -1;
}

char *ms_read_file_at(int dirfd, const char *name, size_t max)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (size_t)st.st_size > max) {
		close(fd);
		errno = EPERM;
		return NULL;
	}
	char *buf = malloc(max + 1);
	size_t used = 0;
	ssize_t n = 0;
	while (buf && used < max && (n = read(fd, buf + used, max - used)) > 0)
		used += (size_t)n;
	int e = errno;
	close(fd);
	if (!buf || n < 0) {
		free(buf);
		errno = buf ? e : ENOMEM;
		return NULL;
	}
	buf[used] = 0;
	return buf;
}

unsigned long long ms_process_start_time(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
	if (!p || p[1] == 0 || p[2] == 'Z' || p[2] == 'X')
		return 0;
	int field = 2;
	for (p++; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	return strtoull(p, NULL, 10);
}
