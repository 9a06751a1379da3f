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

#endif
