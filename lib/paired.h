/* Paired ratios: two variants A and B sampled in alternation (A B, then B A, ...), one ratio
 * A/B per pair. The estimate is the geometric mean of the per-pair ratios and its 95% interval
 * Student's t interval on their logarithms: drift common to both sides cancels within a pair,
 * and the log-ratios of pairs are close to normal where raw timings are not. Used by the
 * benchmark runner (while sampling: stop once the interval is tight) and the reports. */
#ifndef MMAPSUITE_PAIRED_H
#define MMAPSUITE_PAIRED_H

#include <stdbool.h>
#include <stddef.h>

struct ms_paired {
	double ratio;       /* geometric mean of the per-pair ratios */
	double low, high;   /* 95% t interval, back-transformed from the log scale */
	double half_width;  /* (high - low) / 2 / ratio; infinite below two pairs */
	size_t n;           /* pairs with a positive, finite ratio */
};

/* Two-sided 95% quantile of Student's t with df degrees of freedom (df >= 1). */
double ms_t975(size_t df);

/* From the per-pair ratios; ratios that are not positive and finite are left out. */
void ms_paired_ratio(const double *ratios, size_t n, struct ms_paired *out);

/* Sampling order of pair i: true when B goes first (pairs alternate A B, B A, so a linear
 * drift within two pairs cancels). */
bool ms_paired_b_first(size_t i);

#endif
