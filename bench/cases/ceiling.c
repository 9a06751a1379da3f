/* ceiling: what one core can pull from memory. Every throughput of the run is also given
 * as a fraction of the read ceiling, so a number from a slow board and a fast server say
 * the same thing: how close the mapping path gets to the memory system's limit. */
#include "case.h"
#include "topo.h"

#include <string.h>
#include <sys/mman.h>

struct ceiling {
	unsigned char *src, *dst;
	size_t len;
};

static const struct bench_opt ceiling_opts[] = {
	{ "size", BENCH_BYTES, 1 * MiB, 4 * GiB, { 4 * MiB, 128 * MiB, 256 * MiB },
	  { 1 * MiB, 16 * MiB, 64 * MiB, 128 * MiB, 512 * MiB, 1 * GiB, 2 * GiB },
	  "buffer size: the working sets of the other cases; twice the last-level cache is "
	  "always added, for memory itself" },
	{ 0 }
};

static void ceiling_plan(struct bench_plan *plan)
{
	size_t n;
	const uint64_t *sizes = bench_sweep(plan, "size", &n);

	/* The other cases' working sets, so each throughput meets the limit of the level of
	 * the memory hierarchy its data lives in, and twice the last-level cache (this VM
	 * reports a 480 MiB L3), so memory itself is measured too. */
	uint64_t llc2 = (2 * ms_topo_llc_bytes() + MiB - 1) / MiB * MiB, memory_size;
	bool have_llc2 = false;

	/* No cache reported (some boards, synthetic topologies): the largest buffer it is. */
	if (!llc2)
		llc2 = n ? sizes[n - 1] : 256 * MiB;
	memory_size = llc2;

	/* Base pages and transparent huge pages, each a ceiling of its own: the TLB reach of
	 * base pages limits a large sequential read (about 25 against 33 GB/s at 128 MiB
	 * here), and a file mapped by base pages cannot use huge TLB entries. */
	for (size_t i = 0; i < n; i++) {
		bench_plan_add(plan, &(struct bench_variant){ .method = "read", .size = sizes[i],
							     .numa = "local" });
		bench_plan_add(plan, &(struct bench_variant){ .method = "read", .size = sizes[i],
							     .hint = "MADV_HUGEPAGE",
							     .numa = "local" });
		if (sizes[i] >= llc2 && !have_llc2)
			memory_size = sizes[i];
		have_llc2 |= sizes[i] >= llc2;
	}
	/* Remote memory only where memory is what is measured: a working set that fits the
	 * cache reads the same wherever its pages live. */
	for (int remote = 0; remote < 2; remote++) {
		const char *numa = remote ? "remote" : "local";

		if (!have_llc2 || remote)
			bench_plan_add(plan, &(struct bench_variant){ .method = "read",
						.size = memory_size, .numa = numa });
		bench_plan_add(plan, &(struct bench_variant){ .method = "memcpy", .size = llc2,
							     .numa = numa });
	}
}

static int ceiling_setup(struct bench_ctx *c)
{
	struct ceiling *st = c->priv;
	bool copy = !strcmp(c->v->method, "memcpy");
	int node, ret = bench_numa_setup(c, &node);

	if (ret)
		return ret;
	st->len = c->v->size;
	st->src = mmap(NULL, st->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st->dst = copy ? mmap(NULL, st->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			     -1, 0) : NULL;
	if (st->src == MAP_FAILED || st->dst == MAP_FAILED) {
		strcpy(c->reason, "cannot map the ceiling buffers");
		return -1;
	}
	if (bench_numa_bind(c, st->src, st->len, node) ||
	    (copy && bench_numa_bind(c, st->dst, st->len, node))) {
		munmap(st->src, st->len);
		if (copy)
			munmap(st->dst, st->len);
		return -1;
	}
	if (c->v->hint && !strcmp(c->v->hint, "MADV_HUGEPAGE"))
		madvise(st->src, st->len, MADV_HUGEPAGE); /* best effort: THP may be off */
	/* Populated before timing: the ceiling is memory bandwidth, not page faults. */
	bench_fill(st->src, st->len);
	bench_note_pages(c, st->src, st->len);
	if (copy)
		memset(st->dst, 1, st->len);
	bench_numa_check(c, st->src, st->len, node);
	c->ops = 1;
	c->bytes = st->len;
	c->state = "steady_state";
	c->timed = copy ? "memcpy between faulted buffers" : "sum over a faulted buffer";
	return 0;
}

static int ceiling_run(struct bench_ctx *c, int worker)
{
	struct ceiling *st = c->priv;

	(void)worker;
	if (st->dst) {
		memcpy(st->dst, st->src, st->len);
		__asm__ volatile("" : : "r"(st->dst) : "memory");
	} else {
		c->sink += bench_sum(st->src, st->len);
	}
	return 0;
}

static void ceiling_teardown(struct bench_ctx *c)
{
	struct ceiling *st = c->priv;

	munmap(st->src, st->len);
	if (st->dst)
		munmap(st->dst, st->len);
}

const struct bench_case bench_case_ceiling = {
	BENCH_HOOKS(ceiling),
	.description = "single-thread memory read (sum of every byte) and memcpy bandwidth; "
		       "memory on the local NUMA node, and on a remote one where it exists",
	.metric = BENCH_THROUGHPUT, .metric_name = "throughput",
	/* Anonymous memory (no needs_fs). Samples as long as those of the cases it bounds
	 * (min_sample_s), not one pass: a pass over 4 MiB takes about 50 us. */
	.calibrate = true,
};
