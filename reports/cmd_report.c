/* mmapsuite report DIR: renders DIR's reports from DIR/results.json; with --matrix, one
 * matrix of test x place for several runs (matrix.c). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "history.h"
#include "matrix.h"
#include "options.h"
#include "report.h"
#include "results_dir.h"
#include "util.h"

static const char report_synopsis[] =
	"usage: mmapsuite report [--out DIR] [--history FILE] RESULTS\n"
	"       mmapsuite report --matrix [--out DIR] RESULTS...\n"
	"Renders index.html, summary.md, junit.xml, ktap.txt and plots/ from RESULTS (a results\n"
	"directory, or a results.json file) alone, into the results directory or --out DIR.\n"
	"With --matrix: one table of tests x places (a run's file systems, kernel,\n"
	"architecture, page size, host or guest) for several runs, differences first.\n";
static const char report_exits[] =
	"Exit: 0 rendered, 2 bad input, 3 writing the report or the history failed (plots\n"
	"missing, disk full, damaged history database).\n";

enum { OPT_OUT = MS_OPT_OWN, OPT_HISTORY, OPT_MATRIX };

static const struct ms_option report_options[] = {
	{ "out", 'o', "DIR", "write the reports into DIR instead of the results directory",
	  OPT_OUT },
	{ "history", 'H', "FILE", "also record the run in this history database (see mmapsuite\n"
	  "history)", OPT_HISTORY },
	{ "matrix", 'm', NULL, "one page of test x place for every RESULTS given: matrix.html\n"
	  "and matrix.md in --out DIR (default $MMAPSUITE_OUT or reports/out,\n"
	  "/matrix-<time>)", OPT_MATRIX },
	MS_OPTIONS_END
};
static const struct ms_option *const report_tables[] = { report_options, NULL };

int cmd_report(int argc, char **argv)
{
	const char *out = NULL, *history = NULL;
	bool matrix = false;
	struct ms_options p;
	ms_options_begin(&p, "report", report_tables, argc, argv);
	for (int id; (id = ms_options_next(&p)) != MS_OPT_DONE;) {
		switch (id) {
		case OPT_HISTORY: history = p.arg; break;
		case OPT_OUT: out = p.arg; break;
		case OPT_MATRIX: matrix = true; break;
		case MS_OPT_HELP: return ms_options_usage(report_synopsis, report_tables, report_exits);
		}
	}
	struct stat st;
	if (matrix) {
		int first = ms_options_operands(&p);
		if (argc - first < 1 || history) {
			fprintf(stderr, "mmapsuite report --matrix: %s (see --help)\n", history ?
				"--history records one run, not a matrix" : "expected at least one "
				"results directory");
			return MS_EXIT_USAGE;
		}
		if (out && stat(out, &st) == 0 && !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "mmapsuite report --matrix: --out %s: exists and is not a "
				"directory\n", out);
			return MS_EXIT_USAGE;
		}
		return ms_matrix_command(argv + first, (size_t)(argc - first), out);
	}
	int first = ms_options_operands_between(&p, 1, 1, "expected one results directory");
	ms_options_out_dir(&p, out);
	const char *input = argv[first];
	char err[1024];
	if (history && ms_parent_dir_check(history, err, sizeof(err)) < 0) {
		fprintf(stderr, "mmapsuite report: --history %s: refused: %s; keep the history "
			"database in a directory only its owner can write\n", history, err);
		return MS_EXIT_USAGE;
	}
	double start = ms_now();
	struct ms_run *run = ms_run_load_dir(input, err, sizeof(err));
	if (!run) {
		fprintf(stderr, "mmapsuite report: %s\n", err);
		return MS_EXIT_USAGE;
	}
	char *dir = NULL;
	if (out) {
		dir = ms_strdup(out);
	} else {
		if (stat(input, &st) == 0 && !S_ISDIR(st.st_mode)) {
			const char *slash = strrchr(input, '/');
			dir = slash ? ms_asprintf("%.*s", (int)(slash - input), input)
				    : ms_strdup(".");
		} else {
			dir = ms_strdup(input);
		}
	}
	int rc = ms_report_write(run, dir, err, sizeof(err));
	double took = ms_now() - start;
	char *index = ms_asprintf("%s/index.html", dir);
	if (stat(index, &st) == 0)
		printf("report: %s (%.0f KiB) in %.2f s\n", index, (double)st.st_size / 1024, took);
	if (rc != 0)
		fprintf(stderr, "mmapsuite report: %s\n", err);
	if (history && ms_history_record(run, dir, history, err, sizeof(err)) != 0) {
		fprintf(stderr, "mmapsuite report: %s\n", err);
		rc = -1;
	}
	free(index);
	free(dir);
	ms_run_free(run);
	return rc ? MS_EXIT_RECORDING : MS_EXIT_OK; /* writing the report or the history failed */
}
