/* Sequential reads of a whole file with read() or through a mapping. */
#include "seqio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct seqio {
	int fd;
	char *buf;
	const char *path;
};

int seqio_madvise(const char *hint, void *p, size_t len)
{
	if (!strcmp(hint, "MADV_SEQUENTIAL"))
		return madvise(p, len, MADV_SEQUENTIAL);
	if (!strcmp(hint, "MADV_RANDOM"))
		return madvise(p, len, MADV_RANDOM);
	if (!strcmp(hint, "MADV_HUGEPAGE"))
		return madvise(p, len, MADV_HUGEPAGE);
	if (!strcmp(hint, "MADV_WILLNEED"))
		return madvise(p, len, MADV_WILLNEED);
	return 0;
}

int seqio_fadvise(const char *hint, int fd)
{
	if (!strcmp(hint, "POSIX_FADV_SEQUENTIAL"))
		return posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (!strcmp(hint, "POSIX_FADV_RANDOM"))
		return posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
	return 0;
}

int seqio_setup(struct bench_ctx *c)
{
	static struct seqio st;

	st.fd = bench_open_shared_file(c, &st.path);
	if (st.fd < 0)
		return -1;
	st.buf = NULL;
	if (!strcmp(c->v->method, "read")) {
		if (posix_memalign((void **)&st.buf, 4096, c->v->block_size)) {
			close(st.fd);
			strcpy(c->reason, "no memory for the read buffer");
			return -1;
		}
		memset(st.buf, 0, c->v->block_size);
		if (seqio_fadvise(c->v->hint, st.fd)) {
			snprintf(c->reason, sizeof(c->reason), "posix_fadvise %s refused",
				 c->v->hint);
			close(st.fd);
			free(st.buf);
			return BENCH_SKIP;
		}
	} else if (strcmp(c->v->hint, "none")) {
		/* Probe the hint once: a kernel without file THP refuses MADV_HUGEPAGE. */
		void *p = mmap(NULL, c->v->size, PROT_READ, MAP_SHARED, st.fd, 0);

		if (p == MAP_FAILED || seqio_madvise(c->v->hint, p, c->v->size)) {
			snprintf(c->reason, sizeof(c->reason), "madvise %s on a %s file mapping: %s",
				 c->v->hint, c->fs_kind, strerrorname_np(errno));
			if (p != MAP_FAILED)
				munmap(p, c->v->size);
			close(st.fd);
			return BENCH_SKIP;
		}
		munmap(p, c->v->size);
	}
	c->priv = &st;
	c->ops = 1;
	c->bytes = c->v->size;
	return 0;
}

int seqio_run(struct bench_ctx *c, int worker)
{
	struct seqio *st = c->priv;
	size_t len = c->v->size;
	ssize_t r;
	void *p;

	(void)worker;
	if (st->buf) {
		size_t total = 0;

		if (lseek(st->fd, 0, SEEK_SET))
			return -1;
		while ((r = read(st->fd, st->buf, c->v->block_size)) > 0) {
			c->sink += bench_sum(st->buf, r);
			total += r;
		}
		return r < 0 || total != len ? -1 : 0;
	}
	p = mmap(NULL, len, PROT_READ, MAP_SHARED |
		 (!strcmp(c->v->method, "mmap_populate") ? MAP_POPULATE : 0), st->fd, 0);
	if (p == MAP_FAILED)
		return -1;
	seqio_madvise(c->v->hint, p, len);
	c->sink += bench_sum(p, len);
	return munmap(p, len);
}

void seqio_teardown(struct bench_ctx *c)
{
	struct seqio *st = c->priv;

	close(st->fd);
	free(st->buf);
}
