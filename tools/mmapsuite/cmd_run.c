/* The main job: environment, conformance on every file system, the benchmark profile,
 * reports, all in one results directory. */
#include "bench.h"
#include "commands.h"
#include "conform_runner.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static const char run_synopsis[] =
	"usage: mmapsuite run [OPTIONS]\n"
	"The main job: captures the environment, runs the conformance tests on each file\n"
	"system under test and the benchmark profile, and renders the reports into a new\n"
	"results directory, whose path it prints last.\n\n";

enum { OPT_PROFILE = MS_OPT_OWN, OPT_NO_BENCH };

static const struct ms_option run_options[] = {
	{ "profile", 0, "quick|full", "benchmark profile (default quick)", OPT_PROFILE },
	{ "no-bench", 0, NULL, "conformance only", OPT_NO_BENCH },
	MS_OPTIONS_END
};
static const struct ms_option *const run_tables[] = { run_options, ms_conform_options,
						      ms_harness_options, NULL };

int cmd_run(int argc, char **argv)
{
	struct ms_harness h = { 0 };
	struct ms_conform_request rq = { 0 };
	struct ms_bench_request brq = { .profile = "quick" };
	bool bench = true;
	struct ms_options p;
	ms_options_begin(&p, "run", run_tables, argc, argv);
	for (int id; (id = ms_options_next(&p)) != MS_OPT_DONE;) {
		switch (id) {
		case MS_OPT_HELP:
			return ms_options_usage(run_synopsis, run_tables, NULL);
		case OPT_NO_BENCH:
			bench = false;
			break;
		case OPT_PROFILE:
			if (strcmp(p.arg, "quick") && strcmp(p.arg, "full"))
				ms_die(MS_EXIT_USAGE, "--profile: choose quick or full");
			brq.profile = p.arg;
			break;
		default:
			if (!ms_harness_handle(&h, id, p.given, p.arg))
				ms_conform_handle(&rq, id, p.given, p.arg);
		}
	}
	int bad = ms_conform_start(&p, &rq, &h);
	int bench_rc = bench ? ms_bench_execute(&brq, &h) : 0;
	int rc = ms_harness_end(&h);
	if (bad < 0 || ms_harness_failed(&h) || bench_rc)
		return MS_EXIT_FAILED;
	return rc; /* 0, or MS_EXIT_RECORDING: every test passed but recording failed */
}
