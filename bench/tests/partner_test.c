/* The paired design's plan-time decisions (partner.c): which variant is recorded from its
 * side of the pairs, and how a case's comparisons share their budget. Nothing is measured. */
#include "partner.h"

#include <criterion/criterion.h>

/* A seq_read-like plan on one file system: read() of two block sizes and a mapping at two
 * sizes, and a write() whose durability no mapping here shares. */
static const struct bench_variant plan[] = {
	{ .method = "read", .hint = "none", .size = 4 * MiB, .block_size = 4096, .threads = 1 },
	{ .method = "read", .hint = "none", .size = 4 * MiB, .block_size = MiB, .threads = 1 },
	{ .method = "mmap", .hint = "none", .size = 4 * MiB, .threads = 1 },
	{ .method = "mmap_kept", .hint = "none", .size = 4 * MiB, .threads = 1 },
	{ .method = "read", .hint = "none", .size = 128 * MiB, .block_size = MiB, .threads = 1 },
	{ .method = "mmap", .hint = "none", .size = 128 * MiB, .threads = 1 },
	{ .method = "write_fdatasync", .hint = "none", .size = 128 * MiB, .block_size = MiB,
	  .threads = 1 },
};
#define N ((int)(sizeof(plan) / sizeof(plan[0])))

/* Assert that the partner of a mapping at 128 MiB (read() of 1 MiB there) is recorded from
 * its pairs, while the plan's A/A control (read() of 1 MiB at 4 MiB, paired with itself), a
 * system call no mapping is paired with and the mappings themselves are measured on their
 * own. */
Test(partner, recorded_in_pairs_only_when_a_partner_and_not_the_control)
{
	cr_assert_eq(bench_partner_of(plan, N, 1), 1, "read 1M at 4M is the A/A control");
	cr_assert_eq(bench_partner_of(plan, N, 5), 4, "mmap 128M pairs with read 1M there");
	cr_assert(bench_partner_recorded_in_pairs(plan, N, 4));
	cr_assert(!bench_partner_recorded_in_pairs(plan, N, 1), "the control is its own record");
	cr_assert(!bench_partner_recorded_in_pairs(plan, N, 0), "read 4K is no one's partner");
	cr_assert(!bench_partner_recorded_in_pairs(plan, N, 6), "no mapping here is durable");
	cr_assert(!bench_partner_recorded_in_pairs(plan, N, 2), "a mapping is never a partner");
}

/* Assert that a comparison gets its own budget and half the surplus (the last one all of
 * it), never more than PAIR_EXTRA_MAX budgets beyond its own, and nothing less than its own
 * when earlier ones overspent. */
Test(partner, shared_budget_gives_surplus_to_later_comparisons)
{
	cr_assert_float_eq(bench_pair_allowance(0.25, 0, false), 0.25, 1e-12);
	cr_assert_float_eq(bench_pair_allowance(0.25, 0.2, false), 0.35, 1e-12);
	cr_assert_float_eq(bench_pair_allowance(0.25, 0.2, true), 0.45, 1e-12);
	cr_assert_float_eq(bench_pair_allowance(0.25, -3, true), 0.25, 1e-12);
	cr_assert_float_eq(bench_pair_allowance(0.25, 10, false), 0.25 * (1 + PAIR_EXTRA_MAX),
			   1e-12);
	cr_assert_float_eq(bench_pair_allowance(0.25, 10, true), 0.25 * (1 + PAIR_EXTRA_MAX),
			   1e-12);
}
