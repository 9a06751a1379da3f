/* Statistics for comparisons, on raw samples: no normality assumed anywhere. */
#ifndef MMAPSUITE_REPORTS_RSTATS_H
#define MMAPSUITE_REPORTS_RSTATS_H

#include <stddef.h>

/* Two-sided p-value of the Mann-Whitney U test that a and b come from the same
 * distribution: exact (by counting) when both have at most 30 samples and there are no ties,
 * else the normal approximation with tie and continuity corrections. 1 when either is
 * empty. */
double ms_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb);

/* Ratio of medians b/a with a 95% percentile-bootstrap interval (resampling both sides,
 * a fixed seed so a report renders the same twice). */
struct ms_ratio {
	double ratio, low, high;
};
void ms_median_ratio(const double *a, size_t na, const double *b, size_t nb,
		     struct ms_ratio *out);

/* Means of positive values; NAN if there is none. Harmonic for rates (MB/s, ops/s), so the
 * mean is the rate of the whole work; geometric for ratios. */
double ms_harmonic_mean(const double *v, size_t n);
double ms_geometric_mean(const double *v, size_t n);

/* A metric is a rate when its unit is per time ("MB/s", "ops/s", "GiB/s"). */
int ms_unit_is_rate(const char *unit);

#endif
