#include "commands.h"
#include "conform_runner.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mmapsuite conform [OPTIONS]\n"
		"Runs the conformance tests on each file system under test and writes\n"
		"results.json, junit.xml and ktap.txt into a new results directory.\n\n"
		"  --filter PATTERN  only tests matching suite/test (glob), e.g. 'msync/*'\n"
		"  --jobs N          parallel test processes (default: online CPUs)\n"
		"  --verbose         show the test runner's own output\n"
		"  --gpio-pin N      the free GPIO pin the devmem tests may write (with --allow-write)\n"
		"  --allow-write     let the devmem tests write that pin's registers (never others)\n%s",
		ms_harness_options_help);
}

/* Shared by conform and run: parses --filter/--jobs/--verbose. Returns 1 if consumed. */
int ms_conform_option(struct ms_conform_request *rq, int argc, char **argv, int *i);
int ms_conform_option(struct ms_conform_request *rq, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	if (!strcmp(arg, "--verbose")) {
		rq->verbose = true;
		return 1;
	}
	/* The devmem tests read these from their environment. */
	if (!strcmp(arg, "--allow-write")) {
		setenv("MMAPSUITE_ALLOW_WRITE", "1", 1);
		return 1;
	}
	if (!strcmp(arg, "--gpio-pin")) {
		char *end;
		long n = *i + 1 < argc ? strtol(argv[*i + 1], &end, 10) : -1;
		if (n < 0 || n > 1023 || *end)
			ms_die(MS_EXIT_USAGE, "--gpio-pin needs a pin number from 0 to 1023");
		setenv("MMAPSUITE_GPIO_PIN", argv[++*i], 1);
		return 1;
	}
	if (strcmp(arg, "--filter") && strcmp(arg, "--jobs"))
		return 0;
	if (*i + 1 >= argc)
		ms_die(MS_EXIT_USAGE, "%s needs a value (see --help)", arg);
	const char *v = argv[++*i];
	if (!strcmp(arg, "--filter")) {
		rq->filter = v;
	} else {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 1024)
			ms_die(MS_EXIT_USAGE, "--jobs: '%s' is not a number from 1 to 1024", v);
		rq->jobs = (int)n;
	}
	return 1;
}

int cmd_conform(int argc, char **argv)
{
	struct ms_harness h = { 0 };
	struct ms_conform_request rq = { 0 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return MS_EXIT_OK;
		}
		if (!ms_harness_option(&h, argc, argv, &i) && !ms_conform_option(&rq, argc, argv, &i))
			ms_die(MS_EXIT_USAGE, "conform: unknown option '%s' (see --help)", argv[i]);
	}
	if (getenv("MMAPSUITE_ALLOW_WRITE") && !getenv("MMAPSUITE_GPIO_PIN"))
		ms_die(MS_EXIT_USAGE, "--allow-write needs --gpio-pin N: the one pin it may write");
	ms_harness_begin(&h);
	int bad = ms_conform_execute(&rq, &h);
	int rc = ms_harness_end(&h);
	/* Every failure expected (XFAIL) is a pass; an XPASS fails only with --strict-expect.
	 * A test's failure decides the status; recording (rc) only when every test passed. */
	return bad < 0 || ms_harness_failed(&h) ? MS_EXIT_FAILED : rc;
}
