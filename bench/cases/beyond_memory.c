/* beyond_memory: random 4 KiB reads over a file larger than the memory the process may use
 * (a memory cgroup limit), pread() against a mapping. Samples are consecutive windows, so
 * they are the throughput over time (the runner records when each ended, in seconds since
 * the case started, as params.sample_times_s); with the mapping, eviction and page-table
 * work happen in the fault path, which is the effect Crotty, Leis and Pavlo measured in
 * "Are You Sure You Want to Use MMAP in Your Database Management System?" (CIDR 2022). */
#include "case.h"
#include "runner_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BLOCK 4096
#define LIMIT_RATIO 4   /* file size / memory limit */

struct beyond_memory {
	int fd;
	char *map;
	char buf[BLOCK] __attribute__((aligned(BLOCK)));
	uint64_t x;
	uint64_t nblocks;
};

static const struct bench_opt beyond_memory_opts[] = {
	{ "size", BENCH_BYTES, 64 * MiB, 64 * GiB, { 64 * MiB }, { 1 * GiB },
	  "file size; the memory limit is a quarter of it, and the reads go on until three "
	  "times the limit was read" },
	{ 0 }
};

static void beyond_memory_plan(struct bench_plan *plan)
{
	bench_for_each_size(plan, size) {
		bench_plan_add(plan, &(struct bench_variant){ .method = "pread", .size = size,
							     .block_size = BLOCK, .cold = true });
		bench_plan_add(plan, &(struct bench_variant){ .method = "mmap", .size = size,
							     .block_size = BLOCK, .cold = true });
	}
}

static int beyond_memory_setup(struct bench_ctx *c)
{
	struct beyond_memory *st = c->priv;
	uint64_t limit = c->v->size / LIMIT_RATIO;
	char how[sizeof(c->reason)];
	int ret;

	if (!strcmp(c->fs_kind, "tmpfs")) {
		strcpy(c->reason, "tmpfs pages cannot be evicted without swap: the cgroup would "
		       "run out of memory instead of reclaiming");
		return BENCH_SKIP;
	}
	if (geteuid() != 0) {
		strcpy(c->reason, "needs root to create a memory cgroup");
		return BENCH_SKIP;
	}
	/* The file is written outside the cgroup, then dropped, so that the reads inside
	 * the cgroup are what is charged to it. */
	st->fd = bench_open_shared_file(c, NULL);
	if (st->fd < 0)
		return -1;
	posix_fadvise(st->fd, 0, 0, POSIX_FADV_DONTNEED);
	ret = bench_cgroup_enter(limit, c->reason, sizeof(c->reason));
	if (ret) {
		close(st->fd);
		return ret;
	}
	snprintf(how, sizeof(how), "%s", c->reason);
	c->reason[0] = 0;
	if (!strcmp(c->v->method, "mmap")) {
		st->map = mmap(NULL, c->v->size, PROT_READ, MAP_SHARED, st->fd, 0);
		if (st->map == MAP_FAILED) {
			snprintf(c->reason, sizeof(c->reason), "mmap: %s", strerrorname_np(errno));
			bench_cgroup_leave();
			close(st->fd);
			return -1;
		}
		madvise(st->map, c->v->size, MADV_RANDOM);
	} else {
		posix_fadvise(st->fd, 0, 0, POSIX_FADV_RANDOM);
	}
	st->x = 0x9e3779b97f4a7c15ULL;
	st->nblocks = c->v->size / BLOCK;
	json_object_set_new(c->params, "cgroup", json_string(how));
	json_object_set_new(c->params, "memory_limit", json_integer(limit));
	json_object_set_new(c->params, "samples_are", json_string("consecutive windows "
							"(throughput over time)"));
	/* 4 MiB windows: a point every few tens of ms, and a full-profile series (768 MiB)
	 * still within the profile's 400 samples. */
	c->ops = 1024;
	c->bytes = c->ops * BLOCK;
	c->fixed_iters = true;
	/* Random reads fill the limit after about 1.15 times its size (4 * ln(4/3)); three
	 * times leaves most of the series in the steady state, where pages are evicted. */
	c->series_bytes = 3 * limit;
	c->state = "cold";
	c->timed = st->map ? "copy out of a kept mapping (faults, eviction)" :
		   "pread() (eviction)";
	return 0;
}

static int beyond_memory_run(struct bench_ctx *c, int worker)
{
	struct beyond_memory *st = c->priv;

	(void)worker;
	for (uint64_t i = 0; i < c->ops; i++) {
		uint64_t blk;

		st->x ^= st->x << 13; st->x ^= st->x >> 7; st->x ^= st->x << 17;
		blk = st->x % st->nblocks;
		if (st->map) {
			memcpy(st->buf, st->map + blk * BLOCK, BLOCK);
			__asm__ volatile("" : : "r"(st->buf) : "memory");
		} else if (pread(st->fd, st->buf, BLOCK, (off_t)(blk * BLOCK)) != BLOCK) {
			return -1;
		}
	}
	return 0;
}

static void beyond_memory_teardown(struct bench_ctx *c)
{
	struct beyond_memory *st = c->priv;

	if (st->map)
		munmap(st->map, c->v->size);
	bench_cgroup_leave();
	close(st->fd);
}

const struct bench_case bench_case_beyond_memory = {
	BENCH_HOOKS(beyond_memory),
	.description = "random 4 KiB reads over a file 4x a memory cgroup limit (root), pread "
		       "against mmap, throughput over time",
	.metric = BENCH_THROUGHPUT, .metric_name = "throughput",
	.needs_fs = true, .budget_scale = 4, .time_series = true,
};
