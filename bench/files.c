/* Scratch files and page-cache control shared by the cases. */
#include "case.h"
#include "runner_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef uint64_t v2u64 __attribute__((vector_size(16), aligned(1)));

uint64_t bench_sum(const void *p, size_t len)
{
	const unsigned char *b = p;
	v2u64 a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
	uint64_t tail = 0;
	size_t i = 0;

	/* Four independent accumulators keep several loads in flight, so the loop is limited
	 * by memory, not by the add latency. */
	for (; i + 64 <= len; i += 64) {
		a0 += *(const v2u64 *)(b + i);
		a1 += *(const v2u64 *)(b + i + 16);
		a2 += *(const v2u64 *)(b + i + 32);
		a3 += *(const v2u64 *)(b + i + 48);
	}
	for (; i < len; i++)
		tail += b[i];
	a0 += a1 + a2 + a3;
	return a0[0] + a0[1] + tail;
}

void bench_fill(void *p, size_t len)
{
	uint64_t *w = p, x = 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < len / 8; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		w[i] = x;
	}
	memset((char *)p + len / 8 * 8, 0x5a, len % 8);
}

int bench_create_file(const char *path, uint64_t size, char *reason, size_t len)
{
	size_t chunk = 1 * MiB;
	char *buf = malloc(chunk);
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);

	if (fd < 0 || !buf) {
		snprintf(reason, len, "cannot create %s: %s", path, strerrorname_np(errno));
		free(buf);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	bench_fill(buf, chunk);
	for (uint64_t done = 0; done < size;) {
		size_t n = size - done < chunk ? size - done : chunk;
		ssize_t w = write(fd, buf, n);

		if (w <= 0) {
			snprintf(reason, len, "writing %s at offset %llu: %s", path,
				 (unsigned long long)done, w < 0 ? strerrorname_np(errno) : "short");
			free(buf);
			close(fd);
			unlink(path);
			return -1;
		}
		done += w;
	}
	free(buf);
	/* Clean pages: writeback must not run inside a later measurement. */
	if (fsync(fd)) {
		snprintf(reason, len, "fsync %s: %s", path, strerrorname_np(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

int bench_warm_file(const char *path)
{
	size_t chunk = 1 * MiB;
	char *buf = malloc(chunk);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((r = read(fd, buf, chunk)) > 0)
		;
	free(buf);
	close(fd);
	return r < 0 ? -1 : 0;
}

const char *bench_drop_cache(const char *path, char *reason, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0) {
		snprintf(reason, len, "open %s: %s", path, strerrorname_np(errno));
		return NULL;
	}
	/* The file's own pages first (this is all a non-root user can do), then, as root,
	 * the global drop the issue asks for, so dentries and metadata are cold too. */
	fdatasync(fd);
	err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	if (geteuid() == 0) {
		int sfd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

		if (sfd >= 0 && write(sfd, "1", 1) == 1) {
			close(sfd);
			return "drop_caches";
		}
		if (sfd >= 0)
			close(sfd);
	}
	if (err) {
		snprintf(reason, len, "posix_fadvise(DONTNEED) %s: %s", path, strerrorname_np(err));
		return NULL;
	}
	return "fadvise_dontneed";
}

/* A file of size bytes filled with non-zero data, clean and in the page cache. Shared by
 * cases on the same directory and size (read-only users); removed by the runner. */
static const char *bench_shared_file(struct bench_files *files, const char *dir,
				     uint64_t size, char *reason, size_t len)
{
	struct bench_shared_file *f;

	for (int i = 0; i < files->n_shared; i++) {
		f = &files->shared[i];
		if (f->size == size && !strncmp(f->path, dir, strlen(dir)) &&
		    f->path[strlen(dir)] == '/') {
			if (bench_warm_file(f->path) == 0)
				return f->path;
		}
	}
	if (files->n_shared == (int)(sizeof(files->shared) / sizeof(files->shared[0])))
		bench_files_release(files);
	f = &files->shared[files->n_shared];
	snprintf(f->path, sizeof(f->path), "%s/shared-%llu.dat", dir, (unsigned long long)size);
	f->size = size;
	if (bench_create_file(f->path, size, reason, len))
		return NULL;
	files->n_shared++;
	return f->path;
}

int bench_open_shared_file(struct bench_ctx *c, const char **path)
{
	const char *p = bench_shared_file(&c->run->files, c->dir, c->v->size, c->reason,
					  sizeof(c->reason));
	int fd;

	if (!p)
		return -1;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(c->reason, sizeof(c->reason), "open %.200s: %s", p, strerrorname_np(errno));
		return -1;
	}
	if (path)
		*path = p;
	return fd;
}

int bench_create_private_file(struct bench_ctx *c, const char *name, uint64_t size,
			      char *path, size_t len)
{
	int fd;

	snprintf(path, len, "%s/%s-%u.dat", c->dir, name, c->run->files.serial++);
	if (bench_create_file(path, size, c->reason, sizeof(c->reason)))
		return -1;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(c->reason, sizeof(c->reason), "open %.200s: %s", path,
			 strerrorname_np(errno));
		unlink(path);
	}
	return fd;
}

void bench_files_release(struct bench_files *files)
{
	for (int i = 0; i < files->n_shared; i++)
		unlink(files->shared[i].path);
	files->n_shared = 0;
}
