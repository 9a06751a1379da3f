/* Runs mmapsuite-conform on each file system of a harness and collects its results. */
#ifndef MMAPSUITE_CONFORM_RUNNER_H
#define MMAPSUITE_CONFORM_RUNNER_H

#include <jansson.h>
#include "harness.h"
#include "options.h"

struct ms_conform_request {
	const char *filter; /* Criterion --filter pattern, NULL for all */
	int jobs;           /* parallel test processes; 0 = online CPUs */
	bool verbose;       /* show Criterion's own output */
	int gpio_pin;       /* --gpio-pin N, when gpio_pin_given */
	bool gpio_pin_given;
	bool allow_write;   /* --allow-write: the devmem tests may write that pin */
	double time_factor; /* --time-factor F (>= 1), 0: calibrated at the start (time_scale.h) */
};

/* The conformance options (--filter, --jobs, --verbose, --gpio-pin, --allow-write,
 * --time-factor) of
 * conform and run: a table for ms_options_begin, ids from MS_OPT_CONFORM on. */
enum { MS_OPT_CONFORM = 300 };
extern const struct ms_option ms_conform_options[];
/* Applies option id into rq. Returns 1
 * if id is a conformance option, 0 if not; exits 2 naming the option on a bad value. */
int ms_conform_handle(struct ms_conform_request *rq, int id, const char *given,
		      const char *value);

/* Checks the request before anything is written; exits 2 naming what is wrong: --allow-write
 * without --gpio-pin, a --filter that selects no test. */
void ms_conform_validate(const struct ms_conform_request *rq);
/* What conform and run do once their options are read (p at MS_OPT_DONE): refuse operands,
 * validate rq, begin the harness and run the tests. Returns ms_conform_execute's answer. */
int ms_conform_start(struct ms_options *p, const struct ms_conform_request *rq,
		     struct ms_harness *h);

/* The tests compiled into mmapsuite-conform: an array of {suite, test, ids, spec}, or NULL
 * with a message when the binary cannot be run. */
json_t *ms_conform_list(void);

/* The environment entry (LD_LIBRARY_PATH=..., or LD_PRELOAD=... when that does not load) that
 * makes a run of mmapsuite-conform from the build tree load tools/standins/libgit2.c in place
 * of libgit2, or NULL (installed, no stand-in built, or its files not trusted). */
char *ms_conform_libgit2_standin(void);
/* The directory holding the stand-in (for a contained run's list of paths to keep visible, also
 * when the build is below /tmp: lib/contain.h), or NULL when standin is NULL. Allocated. */
char *ms_conform_libgit2_standin_dir(const char *standin);

/* Appends one conformance result per test and file system to h->run (a file system that is
 * not available gives a SKIP per test, with its reason), the harness's expectations applied.
 * Returns the number of unexpected failed or broken results, or -1 if the test binary could
 * not run at all. */
int ms_conform_execute(const struct ms_conform_request *rq, struct ms_harness *h);

#endif
