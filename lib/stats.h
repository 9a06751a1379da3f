/* Statistics for samples, the one module for bench/ and reports/: order statistics, not
 * means, since timings are skewed; and the rank test, bootstrap and means that compare two
 * sets of samples. */
#ifndef MMAPSUITE_STATS_H
#define MMAPSUITE_STATS_H

#include <stdbool.h>
#include <stddef.h>

struct ms_summary {
	double median, ci_low, ci_high; /* distribution-free 95% interval of the median */
	double min, max, mean, cv;      /* cv = stddev / mean */
	size_t n;
	bool ci_exact;                  /* false below 6 samples: [min, max], under 95% */
};

/* Does not modify samples. n == 0 gives all zeros. */
void ms_summarize(const double *samples, size_t n, struct ms_summary *out);
double ms_median(const double *samples, size_t n);

/* 1-based rank j such that [x(j), x(n+1-j)] of the sorted samples is a 95% interval of the
 * median; 0 when n is too small for one (n < 6). */
size_t ms_median_ci_rank(size_t n);

/* Half-width of the interval relative to the median (0.02 = 2%); infinite for median 0. */
double ms_relative_halfwidth(const struct ms_summary *s);

/* Drift: do the samples, in the order taken, trend? Mann-Kendall's trend test over the
 * series (|z| >= 3.0, p < 0.003: a ramp) or a change point (Mann-Whitney |z| >= 3.5 (ms_mann_whitney) at the
 * best split, above the scan's chance maximum: a step), and a change that matters: the
 * medians before and after the best change point (the split, with at least a quarter of the
 * samples and 3 on each side, that Mann-Whitney separates most) differ by at least 10%.
 * Flat noise, however wide, passes. Below 8 samples nothing is tested. */
struct ms_drift {
	bool tested, drifting;
	size_t split;          /* first sample of the later side */
	double z;              /* Mann-Kendall z (rising: positive) */
	double split_z;        /* Mann-Whitney z of after against before at the split */
	double change;         /* median after / median before */
};
void ms_drift_test(const double *samples, size_t n, struct ms_drift *out);

/* Mann-Whitney U test of b against a, on raw samples (ties get mid-ranks).
 * u: pairs (a[i], b[j]) with b[j] > a[i], ties counting half.
 * z: (u - na nb / 2) over its standard deviation with the tie correction, no continuity
 *    correction (positive: b tends higher); the drift test's change-point scan uses it.
 * p: two-sided p-value that a and b come from the same distribution: exact (by counting)
 *    when both have at most 30 samples and there are no ties, else the normal approximation
 *    with tie and continuity corrections. p = 1, u = z = 0 when either is empty. */
struct ms_mann_whitney {
	double u, z, p;
};
void ms_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		     struct ms_mann_whitney *out);

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
