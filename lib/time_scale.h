/* Time limits that scale with the place: a TCG guest or a slow board needs longer than the
 * host for the same work, so every fixed limit of the conformance tests (Criterion's per-test
 * .timeout, the bound on a test's forked child) is multiplied by one factor measured when the
 * run starts. docs/guests.md ("Time limits") says how the reference was chosen.
 *
 * The factor: the median cost of one mmap+munmap of a page, in microseconds, over
 * MS_TIME_BATCHES batches of MS_TIME_BATCH_OPS, divided by MS_TIME_REFERENCE_US, and kept
 * within [1, MS_TIME_FACTOR_CEILING]: never below today's limits, never above the ceiling
 * unless `mmapsuite conform --time-factor F` says so (F up to MS_TIME_FACTOR_MAX).
 *
 * Plain C with no other lib/ code: the test binary reads the factor too. */
#ifndef MMAPSUITE_TIME_SCALE_H
#define MMAPSUITE_TIME_SCALE_H

#include <stdbool.h>

/* The cost of an mmap+munmap pair at which the fixed limits were sized, with their margin
 * (docs/guests.md derives it from the heaviest child's work). */
#define MS_TIME_REFERENCE_US 25.0
/* The largest factor calibration gives: 20 s child limits become at most 400 s. */
#define MS_TIME_FACTOR_CEILING 20.0
/* The largest factor --time-factor accepts. */
#define MS_TIME_FACTOR_MAX 1000.0
#define MS_TIME_BATCHES 41
#define MS_TIME_BATCH_OPS 100

/* The per-child bound before it is scaled: a forked child of a test is killed after it. */
#define MS_CHILD_LIMIT_S 20.0

struct ms_time_scale {
	double factor;        /* what every limit is multiplied by, >= 1 */
	double cost_us;       /* measured median cost of one mmap+munmap, 0 with an override */
	double raw_factor;    /* cost_us / MS_TIME_REFERENCE_US before the floor and ceiling */
	const char *source;   /* "calibrated" or "--time-factor" */
};

/* The median cost of one mmap+munmap of a page, in microseconds; 0 when mmap fails. */
double ms_time_syscall_cost_us(void);

/* The factor for a measured cost: cost / reference within [1, MS_TIME_FACTOR_CEILING]. */
double ms_time_factor_for_cost(double cost_us);

/* Measures (override <= 0) or takes the override, and fills s. */
void ms_time_scale_measure(struct ms_time_scale *s, double override);

/* Parses a --time-factor value: a number from 1 to MS_TIME_FACTOR_MAX; false otherwise. */
bool ms_time_factor_parse(const char *text, double *factor);

/* The factor the harness gave the test processes (MMAPSUITE_TIME_FACTOR), else 1. */
double ms_time_factor(void);

#endif
