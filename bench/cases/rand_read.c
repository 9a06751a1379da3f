/* rand_read: 4 KiB reads at random offsets, pread() against a copy out of a mapping (the
 * same work: one 4 KiB copy per read), hot and cold cache, one worker and one per CPU.
 * Hot: the mapping is kept across samples (steady state, every page mapped); cold: the
 * page cache is emptied and a fresh mapping made before each sample. */
#include "case.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BLOCK 4096 /* bytes per read: the I/O size, not the page size */
#define MAX_WORKERS 256

struct rand_read {
	int fd;
	const char *path;
	char *map;
	uint32_t *blocks;     /* ops block indices per worker */
	char *bufs;           /* one 4 KiB buffer per worker */
	int workers;
	bool mmap;
};

static const struct bench_opt rand_read_opts[] = {
	{ "size", BENCH_BYTES, 16 * MiB, 64 * GiB, { 256 * MiB }, { 64 * MiB, 1 * GiB },
	  "file size" },
	{ 0 }
};

static void rand_read_plan(struct bench_plan *plan)
{
	static const char *const methods[] = { "pread", "mmap" };
	int thread_counts[2] = { 1, bench_plan_cpus(plan) };

	bench_for_each_size(plan, size)
		for (int cold = 0; cold < 2; cold++)
			for (int t = 0; t < (thread_counts[1] > 1 ? 2 : 1); t++)
				for (int m = 0; m < 2; m++)
					bench_plan_add(plan, &(struct bench_variant){
						.method = methods[m], .size = size,
						.block_size = BLOCK, .cold = cold,
						.threads = thread_counts[t] });
}

/* The runner calls teardown only after a setup that succeeded. */
static int setup_failed(struct rand_read *st)
{
	free(st->blocks);
	free(st->bufs);
	close(st->fd);
	return -1;
}

static int rand_read_setup(struct bench_ctx *c)
{
	struct rand_read *st = c->priv;
	uint64_t nblocks = c->v->size / BLOCK, x = 0x2545f4914f6cdd1dULL;

	if (c->v->cold && !strcmp(c->fs_kind, "tmpfs")) {
		strcpy(c->reason, "tmpfs pages live only in memory: a tmpfs file is never cold");
		return BENCH_SKIP;
	}
	st->fd = bench_open_shared_file(c, &st->path);
	if (st->fd < 0)
		return -1;
	/* Cold samples read from the device: fewer reads, one pass per sample. */
	c->ops = c->v->cold ? 2048 : 4096;
	c->bytes = c->ops * BLOCK;
	c->fixed_iters = c->v->cold;
	st->workers = c->v->threads;
	/* False positive: gcc 12's analyzer loses st->blocks once st->bufs is stored beside it
	 * (both live in the runner's c->priv and are freed in setup_failed() or teardown). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
	st->blocks = malloc(sizeof(uint32_t) * c->ops * st->workers);
	st->bufs = aligned_alloc(BLOCK, (size_t)BLOCK * st->workers);
	if (!st->blocks || !st->bufs) {
		strcpy(c->reason, "no memory for the offsets");
		return setup_failed(st);
	}
#pragma GCC diagnostic pop
	memset(st->bufs, 0, (size_t)BLOCK * st->workers);
	for (uint64_t i = 0; i < c->ops * st->workers; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		st->blocks[i] = x % nblocks;
	}
	st->mmap = !strcmp(c->v->method, "mmap");
	if (st->mmap && !c->v->cold) {
		size_t page = sysconf(_SC_PAGESIZE);

		st->map = mmap(NULL, c->v->size, PROT_READ, MAP_SHARED, st->fd, 0);
		if (st->map == MAP_FAILED) {
			snprintf(c->reason, sizeof(c->reason), "mmap: %s", strerrorname_np(errno));
			st->map = NULL;
			return setup_failed(st);
		}
		madvise(st->map, c->v->size, MADV_RANDOM);
		/* Steady state: every page mapped before the first sample, so the first
		 * samples do not pay faults the later ones do not. */
		for (size_t off = 0; off < c->v->size; off += page)
			c->sink += ((volatile char *)st->map)[off];
	}
	c->state = c->v->cold ? "cold" : "steady_state";
	c->timed = !st->mmap ? "pread()" : c->v->cold ?
		   "copy out of a fresh mapping (faults from the device)" :
		   "copy out of a kept, faulted mapping";
	json_object_set_new(c->params, "mapping", json_string(c->v->cold ? "fresh per sample" :
							     "kept across samples"));
	return 0;
}

static void rand_read_prepare(struct bench_ctx *c)
{
	struct rand_read *st = c->priv;
	char reason[200];
	const char *how;

	if (!c->v->cold)
		return;
	how = bench_drop_cache(st->path, reason, sizeof(reason));
	json_object_set_new(c->params, "cache_drop", json_string(how ? how : reason));
	if (st->mmap) {
		st->map = mmap(NULL, c->v->size, PROT_READ, MAP_SHARED, st->fd, 0);
		if (st->map == MAP_FAILED)
			st->map = NULL;
		else
			madvise(st->map, c->v->size, MADV_RANDOM);
	}
}

static int rand_read_run(struct bench_ctx *c, int worker)
{
	struct rand_read *st = c->priv;
	const uint32_t *blk = st->blocks + (size_t)worker * c->ops;
	char *buf = st->bufs + (size_t)worker * BLOCK;

	if (!st->mmap) {
		for (uint64_t i = 0; i < c->ops; i++)
			if (pread(st->fd, buf, BLOCK, (off_t)blk[i] * BLOCK) != BLOCK)
				return -1;
	} else {
		if (!st->map)
			return -1;
		for (uint64_t i = 0; i < c->ops; i++) {
			memcpy(buf, st->map + (size_t)blk[i] * BLOCK, BLOCK);
			__asm__ volatile("" : : "r"(buf) : "memory");
		}
	}
	return 0;
}

static void rand_read_finish(struct bench_ctx *c)
{
	struct rand_read *st = c->priv;

	if (c->v->cold && st->map) {
		munmap(st->map, c->v->size);
		st->map = NULL;
	}
}

static void rand_read_teardown(struct bench_ctx *c)
{
	struct rand_read *st = c->priv;

	if (st->map)
		munmap(st->map, c->v->size);
	free(st->blocks);
	free(st->bufs);
	close(st->fd);
}

const struct bench_case bench_case_rand_read = {
	BENCH_HOOKS(rand_read), .prepare = rand_read_prepare, .finish = rand_read_finish,
	.description = "4 KiB random reads, pread() against copying out of a mapping, hot and "
		       "cold cache, 1 and N threads",
	.metric = BENCH_THROUGHPUT, .metric_name = "throughput",
	.needs_fs = true, .paired = true, .calibrate = true,
};
