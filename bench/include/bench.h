/* The benchmark runner's entry points used by the harness (`mmapsuite run` and `bench`). */
#ifndef MMAPSUITE_BENCH_H
#define MMAPSUITE_BENCH_H

#include "harness.h"

#include <stdint.h>

struct ms_bench_request {
	const char *profile;      /* "quick" (default) or "full" */
	const char *case_filter;  /* comma list of case names, NULL for all */
	uint64_t max_size;        /* largest file or region size asked for; 0 = adapt */
	const char *events;       /* comma list of hardware events instead of the generic set */
};

/* Runs the profile on every available file system of h, appending benchmark results to
 * h->run. Returns 0, or 2 on a request that cannot be met (named in a message) before
 * anything is measured. */
int ms_bench_execute(const struct ms_bench_request *rq, struct ms_harness *h);

/* Checks the request against the case table and the machine (memory) without touching
 * anything: 0, or 2 with a message on stderr. Call before ms_harness_begin. */
int ms_bench_validate(const struct ms_bench_request *rq);

/* Prints every case with its description and options (for `mmapsuite bench --list`). */
void ms_bench_list(void);

/* The fidelity check against fio on the harness's file systems (tmpfs and ext4 kinds);
 * ratios go to run->extra["fidelity"]. Returns 0 when every ratio is at least 0.95, 1 when
 * one is lower, 2 when fio is missing or no file system fits. */
int ms_bench_fidelity(struct ms_harness *h);

#endif
