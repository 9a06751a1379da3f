/* mmapsuite report DIR: renders DIR's reports from DIR/results.json. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "history.h"
#include "report.h"
#include "util.h"

static const char usage[] =
	"usage: mmapsuite report [--out DIR] [--history FILE] RESULTS\n"
	"Renders index.html, summary.md, junit.xml, ktap.txt and plots/ from RESULTS (a results\n"
	"directory, or a results.json file) alone, into the results directory or --out DIR.\n"
	"  --history FILE  also record the run in this history database (see mmapsuite history)\n"
	"Exit: 0 rendered, 2 bad input, 3 writing the report or the history failed (plots\n"
	"missing, disk full, damaged history database).\n";

int cmd_report(int argc, char **argv)
{
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "history", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *history = NULL;
	int opt;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:H:h", options, NULL)) != -1) {
		switch (opt) {
		case 'H':
			history = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return MS_EXIT_OK;
		default:
			fprintf(stderr, "mmapsuite report: unknown option or missing value: %s\n",
				argv[optind - 1]);
			return MS_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "mmapsuite report: expected one results directory (see --help)\n");
		return MS_EXIT_USAGE;
	}
	const char *input = argv[optind];
	char err[1024];
	double start = ms_now();
	struct ms_run *run = ms_run_load_dir(input, err, sizeof(err));
	if (!run) {
		fprintf(stderr, "mmapsuite report: %s\n", err);
		return MS_EXIT_USAGE;
	}
	char *dir = NULL;
	if (out) {
		dir = xstrdup(out);
	} else {
		struct stat st;
		if (stat(input, &st) == 0 && !S_ISDIR(st.st_mode)) {
			const char *slash = strrchr(input, '/');
			dir = slash ? xasprintf("%.*s", (int)(slash - input), input) : xstrdup(".");
		} else {
			dir = xstrdup(input);
		}
	}
	int rc = ms_report_write(run, dir, err, sizeof(err));
	double took = ms_now() - start;
	char *index = xasprintf("%s/index.html", dir);
	struct stat st;
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
