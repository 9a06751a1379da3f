/* cold_read: sequential read of a file whose pages were just dropped from the page cache,
 * read() against mmap, without and with readahead hints. Root drops the whole page cache
 * (drop_caches); otherwise only the file's pages go (fadvise DONTNEED). The parameter
 * "cache_drop" says which. */
#include "seqio.h"

static const struct bench_opt cold_read_opts[] = {
	{ "size", BENCH_BYTES, 1 * MiB, 64 * GiB, { 16 * MiB }, { 64 * MiB, 512 * MiB },
	  "file size" },
	{ 0 }
};

static void cold_read_plan(struct bench_plan *plan)
{
	static const char *const read_hints[] = { "none", "POSIX_FADV_SEQUENTIAL",
						  "POSIX_FADV_RANDOM" };
	static const char *const mmap_hints[] = { "none", "MADV_SEQUENTIAL", "MADV_RANDOM" };

	bench_for_each_size(plan, size) {
		for (int h = 0; h < 3; h++)
			bench_plan_add(plan, &(struct bench_variant){ .method = "read",
				.hint = read_hints[h], .size = size, .block_size = 1 * MiB,
				.cold = true });
		for (int h = 0; h < 3; h++)
			bench_plan_add(plan, &(struct bench_variant){ .method = "mmap",
				.hint = mmap_hints[h], .size = size, .cold = true });
	}
}

static void cold_read_prepare(struct bench_ctx *c)
{
	char reason[200];
	const struct seqio *st = c->priv;
	const char *how = bench_drop_cache(st->path, reason, sizeof(reason));

	json_object_set_new(c->params, "cache_drop", json_string(how ? how : reason));
}

const struct bench_case bench_case_cold_read = {
	BENCH_HOOKS_FROM(cold_read, seqio), .prepare = cold_read_prepare,
	.description = "sequential read after emptying the page cache: read() against mmap, "
		       "with no hint, a sequential and a random (no readahead) hint",
	.metric = BENCH_THROUGHPUT, .metric_name = "throughput",
	.needs_fs = true, .paired = true, .budget_scale = 2,
};
