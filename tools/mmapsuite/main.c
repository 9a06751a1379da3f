/* mmapsuite: conformance and benchmarks of Linux memory mappings. */
#include "commands.h"
#include "docgen.h"
#include "harness.h"
#include "reports.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static const struct ms_command commands[] = {
	{ "run", cmd_run, "the main job: environment, conformance and benchmarks, reports", "" },
	{ "conform", cmd_conform, "run the conformance tests on each file system", "" },
	{ "bench", cmd_bench, "run the benchmark profile", "" },
	{ "env", cmd_env, "print the captured environment as JSON", "" },
	{ "list", cmd_list, "list the conformance tests (--coverage: per checklist id)", "" },
	{ "report", cmd_report, "render a results directory (HTML, Markdown, JUnit, KTAP)",
	  "RESULTS" },
	{ "compare", cmd_compare, "compare results directories of different runs",
	  "BASELINE RUN [RUN...]" },
	{ "history", cmd_history, "plot a metric across recorded runs", "METRIC" },
	{ "selftest", cmd_selftest, "prove the tests catch broken mmap implementations", "" },
	{ "expect", cmd_expect, "write an expectation file from a run's failures", "" },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

const char ms_exit_status_text[] =
	"0 all passed (failures an expectation file names count as passed), 1 a test failed or "
	"a regression was found, 2 bad arguments or input,\n3 every test passed but recording "
	"the run (results.json, reports, history) failed.";

static void usage(FILE *out)
{
	fprintf(out, "usage: mmapsuite COMMAND [OPTIONS]   (mmapsuite COMMAND --help for each)\n\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n  --version        print the version and exit\n"
		     "  --man-page       write mmapsuite(1) to standard output\n"
		     "  --bash-completion  write the bash completion to standard output\n"
		     "\nExit status: %s\n", ms_exit_status_text);
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
	if (!strcmp(argv[1], "--version")) {
		printf("mmapsuite %s\n", MMAPSUITE_VERSION);
		return MS_EXIT_OK;
	}
	if (!strcmp(argv[1], "--man-page"))
		return ms_write_man_page(stdout, commands, N_COMMANDS) ? MS_EXIT_RECORDING : 0;
	if (!strcmp(argv[1], "--bash-completion"))
		return ms_write_bash_completion(stdout, commands, N_COMMANDS) ? MS_EXIT_RECORDING : 0;
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "mmapsuite: unknown command '%s' (see mmapsuite --help)\n", argv[1]);
	return MS_EXIT_USAGE;
}
