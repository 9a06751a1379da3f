/* scaling: page-fault throughput as workers are added, as will-it-scale's page_fault1
 * (anonymous), page_fault2 (file MAP_PRIVATE write) and page_fault3 (file MAP_SHARED write)
 * measure it: each worker maps its own region, writes one byte per page, unmaps, again.
 * Workers are threads (one mm: contention on its locks) or processes, pinned to distinct
 * cores first. */
#include "case.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_WORKERS 256

struct scaling {
	int flags;      /* mmap flags; fd -1 for anonymous memory */
	size_t page;
	int fds[MAX_WORKERS];
	char paths[MAX_WORKERS][4200];
	int n_files;
};

static const struct bench_opt scaling_opts[] = {
	{ "size", BENCH_BYTES, 1 * MiB, 1 * GiB, { 16 * MiB }, { 128 * MiB },
	  "region per worker per iteration" },
	{ 0 }
};

static void scaling_plan(struct bench_plan *plan)
{
	static const char *const kinds[] = { "anon", "file_private", "file_shared" };
	int cpus = bench_plan_cpus(plan);

	bench_for_each_size(plan, size)
		for (int k = bench_plan_first_fs(plan) ? 0 : 1; k < 3; k++)
			for (int proc = 0; proc < 2; proc++)
				for (int t = 1;; t = 2 * t < cpus ? 2 * t : cpus) {
					bench_plan_add(plan, &(struct bench_variant){
						.method = kinds[k], .size = size, .threads = t,
						.processes = proc });
					if (t >= cpus)
						break;
				}
}

static void scaling_teardown(struct bench_ctx *c)
{
	struct scaling *st = c->priv;

	for (int i = 0; i < st->n_files; i++) {
		close(st->fds[i]);
		unlink(st->paths[i]);
	}
}

static int scaling_setup(struct bench_ctx *c)
{
	struct scaling *st = c->priv;

	if (strcmp(c->v->method, "anon")) {
		for (int i = 0; i < c->v->threads && i < MAX_WORKERS; i++) {
			st->fds[i] = bench_create_private_file(c, "scaling", c->v->size,
							       st->paths[i], sizeof(st->paths[i]));
			if (st->fds[i] < 0)
				goto fail;
			st->n_files++;
		}
	} else {
		bench_note_anonymous(c);
	}
	st->page = sysconf(_SC_PAGESIZE);
	st->flags = !strcmp(c->v->method, "anon") ? MAP_PRIVATE | MAP_ANONYMOUS :
		   !strcmp(c->v->method, "file_shared") ? MAP_SHARED : MAP_PRIVATE;
	json_object_set_new(c->params, "unit_of_op", json_string("base page faulted"));
	json_object_set_new(c->params, "page_size", json_integer((json_int_t)st->page));
	c->state = "first_touch";
	c->timed = "map + fault (a store per page) + unmap";
	c->ops = c->v->size / st->page;
	c->bytes = c->v->size;
	return 0;
fail:
	scaling_teardown(c);
	return -1;
}

static int scaling_run(struct bench_ctx *c, int worker)
{
	struct scaling *st = c->priv;
	size_t len = c->v->size;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, st->flags,
		 st->flags & MAP_ANONYMOUS ? -1 : st->fds[worker], 0);
	if (p == MAP_FAILED)
		return -1;
	for (size_t off = 0; off < len; off += st->page)
		p[off] = 1;
	return munmap(p, len);
}

const struct bench_case bench_case_scaling = {
	BENCH_HOOKS(scaling),
	.description = "page-fault throughput with 1 .. all CPUs, threads and processes "
		       "(will-it-scale page_fault1/2/3: anon, file private, file shared)",
	.metric = BENCH_RATE, .metric_name = "fault_rate",
	.needs_fs = true, .calibrate = true,
};
