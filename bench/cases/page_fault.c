/* page_fault: the cost of the first touch of each 4 KiB page, by kind of memory. The minor
 * and major fault counters per page show fault-around and large folios at work: a file page
 * that arrives with its neighbours costs a fraction of a fault. */
#include "case.h"
#include "place.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* THP's PMD size of the place (2 MiB on x86-64, 32 MiB on arm64-16k), the page size where the
 * kernel has no THP. */
static size_t thp_size(void)
{
	size_t pmd = ms_place_pmd_size();
	return pmd ? pmd : ms_place_page_size();
}

struct page_fault {
	int fd;
	char *map;      /* the mapping as returned by mmap */
	char *region;   /* the touched part (PMD aligned for THP) */
	size_t map_len;
	int node;       /* NUMA node the anonymous memory is bound to, -1 if not bound */
	bool checked;   /* where the pages landed is recorded once */
	bool thp, read; /* anon_thp; file_shared_read (loads instead of stores) */
	size_t page;
};

static const struct bench_opt page_fault_opts[] = {
	{ "size", BENCH_BYTES, 2 * MiB, 16 * GiB, { 64 * MiB }, { 4 * MiB, 64 * MiB, 512 * MiB },
	  "bytes touched per sample, one access per 4 KiB page" },
	{ 0 }
};

static void page_fault_plan(struct bench_plan *plan)
{
	static const char *const anon[] = { "anon", "anon_thp" };
	static const char *const file[] = { "file_shared_read", "file_private_write" };

	bench_for_each_size(plan, size) {
		for (size_t k = 0; k < 4 && bench_plan_first_fs(plan); k++)
			bench_plan_add(plan, &(struct bench_variant){ .method = anon[k / 2],
				.size = size, .numa = k % 2 ? "remote" : "local" });
		for (size_t k = 0; k < 2; k++)
			bench_plan_add(plan, &(struct bench_variant){ .method = file[k],
								     .size = size });
	}
}

static bool is_file(const struct bench_ctx *c)
{
	return !strncmp(c->v->method, "file_", 5);
}

static int page_fault_setup(struct bench_ctx *c)
{
	struct page_fault *st = c->priv;

	st->fd = -1;
	if (!is_file(c))
		bench_note_anonymous(c);
	int ret = bench_numa_setup(c, &st->node);

	if (ret)
		return ret;
	if (is_file(c)) {
		st->fd = bench_open_shared_file(c, NULL);
		if (st->fd < 0)
			return -1;
	}
	st->thp = !strcmp(c->v->method, "anon_thp");
	st->read = !strcmp(c->v->method, "file_shared_read");
	st->page = sysconf(_SC_PAGESIZE);
	c->ops = c->v->size / st->page;
	c->bytes = c->v->size;
	c->fixed_iters = true; /* a second pass would touch pages already mapped */
	json_object_set_new(c->params, "unit_of_op", json_string("base page"));
	json_object_set_new(c->params, "page_size", json_integer((json_int_t)st->page));
	c->state = "first_touch";
	c->timed = st->read ? "fault + load per page (mapping made and unmapped untimed)" :
		   "fault + store per page (mapping made and unmapped untimed)";
	return 0;
}

/* Untimed: a fresh mapping, so every page of the sample is a first touch. */
static void page_fault_prepare(struct bench_ctx *c)
{
	struct page_fault *st = c->priv;
	bool thp = st->thp;

	st->map_len = c->v->size + (thp ? thp_size() : 0);
	if (!is_file(c))
		st->map = mmap(NULL, st->map_len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else if (st->read)
		st->map = mmap(NULL, st->map_len, PROT_READ, MAP_SHARED, st->fd, 0);
	else
		st->map = mmap(NULL, st->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE, st->fd, 0);
	if (st->map == MAP_FAILED) {
		st->map = NULL;
		return;
	}
	st->region = st->map;
	if (thp) {
		st->region = (char *)(((uintptr_t)st->map + thp_size() - 1) & ~(thp_size() - 1));
		madvise(st->region, c->v->size, MADV_HUGEPAGE);
	} else if (!is_file(c)) {
		/* Base pages even where THP is "always": the kinds must stay apart. */
		madvise(st->region, c->v->size, MADV_NOHUGEPAGE);
	}
	/* Bound before the first touch, so the faults allocate on the chosen node. */
	if (bench_numa_bind(c, st->region, c->v->size, st->node)) {
		fprintf(stderr, "  %s\n", c->reason);
		munmap(st->map, st->map_len);
		st->map = NULL;
	}
}

static int page_fault_run(struct bench_ctx *c, int worker)
{
	struct page_fault *st = c->priv;
	volatile char *p = st->region;
	size_t len = c->v->size;

	(void)worker;
	if (!st->map)
		return -1;
	if (st->read) {
		char sum = 0;

		for (size_t off = 0; off < len; off += st->page)
			sum += p[off];
		c->sink += sum;
	} else {
		for (size_t off = 0; off < len; off += st->page)
			p[off] = 1;
	}
	return 0;
}

static void page_fault_finish(struct bench_ctx *c)
{
	struct page_fault *st = c->priv;

	if (st->map && !st->checked) {
		bench_numa_check(c, st->region, c->v->size, st->node);
		st->checked = true;
	}
	if (st->map)
		munmap(st->map, st->map_len);
	st->map = NULL;
}

static void page_fault_teardown(struct bench_ctx *c)
{
	struct page_fault *st = c->priv;

	if (st->fd >= 0)
		close(st->fd);
}

const struct bench_case bench_case_page_fault = {
	BENCH_HOOKS(page_fault), .prepare = page_fault_prepare, .finish = page_fault_finish,
	.description = "first-touch cost per 4 KiB page: anonymous, anonymous THP (each on the "
		       "local and a remote NUMA node), file MAP_SHARED read, file MAP_PRIVATE "
		       "write (COW); faults counted",
	.metric = BENCH_LATENCY, .metric_name = "fault_cost",
	.needs_fs = true,
};
