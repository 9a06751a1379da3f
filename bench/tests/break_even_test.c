/* The break-even and the read ceilings (break_even.c, read_ceiling.c) are functions of the
 * results they are given: tested here without measuring anything. */
#include "break_even.h"
#include "read_ceiling.h"

#include <criterion/criterion.h>
#include <string.h>

/* Assert that the pass count is the first N with f + (N-1) k < N r, 1 when the first pass
 * already wins and 0 when a kept pass never catches up. */
Test(break_even, passes_from_seconds_per_pass)
{
	cr_assert_eq(bench_break_even_passes(1, 0.5, 2), 1);
	cr_assert_eq(bench_break_even_passes(10, 4, 4), 0);
	cr_assert_eq(bench_break_even_passes(10, 1, 4), 4); /* 13 < 16; 12 < 12 fails */
	cr_assert_eq(bench_break_even_passes(7, 1, 4), 3);  /* 9 < 12; 8 < 8 fails */
}

static void note(struct bench_break_even *be, const struct bench_case *bc, const char *method,
		 uint64_t block, double mbs)
{
	struct bench_variant v = { .method = method, .hint = "none", .size = 100 * 1000 * 1000,
				   .block_size = block, .threads = 1 };
	struct bench_ctx ctx = { .v = &v };
	struct ms_summary s = { .median = mbs, .ci_low = mbs * 0.9, .ci_high = mbs * 1.1 };
	bench_break_even_note(be, bc, &ctx, "tmpfs", &s, false, NULL);
}

/* Assert that only a case declaring .break_even is noted, that read() keeps its fastest
 * block size, and that the three throughputs give the passes of bench_break_even_passes. */
Test(break_even, from_the_declaring_case_only)
{
	static struct bench_break_even be;
	const struct bench_case other = { .name = "other" };

	cr_assert(bench_case_seq_read.break_even, "seq_read no longer declares .break_even");
	note(&be, &other, "read", 4096, 1000);
	cr_assert_eq(be.n, 0, "a case without .break_even was noted");
	note(&be, &bench_case_seq_read, "read", 4096, 400);
	note(&be, &bench_case_seq_read, "read", 65536, 500);
	note(&be, &bench_case_seq_read, "read", 1 << 20, 450);
	note(&be, &bench_case_seq_read, "mmap", 0, 100);
	note(&be, &bench_case_seq_read, "mmap_kept", 0, 1000);
	cr_assert_eq(be.n, 1);
	cr_assert_float_eq(be.pass[0].read.median, 500, 1e-9, "read() kept %g MB/s, not the best",
			   be.pass[0].read.median);
	json_t *a = bench_break_even_json(&be);
	cr_assert_eq(json_array_size(a), 1);
	/* 100 MB: f = 1 s, k = 0.1 s, r = 0.2 s: floor(0.9 / 0.1) + 1 = 10 */
	json_int_t want = (json_int_t)bench_break_even_passes(1, 0.1, 0.2);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(a, 0), "passes")), want);
	cr_assert_eq(want, 10);
	json_decref(a);
}

/* Assert which ceiling holds a size: its own, else the best of larger buffers with the same
 * page size, else the largest, else the other page size's; -1 before any. */
Test(read_ceiling, ceiling_for_a_size)
{
	struct bench_ceilings c = { 0 };

	cr_assert_eq(bench_ceiling_for(&c, 4096, false), -1);
	bench_ceiling_record(&c, 1 << 20, false, 80000);
	bench_ceiling_record(&c, 4 << 20, false, 95000);
	bench_ceiling_record(&c, 64 << 20, false, 30000);
	bench_ceiling_record(&c, 4 << 20, false, 90000); /* lower: the best is kept */
	cr_assert_eq(c.n, 3);
	cr_assert_float_eq(c.at[1].mbs, 95000, 1e-9);
	cr_assert_eq(bench_ceiling_for(&c, 1 << 20, false), 0);
	cr_assert_eq(bench_ceiling_for(&c, 2 << 20, false), 1, "not the best larger buffer");
	cr_assert_eq(bench_ceiling_for(&c, 128 << 20, false), 2, "not the largest buffer");
	cr_assert_eq(bench_ceiling_for(&c, 4 << 20, true), 1, "no PMD ceiling: base pages'");
	bench_ceiling_record(&c, 2 << 20, true, 99000);
	cr_assert_eq(bench_ceiling_for(&c, 1 << 20, true), 3);
}
