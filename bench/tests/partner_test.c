/* The paired design's plan-time decisions (partner.c): which variant is recorded from its
 * side of the pairs, and how a case's comparisons share their budget. Nothing is measured. */
#include "partner.h"

#include "paired.h"

#include <criterion/criterion.h>
#include <math.h>

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

/* Assert that a comparison gets its own budget and half the surplus, never more than
 * PAIR_EXTRA_MAX budgets beyond its own, and nothing less than its own when earlier ones
 * overspent. */
Test(partner, shared_budget_gives_surplus_to_later_comparisons)
{
	cr_assert_float_eq(bench_pair_allowance(0.25, 0), 0.25, 1e-12);
	cr_assert_float_eq(bench_pair_allowance(0.25, 0.2), 0.35, 1e-12);
	cr_assert_float_eq(bench_pair_allowance(0.25, -3), 0.25, 1e-12);
	cr_assert_float_eq(bench_pair_allowance(0.25, 10), 0.25 * (1 + PAIR_EXTRA_MAX), 1e-12);
}

/* Assert that a comparison always uses its own budget, and past it goes on only while the
 * pairs it needs (n (w / goal)^2 at its time per pair, w its half-width with the normal
 * quantile for the t one) fit in its allowance and the maximum number of pairs: for 2%, or
 * for 5% while it is above 5%. */
Test(partner, goes_on_past_its_budget_only_when_it_can_get_there)
{
	double t19 = 1.959964 / ms_t975(19), t3 = 1.959964 / ms_t975(3);

	/* Within its own budget: always, even when hopeless. */
	cr_assert(bench_pair_goes_on(0.2, 0.25, 0.25, 10, 80, 1.0, 0.02));
	/* 20 pairs at 3% (w = 3% t19) in 0.3 s: 45 t19^2 = 39.5 needed, 0.29 s more; fits in
	 * 1 s, not in 0.5 s ... */
	cr_assert(bench_pair_goes_on(0.3, 0.25, 1.0, 20, 80, 0.03, 0.02));
	cr_assert(!bench_pair_goes_on(0.3, 0.25, 0.5, 20, 80, 0.03, 0.02));
	/* ... nor within 35 pairs. */
	cr_assert(45 * t19 * t19 > 35);
	cr_assert(!bench_pair_goes_on(0.3, 0.25, 1.0, 20, 35, 0.03, 0.02));
	/* 4 pairs at 8% / t3 in 0.3 s: 2% needs 64 pairs (4.5 s), 5% needs 10.24 (0.47 s more). */
	cr_assert(bench_pair_goes_on(0.3, 0.25, 1.0, 4, 80, 0.08 / t3, 0.02));
	cr_assert(!bench_pair_goes_on(0.3, 0.25, 0.7, 4, 80, 0.08 / t3, 0.02));
	/* Past its allowance, or without an interval: stops. */
	cr_assert(!bench_pair_goes_on(1.1, 0.25, 1.0, 20, 80, 0.021, 0.02));
	cr_assert(!bench_pair_goes_on(0.3, 0.25, 1.0, 1, 80, INFINITY, 0.02));
}
