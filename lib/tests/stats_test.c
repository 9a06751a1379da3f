/* The drift detector (ms_drift_test): a step and a ramp are caught, flat noise passes. */
#include "paired.h"
#include "stats.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>

/* Deterministic noise: xorshift, then a sum of uniforms (roughly normal, mean 0, sd 1). */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static double noise(void)
{
	double s = 0;

	for (int i = 0; i < 12; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		s += (rng >> 11) * (1.0 / 9007199254740992.0);
	}
	return s - 6;
}

/* n samples at level before until split, then at after, with noise of deviation sd. */
static void step(double *x, int n, int split, double before, double after, double sd)
{
	for (int i = 0; i < n; i++)
		x[i] = (i < split ? before : after) + sd * noise();
}

Test(drift, step_is_caught)
{
	double x[24];
	struct ms_drift d;

	step(x, 24, 9, 2600, 400, 30);
	ms_drift_test(x, 24, &d);
	cr_assert(d.tested && d.drifting, "z %.2f change %.2f", d.z, d.change);
	cr_assert_eq(d.split, 9);
	cr_assert_lt(d.change, 0.2);
}

Test(drift, small_step_late_is_caught)
{
	double x[40];
	struct ms_drift d;

	step(x, 40, 28, 1000, 1200, 10);
	ms_drift_test(x, 40, &d);
	cr_assert(d.drifting, "z %.2f change %.2f", d.z, d.change);
	cr_assert_gt(d.change, 1.1);
}

Test(drift, ramp_is_caught)
{
	double x[20];
	struct ms_drift d;

	for (int i = 0; i < 20; i++)
		x[i] = 1000 - 25 * i + 15 * noise();
	ms_drift_test(x, 20, &d);
	cr_assert(d.drifting, "z %.2f change %.2f", d.z, d.change);
}

Test(drift, shortest_ramp_is_caught)
{
	double x[8] = { 100, 95, 90, 85, 80, 75, 70, 65 };
	struct ms_drift d;

	ms_drift_test(x, 8, &d);
	cr_assert(d.drifting, "z %.2f change %.2f", d.z, d.change);
}

Test(drift, flat_noise_passes)
{
	/* Narrow and wide noise, many draws: none may be called drifting. */
	for (int trial = 0; trial < 500; trial++) {
		size_t n = 8 + trial % 60;
		double x[80], sd = trial % 2 ? 5 : 300; /* 0.5% and 30% of the level */
		struct ms_drift d;

		for (size_t i = 0; i < n; i++)
			x[i] = fabs(1000 + sd * noise());
		ms_drift_test(x, n, &d);
		cr_assert(d.tested && !d.drifting, "trial %d n %zu sd %.0f: z %.2f change %.3f "
			  "split %zu", trial, n, sd, d.z, d.change, d.split);
	}
}

Test(drift, too_few_samples_are_not_tested)
{
	double x[7] = { 9, 8, 7, 6, 5, 4, 3 };
	struct ms_drift d;

	ms_drift_test(x, 7, &d);
	cr_assert(!d.tested && !d.drifting);
}

/* Paired ratios (paired.h): the geometric mean of per-pair ratios with a t interval on their
 * logarithms. */
Test(paired, t_quantile_matches_the_table)
{
	/* Student's t, two-sided 95%: 3 -> 3.182, 10 -> 2.228, 30 -> 2.042, 100 -> 1.984. */
	cr_assert_float_eq(ms_t975(1), 12.706, 1e-3);
	cr_assert_float_eq(ms_t975(3), 3.182, 1e-3);
	cr_assert_float_eq(ms_t975(8), 2.306, 1e-3);
	cr_assert_float_eq(ms_t975(10), 2.228, 1e-3);
	cr_assert_float_eq(ms_t975(30), 2.042, 1e-3);
	cr_assert_float_eq(ms_t975(100), 1.984, 1e-3);
}

Test(paired, geometric_mean_and_interval)
{
	double r[] = { 2, 0.5, 2, 0.5 };
	struct ms_paired p;

	ms_paired_ratio(r, 4, &p);
	cr_assert_eq(p.n, 4);
	cr_assert_float_eq(p.ratio, 1.0, 1e-12);
	/* log ratios +-ln 2, sd ln2 * sqrt(4/3), h = t(3) * sd / 2 */
	double h = ms_t975(3) * M_LN2 * sqrt(4.0 / 3) / 2;
	cr_assert_float_eq(p.low, exp(-h), 1e-9);
	cr_assert_float_eq(p.high, exp(h), 1e-9);
}

Test(paired, identical_ratios_have_no_width_and_bad_ones_are_left_out)
{
	double r[] = { 1.25, 1.25, NAN, -1, 0, 1.25 };
	struct ms_paired p;

	ms_paired_ratio(r, 6, &p);
	cr_assert_eq(p.n, 3);
	cr_assert_float_eq(p.ratio, 1.25, 1e-12);
	cr_assert_float_eq(p.half_width, 0, 1e-12);
	ms_paired_ratio(r, 1, &p);
	cr_assert(isinf(p.half_width), "one pair has no interval");
}

/* An A/A design: both sides from the same distribution, a drift shared by both. The 95%
 * interval holds 1 in about 95% of 400 simulated comparisons. */
Test(paired, aa_control_covers_one_about_95_percent)
{
	int cover = 0;

	for (int k = 0; k < 400; k++) {
		double r[12];

		for (int i = 0; i < 12; i++) {
			double drift = 1 + 0.02 * i;
			r[i] = drift * exp(0.03 * noise()) / (drift * exp(0.03 * noise()));
		}
		struct ms_paired p;
		ms_paired_ratio(r, 12, &p);
		cover += p.low <= 1 && p.high >= 1;
	}
	cr_assert(cover >= 360 && cover <= 396, "covered %d of 400", cover);
}

/* Assert that the one Mann-Whitney gives the textbook figures: fully separated samples of 3
 * and 3 have U = 9 and an exact two-sided p of 2/20; ties switch to the normal
 * approximation and count half in U. */
Test(mann_whitney, separated_small_samples_exact)
{
	const double a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 };
	struct ms_mann_whitney mw;

	ms_mann_whitney(a, 3, b, 3, &mw);
	cr_assert_float_eq(mw.u, 9, 1e-12);
	cr_assert_float_eq(mw.p, 0.1, 1e-12);
	cr_assert_float_eq(mw.z, 4.5 / sqrt(9.0 * 7 / 12), 1e-12);
	ms_mann_whitney(b, 3, a, 3, &mw);
	cr_assert_float_eq(mw.u, 0, 1e-12);
	cr_assert_lt(mw.z, 0);
}

Test(mann_whitney, ties_count_half)
{
	const double a[] = { 1, 2, 3 }, b[] = { 3, 4, 5 };
	struct ms_mann_whitney mw;

	ms_mann_whitney(a, 3, b, 3, &mw);
	cr_assert_float_eq(mw.u, 8.5, 1e-12);
	cr_assert(mw.p > 0.05 && mw.p < 1, "p %g", mw.p);
	ms_mann_whitney(a, 0, b, 3, &mw);
	cr_assert_float_eq(mw.p, 1, 1e-12);
}
