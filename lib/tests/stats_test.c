/* The drift detector (ms_drift_test): a step and a ramp are caught, flat noise passes. */
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

Test(drift, step_is_caught)
{
	double x[24];
	struct ms_drift d;

	for (int i = 0; i < 24; i++)
		x[i] = (i < 9 ? 2600 : 400) + 30 * noise();
	ms_drift_test(x, 24, &d);
	cr_assert(d.tested && d.drifting, "z %.2f change %.2f", d.z, d.change);
	cr_assert_eq(d.split, 9);
	cr_assert_lt(d.change, 0.2);
}

Test(drift, small_step_late_is_caught)
{
	double x[40];
	struct ms_drift d;

	for (int i = 0; i < 40; i++)
		x[i] = (i < 28 ? 1000 : 1200) + 10 * noise();
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
