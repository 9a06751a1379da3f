/* Statistics for samples: order statistics, not means, since timings are skewed. */
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
 * series (|z| >= 3.0, p < 0.003: a ramp) or a change point (Mann-Whitney |z| >= 3.5 at the
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

#endif
