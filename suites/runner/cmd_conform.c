#include "commands.h"
#include "conform_runner.h"
#include "time_scale.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char conform_synopsis[] =
	"usage: mmapsuite conform [OPTIONS]\n"
	"Runs the conformance tests on each file system under test and writes\n"
	"results.json, junit.xml and ktap.txt into a new results directory.\n\n";

enum { OPT_FILTER = MS_OPT_CONFORM, OPT_JOBS, OPT_VERBOSE, OPT_GPIO_PIN, OPT_ALLOW_WRITE,
       OPT_TIME_FACTOR };

const struct ms_option ms_conform_options[] = {
	{ "filter", 0, "PATTERN", "only tests matching suite/test (glob), e.g. 'msync/*'",
	  OPT_FILTER },
	{ "jobs", 0, "N", "parallel test processes (default: online CPUs)", OPT_JOBS },
	{ "verbose", 0, NULL, "show the test runner's own output", OPT_VERBOSE },
	{ "gpio-pin", 0, "N", "the free GPIO pin the devmem tests may write (with --allow-write)",
	  OPT_GPIO_PIN },
	{ "allow-write", 0, NULL, "let the devmem tests write that pin's registers (never others)",
	  OPT_ALLOW_WRITE },
	{ "time-factor", 0, "F", "multiply every test's time limit by F (1 to 1000) instead of the "
	  "factor measured at the start (slow boards)", OPT_TIME_FACTOR },
	MS_OPTIONS_END
};

int ms_conform_handle(struct ms_conform_request *rq, int id, const char *given, const char *v)
{
	char *end;
	long n;
	(void)given;
	switch (id) {
	case OPT_VERBOSE: rq->verbose = true; return 1;
	case OPT_FILTER: rq->filter = v; return 1;
	/* Only these options reach the devmem tests: as arguments of the test runner
	 * (conform_runner.c), never through the environment the caller may have exported. */
	case OPT_ALLOW_WRITE: rq->allow_write = true; return 1;
	case OPT_GPIO_PIN:
		n = strtol(v, &end, 10);
		if (!*v || n < 0 || n > 1023 || *end)
			ms_die(MS_EXIT_USAGE, "--gpio-pin needs a pin number from 0 to 1023");
		rq->gpio_pin = (int)n;
		rq->gpio_pin_given = true;
		return 1;
	case OPT_TIME_FACTOR:
		if (!ms_time_factor_parse(v, &rq->time_factor))
			ms_die(MS_EXIT_USAGE, "--time-factor: '%s' is not a number from 1 to %.0f", v,
			       MS_TIME_FACTOR_MAX);
		return 1;
	case OPT_JOBS:
		n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 1024)
			ms_die(MS_EXIT_USAGE, "--jobs: '%s' is not a number from 1 to 1024", v);
		rq->jobs = (int)n;
		return 1;
	}
	return 0;
}

int ms_conform_start(struct ms_options *p, const struct ms_conform_request *rq,
		     struct ms_harness *h)
{
	ms_options_no_operands(p);
	ms_conform_validate(rq);
	ms_harness_begin(h);
	return ms_conform_execute(rq, h);
}

static const struct ms_option *const conform_tables[] = { ms_conform_options, ms_harness_options,
							  NULL };

int cmd_conform(int argc, char **argv)
{
	struct ms_harness h = { 0 };
	struct ms_conform_request rq = { 0 };
	struct ms_options p;
	ms_options_begin(&p, "conform", conform_tables, argc, argv);
	for (int id; (id = ms_options_next(&p)) != MS_OPT_DONE;) {
		if (id == MS_OPT_HELP)
			return ms_options_usage(conform_synopsis, conform_tables, NULL);
		if (!ms_harness_handle(&h, id, p.given, p.arg))
			ms_conform_handle(&rq, id, p.given, p.arg);
	}
	int bad = ms_conform_start(&p, &rq, &h);
	int rc = ms_harness_end(&h);
	/* Every failure expected (XFAIL) is a pass; an XPASS fails only with --strict-expect.
	 * A test's failure decides the status; recording (rc) only when every test passed. */
	return bad < 0 || ms_harness_failed(&h) ? MS_EXIT_FAILED : rc;
}
