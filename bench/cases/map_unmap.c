/* map_unmap: what a mapping costs to make and take down, as lmbench's lat_mmap measures it
 * (map a file, touch one word every 16 KiB, unmap), and the same with a second thread of the
 * process running on another core, so munmap has to shoot down that core's TLB. */
#include "case.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct map_unmap {
	int fd;
	bool touch;
	size_t page;
	pthread_t toucher;
	atomic_int stop;
	bool has_toucher;
	char *toucher_buf;
	int toucher_pu;      /* where the toucher runs */
};

static const struct bench_opt map_unmap_opts[] = {
	{ "size", BENCH_BYTES, 4 * KiB, 1 * GiB, { 64 * KiB, 8 * MiB },
	  { 4 * KiB, 64 * KiB, 1 * MiB, 8 * MiB, 64 * MiB }, "bytes mapped per mmap call" },
	{ 0 }
};

static void map_unmap_plan(struct bench_plan *plan)
{
	bench_for_each_size(plan, size) {
		bench_plan_add(plan, &(struct bench_variant){ .method = "mmap_munmap",
							     .size = size });
		bench_plan_add(plan, &(struct bench_variant){ .method = "mmap_touch_munmap",
							     .size = size });
		if (bench_plan_cpus(plan) > 1)
			bench_plan_add(plan, &(struct bench_variant){ .method =
				"mmap_touch_munmap_shootdown", .size = size });
	}
}

/* Runs on another core in the same address space, so that core holds TLB entries of the
 * process and every munmap must interrupt it. */
static void *toucher_main(void *arg)
{
	struct map_unmap *st = arg;
	volatile char *b = st->toucher_buf;

	bench_bind_to(st->toucher_pu);
	while (!atomic_load_explicit(&st->stop, memory_order_relaxed))
		for (size_t i = 0; i < 16; i++)
			(void)b[i * st->page];
	return NULL;
}

static int map_unmap_setup(struct bench_ctx *c)
{
	struct map_unmap *st = c->priv;

	st->page = sysconf(_SC_PAGESIZE);
	st->touch = strcmp(c->v->method, "mmap_munmap") != 0;
	st->fd = bench_open_shared_file(c, NULL);
	if (st->fd < 0)
		return -1;
	if (strstr(c->v->method, "shootdown")) {
		st->toucher_pu = bench_placement(c, 1);
		st->toucher_buf = mmap(NULL, 16 * st->page, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (st->toucher_buf == MAP_FAILED ||
		    pthread_create(&st->toucher, NULL, toucher_main, st)) {
			strcpy(c->reason, "cannot start the second thread");
			close(st->fd);
			return -1;
		}
		st->has_toucher = true;
		json_object_set_new(c->params, "toucher_pu", json_integer(st->toucher_pu));
	}
	c->ops = 1;
	c->bytes = c->v->size;
	json_object_set_new(c->params, "unit_of_op", json_string("mmap + munmap"));
	c->state = "first_touch";
	c->timed = st->touch ? "map + fault (a word every 16 KiB) + unmap" : "map + unmap";
	return 0;
}

static int map_unmap_run(struct bench_ctx *c, int worker)
{
	struct map_unmap *st = c->priv;
	size_t len = c->v->size;
	volatile char *p;
	char sum = 0;

	(void)worker;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, st->fd, 0);
	if (p == MAP_FAILED)
		return -1;
	if (st->touch)
		for (size_t off = 0; off < len; off += 16 * KiB)
			sum += p[off];
	c->sink += sum;
	return munmap((void *)p, len);
}

static void map_unmap_teardown(struct bench_ctx *c)
{
	struct map_unmap *st = c->priv;

	if (st->has_toucher) {
		atomic_store(&st->stop, 1);
		pthread_join(st->toucher, NULL);
		munmap(st->toucher_buf, 16 * st->page);
	}
	close(st->fd);
}

const struct bench_case bench_case_map_unmap = {
	BENCH_HOOKS(map_unmap),
	.description = "mmap + munmap of a file range (lmbench lat_mmap), untouched, touched "
		       "every 16 KiB, and touched with a second thread forcing TLB shootdowns",
	.metric = BENCH_LATENCY, .metric_name = "map_unmap_cost",
	.needs_fs = true, .calibrate = true,
};
