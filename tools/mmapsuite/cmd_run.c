/* The main job: environment, conformance on every file system, the benchmark profile,
 * reports, all in one results directory. */
#include "bench.h"
#include "commands.h"
#include "conform_runner.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

int ms_conform_option(struct ms_conform_request *rq, int argc, char **argv, int *i);

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mmapsuite run [OPTIONS]\n"
		"The main job: captures the environment, runs the conformance tests on each file\n"
		"system under test and the benchmark profile, and renders the reports into a new\n"
		"results directory, whose path it prints last.\n\n"
		"  --profile quick|full  benchmark profile (default quick)\n"
		"  --no-bench            conformance only\n"
		"  --filter PATTERN      only conformance tests matching suite/test (glob)\n"
		"  --jobs N              parallel test processes\n"
		"  --verbose             show the test runner's own output\n%s",
		ms_harness_options_help);
}

int cmd_run(int argc, char **argv)
{
	struct ms_harness h = { 0 };
	struct ms_conform_request rq = { 0 };
	struct ms_bench_request brq = { .profile = "quick" };
	bool bench = true;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return MS_EXIT_OK;
		} else if (!strcmp(argv[i], "--no-bench")) {
			bench = false;
		} else if (!strcmp(argv[i], "--profile")) {
			if (i + 1 >= argc || (strcmp(argv[i + 1], "quick") && strcmp(argv[i + 1], "full")))
				ms_die(MS_EXIT_USAGE, "--profile: choose quick or full");
			brq.profile = argv[++i];
		} else if (!ms_harness_option(&h, argc, argv, &i) &&
			   !ms_conform_option(&rq, argc, argv, &i)) {
			ms_die(MS_EXIT_USAGE, "run: unknown option '%s' (see --help)", argv[i]);
		}
	}
	ms_harness_begin(&h);
	int bad = ms_conform_execute(&rq, &h);
	int bench_rc = bench ? ms_bench_execute(&brq, &h) : 0;
	int rc = ms_harness_end(&h);
	if (bad < 0 || ms_harness_failed(&h) || bench_rc)
		return MS_EXIT_FAILED;
	return rc; /* 0, or MS_EXIT_RECORDING: every test passed but recording failed */
}
