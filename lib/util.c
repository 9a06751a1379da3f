#include "util.h"
#include "dir_anchor.h"
#include "subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "state_dir.h" /* ms_openat_beneath() for the tree removal */

static void oom(size_t size)
{
	fprintf(stderr, "mmapsuite: out of memory allocating %zu bytes\n", size);
	abort();
}

void *ms_malloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		oom(size);
	return p;
}

void *ms_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *ms_realloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		oom(size);
	return p;
}

char *ms_strdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		oom(strlen(s));
	return d;
}

char *ms_strndup(const char *s, size_t n)
{
	char *d = strndup(s, n);
	if (!d)
		oom(n);
	return d;
}

char *ms_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(strlen(fmt));
	return s;
}

void *ms_grow(void *array, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return array;
	*cap = *cap ? *cap * 2 : 64;
	return ms_realloc(array, *cap * elem);
}

void ms_free_each(void *const *ptrs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ptrs[i]);
}

/* "mmapsuite: " and the message, one line on stderr. */
static void vwarn(const char *fmt, va_list ap)
{
	fputs("mmapsuite: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ms_die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(status);
}

void ms_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

char *ms_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, used = 0;
	char *buf = ms_malloc(cap);
	for (;;) {
		if (used + 1 >= cap)
			buf = ms_realloc(buf, cap *= 2);
		ssize_t n = read(fd, buf + used, cap - used - 1);
		if (n < 0) {
			int e = errno;
			free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = 0;
	if (len)
		*len = used;
	return buf;
}

char *ms_read_line(const char *path)
{
	char *s = ms_read_file(path, NULL);
	if (s)
		s[strcspn(s, "\n")] = 0;
	return s;
}

int ms_write_file_atomic(const char *path, const char *data, size_t len)
{
	/* The temporary name is created new (O_EXCL) and never through a link, in a directory
	 * opened once: inside the run directory, relative to its descriptor (dir_anchor.h). */
	char leaf[NAME_MAX + 1], tmp[NAME_MAX + 32];
	int dir = ms_anchor_parent(path, leaf, sizeof(leaf));
	if (dir < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", leaf, (int)getpid());
	int rc = ms_replace_file_at(dir, tmp, leaf, 0644, data, len);
	int e = errno;
	close(dir);
	errno = e;
	return rc;
}

int ms_open_new_file(const char *path, int flags)
{
	char leaf[NAME_MAX + 1];
	int dir = ms_anchor_parent(path, leaf, sizeof(leaf));
	if (dir < 0)
		return -1;
	int fd = openat(dir, leaf, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, 0644);
	int e = errno;
	close(dir);
	errno = e;
	return fd;
}

int ms_unnamed_file(const char *name)
{
	return memfd_create(name, MFD_CLOEXEC);
}

int ms_mkdir_p(const char *path, unsigned mode)
{
	int anchored = ms_anchor_mkdir_p(path, mode);
	return anchored <= 0 ? anchored : ms_mkdir_p_unanchored(path, mode);
}

int ms_mkdir_p_unanchored(const char *path, unsigned mode)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, mode) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Recursive removal with getdents64 and a stack buffer: no malloc, so it is also safe in the
 * signal handlers that clean up after Ctrl-C. Every directory is opened beneath its parent's
 * descriptor with openat2(): never through a symbolic link (a link is removed, not followed)
 * and never across a mount point (bind mounts of the same file system included). */
struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int remove_tree_at(int parent, const char *name, int depth)
{
	struct stat st;
	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(parent, name, 0);
	if (depth > 64) {
		errno = ELOOP;
		return -1;
	}
	/* EXDEV when name is a mount point: never cross into it */
	int fd = ms_openat_beneath(parent, name, O_RDONLY | O_DIRECTORY, 0, true);
	if (fd < 0)
		return -1;
	int rc = 0;
	char buf[4096] __attribute__((aligned(8)));
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		if (n <= 0) {
			if (n < 0)
				rc = -1;
			break;
		}
		for (long off = 0; off < n;) {
			struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
			off += e->d_reclen;
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (remove_tree_at(fd, e->d_name, depth + 1) != 0)
				rc = -1;
		}
	}
	close(fd);
	if (rc == 0 && unlinkat(parent, name, AT_REMOVEDIR) != 0)
		rc = -1;
	return rc;
}

int ms_remove_tree_at(int dirfd, const char *name)
{
	return remove_tree_at(dirfd, name, 0);
}

int ms_remove_tree(const char *path)
{
	char name[NAME_MAX + 1];
	int pfd = ms_anchor_parent(path, name, sizeof(name));
	if (pfd < 0)
		return errno == ENOENT ? 0 : -1;
	int rc = remove_tree_at(pfd, name, 0);
	int e = errno;
	close(pfd);
	errno = e;
	return rc;
}

double ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

char *ms_utc_iso8601(void)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[32];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return ms_strdup(buf);
}

bool ms_is_root(void)
{
	return geteuid() == 0;
}

bool ms_str_in_list(const char *needle, const char *comma_list)
{
	size_t n = strlen(needle);
	for (const char *p = comma_list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, needle, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

int ms_run_quietly(const char *const argv[])
{
	struct ms_spawn quiet = MS_SPAWN_INIT;
	quiet.argv = (char *const *)argv;
	quiet.find = MS_SPAWN_SEARCH;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int i = 0; i < 3; i++)
		quiet.fd[i] = null;
	int rc = ms_spawn_run(&quiet);
	if (null >= 0)
		close(null);
	return rc;
}
