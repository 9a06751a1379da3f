/* Sequential reads of a whole file with read() or through a mapping: fresh per pass (first
 * touch) or kept and pre-faulted (steady state). Method and hint are resolved in setup;
 * run() compares no strings. */
#include "seqio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The madvise advice a hint names, -1 for "none" (resolved in setup, never in run()). */
static int seqio_advice(const char *hint)
{
	static const struct { const char *name; int advice; } table[] = {
		{ "MADV_SEQUENTIAL", MADV_SEQUENTIAL }, { "MADV_RANDOM", MADV_RANDOM },
		{ "MADV_HUGEPAGE", MADV_HUGEPAGE }, { "MADV_WILLNEED", MADV_WILLNEED },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(hint, table[i].name))
			return table[i].advice;
	return -1;
}

static int seqio_fadvise(const char *hint, int fd)
{
	if (!strcmp(hint, "POSIX_FADV_SEQUENTIAL"))
		return posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (!strcmp(hint, "POSIX_FADV_RANDOM"))
		return posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
	return 0;
}

static int skip(struct bench_ctx *c, struct seqio *st, int ret)
{
	if (st->kept)
		munmap(st->kept, c->v->size);
	close(st->fd);
	free(st->buf);
	return ret;
}

int seqio_setup(struct bench_ctx *c)
{
	struct seqio *st = c->priv;
	const char *m = c->v->method;
	bool cold = c->v->cold;

	if (cold && !strcmp(c->fs_kind, "tmpfs")) {
		strcpy(c->reason, "tmpfs pages live only in memory: a tmpfs file is never cold");
		return BENCH_SKIP;
	}
	st->fd = bench_open_shared_file(c, &st->path);
	if (st->fd < 0)
		return -1;
	st->method = !strcmp(m, "read") ? SEQ_READ : !strcmp(m, "mmap_populate") ?
		    SEQ_MMAP_POPULATE : !strcmp(m, "mmap_kept") ? SEQ_MMAP_KEPT : SEQ_MMAP;
	st->advice = seqio_advice(c->v->hint);
	st->map_flags = MAP_SHARED | (st->method == SEQ_MMAP_POPULATE ? MAP_POPULATE : 0);
	if (st->method == SEQ_READ) {
		if (posix_memalign((void **)&st->buf, sysconf(_SC_PAGESIZE), c->v->block_size)) {
			strcpy(c->reason, "no memory for the read buffer");
			return skip(c, st, -1);
		}
		memset(st->buf, 0, c->v->block_size);
		if (seqio_fadvise(c->v->hint, st->fd)) {
			snprintf(c->reason, sizeof(c->reason), "posix_fadvise %s refused",
				 c->v->hint);
			return skip(c, st, BENCH_SKIP);
		}
		c->state = cold ? "cold" : "steady_state";
		c->timed = cold ? "read() from the device + sum" : "read() copy + sum";
	} else {
		/* Probe the hint once (a kernel without file THP refuses MADV_HUGEPAGE); the
		 * kept mapping keeps this one. */
		void *p = mmap(NULL, c->v->size, PROT_READ, MAP_SHARED, st->fd, 0);

		if (p == MAP_FAILED || (st->advice >= 0 && madvise(p, c->v->size, st->advice))) {
			snprintf(c->reason, sizeof(c->reason), "%s %s on a %s file mapping: %s",
				 p == MAP_FAILED ? "mmap" : "madvise", c->v->hint, c->fs_kind,
				 strerrorname_np(errno));
			if (p != MAP_FAILED)
				munmap(p, c->v->size);
			return skip(c, st, BENCH_SKIP);
		}
		if (st->method == SEQ_MMAP_KEPT) {
			/* lmbench's bw_mmap_rd mmap_only: mapped and faulted outside the timing. */
			st->kept = p;
			c->sink += bench_sum(p, c->v->size);
			bench_note_pages(c, p, c->v->size);
			c->ceiling_in_step = true;
			c->state = "steady_state";
			c->timed = "sum over a kept, faulted mapping";
		} else {
			munmap(p, c->v->size);
			c->state = cold ? "cold" : "first_touch";
			c->timed = st->method == SEQ_MMAP_POPULATE ? "map(populate) + sum + unmap" :
				   "map + fault + sum + unmap";
		}
		json_object_set_new(c->params, "mapping", json_string(st->kept ?
			"kept across samples" : "fresh per pass"));
	}
	c->ops = 1;
	c->bytes = c->v->size;
	c->fixed_iters = cold; /* a second pass in one sample would be hot */
	return 0;
}

int seqio_run(struct bench_ctx *c, int worker)
{
	struct seqio *st = c->priv;
	size_t len = c->v->size;
	ssize_t r;
	void *p;

	(void)worker;
	switch (st->method) {
	case SEQ_READ: {
		size_t total = 0;

		if (lseek(st->fd, 0, SEEK_SET))
			return -1;
		while ((r = read(st->fd, st->buf, c->v->block_size)) > 0) {
			c->sink += bench_sum(st->buf, r);
			total += r;
		}
		return r < 0 || total != len ? -1 : 0;
	}
	case SEQ_MMAP_KEPT:
		c->sink += bench_sum(st->kept, len);
		return 0;
	default:
		p = mmap(NULL, len, PROT_READ, st->map_flags, st->fd, 0);
		if (p == MAP_FAILED)
			return -1;
		if (st->advice >= 0)
			madvise(p, len, st->advice);
		c->sink += bench_sum(p, len);
		return munmap(p, len);
	}
}

void seqio_teardown(struct bench_ctx *c)
{
	struct seqio *st = c->priv;

	skip(c, st, 0);
}
