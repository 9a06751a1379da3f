/* The time factor: its floor and ceiling, the --time-factor grammar, a real measurement. */
#include "time_scale.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

Test(time_scale, factor_never_below_today_nor_above_the_ceiling)
{
	cr_assert_eq(ms_time_factor_for_cost(0), 1);
	cr_assert_eq(ms_time_factor_for_cost(MS_TIME_REFERENCE_US / 2), 1);
	cr_assert_eq(ms_time_factor_for_cost(NAN), 1);
	cr_assert_float_eq(ms_time_factor_for_cost(MS_TIME_REFERENCE_US * 3), 3, 1e-9);
	cr_assert_eq(ms_time_factor_for_cost(MS_TIME_REFERENCE_US * 1e6), MS_TIME_FACTOR_CEILING);
}

Test(time_scale, time_factor_grammar)
{
	double f = 0;
	cr_assert(ms_time_factor_parse("2.5", &f) && f == 2.5);
	cr_assert(ms_time_factor_parse("1000", &f) && f == 1000);
	static const char *const bad[] = { "", "0.5", "0", "-3", "abc", "2x", "1001", "nan",
					   "inf", "1e9" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(!ms_time_factor_parse(bad[i], &f), "'%s' was accepted", bad[i]);
	cr_assert(!ms_time_factor_parse(NULL, &f));
}

Test(time_scale, measured_cost_is_positive_and_recorded)
{
	struct ms_time_scale s;
	ms_time_scale_measure(&s, 0);
	cr_assert_gt(s.cost_us, 0, "mmap+munmap measured %f us", s.cost_us);
	cr_assert_geq(s.factor, 1);
	cr_assert_leq(s.factor, MS_TIME_FACTOR_CEILING);
	cr_assert_str_eq(s.source, "calibrated");
	ms_time_scale_measure(&s, 7);
	cr_assert_eq(s.factor, 7);
	cr_assert_str_eq(s.source, "--time-factor");
}
