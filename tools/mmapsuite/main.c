/* mmapsuite: conformance and benchmarks of Linux memory mappings. */
#include "commands.h"
#include "harness.h"
#include "reports.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "the main job: environment, conformance and benchmarks, reports" },
	{ "conform", cmd_conform, "run the conformance tests on each file system" },
	{ "bench", cmd_bench, "run the benchmark profile" },
	{ "env", cmd_env, "print the captured environment as JSON" },
	{ "list", cmd_list, "list the conformance tests (--coverage: per checklist id)" },
	{ "report", cmd_report, "render a results directory (HTML, Markdown, JUnit, KTAP)" },
	{ "compare", cmd_compare, "compare results directories of different runs" },
	{ "history", cmd_history, "plot a metric across recorded runs" },
	{ "selftest", cmd_selftest, "prove the tests catch broken mmap implementations" },
	{ "expect", cmd_expect, "write an expectation file from a run's failures" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: mmapsuite COMMAND [OPTIONS]   (mmapsuite COMMAND --help for each)\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nExit status: 0 all passed (failures an --expect file names count as "
		     "passed), 1 a test failed or a regression was found, 2 bad arguments or "
		     "input,\n3 every test passed but recording the run (results.json, reports, "
		     "history) failed.\n");
}

int main(int argc, char **argv)
{
	ms_harness_renderer = ms_render_run;
	if (argc < 2) {
		usage(stderr);
		return MS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return MS_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "mmapsuite: unknown command '%s' (see mmapsuite --help)\n", argv[1]);
	return MS_EXIT_USAGE;
}
