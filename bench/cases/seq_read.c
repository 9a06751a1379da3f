/* seq_read: the common claim "read() copies, mmap is zero-copy, so mmap is faster for big
 * files", measured on a hot page cache: read() at each block size against a mapping read
 * end to end, in both states a mapping has. First touch ("mmap", "mmap_populate": plain,
 * MAP_POPULATE, MADV_SEQUENTIAL, MADV_HUGEPAGE): mmap, its page faults and munmap are in
 * every pass. Steady state ("mmap_kept", lmbench's bw_mmap_rd mmap_only): the mapping is
 * made and faulted in setup and kept, each pass only reads it. Both consume every byte.
 * The runner derives the break-even pass count from read(), mmap and mmap_kept. */
#include "seqio.h"

static const struct bench_opt seq_read_opts[] = {
	{ "size", BENCH_BYTES, 1 * MiB, 64 * GiB, { 4 * MiB, 128 * MiB },
	  { 1 * MiB, 4 * MiB, 16 * MiB, 128 * MiB, 512 * MiB, 1 * GiB, 2 * GiB, 6 * GiB },
	  "file size (up to a quarter of memory)" },
	{ "block_size", BENCH_BYTES, 4 * KiB, 4 * MiB, { 4 * KiB, 1 * MiB },
	  { 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB }, "read() size" },
	{ 0 }
};

static void seq_read_plan(struct bench_plan *plan)
{
	static const char *const mmap_hints[] = { "none", "MADV_SEQUENTIAL", "MADV_HUGEPAGE" };
	size_t nb;
	const uint64_t *blocks = bench_sweep(plan, "block_size", &nb);

	bench_for_each_size(plan, size) {
		for (size_t b = 0; b < nb; b++)
			bench_plan_add(plan, &(struct bench_variant){ .method = "read",
				.size = size, .block_size = blocks[b] });
		for (size_t h = 0; h < 3; h++)
			bench_plan_add(plan, &(struct bench_variant){ .method = "mmap",
				.hint = mmap_hints[h], .size = size });
		bench_plan_add(plan, &(struct bench_variant){ .method = "mmap_populate",
			.size = size });
		for (size_t h = 0; h < 3; h += 2)
			bench_plan_add(plan, &(struct bench_variant){ .method = "mmap_kept",
				.hint = mmap_hints[h], .size = size });
	}
}

const struct bench_case bench_case_seq_read = {
	BENCH_HOOKS_FROM(seq_read, seqio),
	.description = "hot-cache sequential read of a whole file: read() per block size "
		       "against mmap, fresh per pass (plain, MAP_POPULATE, MADV_SEQUENTIAL, "
		       "MADV_HUGEPAGE) and kept across passes (plain, MADV_HUGEPAGE)",
	.metric = BENCH_THROUGHPUT, .metric_name = "throughput",
	.needs_fs = true, .paired = true, .break_even = true, .calibrate = true,
	.overview = MS_OVERVIEW_PERFORMANCE,
};
