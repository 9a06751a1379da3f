/* Runs mmapsuite-conform on each file system of a harness and collects its results. */
#ifndef MMAPSUITE_CONFORM_RUNNER_H
#define MMAPSUITE_CONFORM_RUNNER_H

#include <jansson.h>
#include "harness.h"

struct ms_conform_request {
	const char *filter; /* Criterion --filter pattern, NULL for all */
	int jobs;           /* parallel test processes; 0 = online CPUs */
	bool verbose;       /* show Criterion's own output */
};

/* The tests compiled into mmapsuite-conform: an array of {suite, test, ids, spec}, or NULL
 * with a message when the binary cannot be run. */
json_t *ms_conform_list(void);

/* Appends one conformance result per test and file system to h->run (a file system that is
 * not available gives a SKIP per test, with its reason), the harness's expectations applied.
 * Returns the number of unexpected failed or broken results, or -1 if the test binary could
 * not run at all. */
int ms_conform_execute(const struct ms_conform_request *rq, struct ms_harness *h);

#endif
