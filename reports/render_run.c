/* ms_render_run(): the reports of a finished run and its row in the history database. */
#include "reports.h"
#include "history.h"
#include "report.h"
#include "util.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* Renders every report of the run and records it in the history database: history, else the
 * one beside the run directories (<results root>/history.sqlite). */
int ms_render_run(const struct ms_run *run, const char *run_dir, const char *history)
{
	char err[512];
	int rc = 0;
	if (ms_report_write(run, run_dir, err, sizeof(err)) != 0) {
		ms_warn("recording the run failed: rendering the report in %s: %s", run_dir, err);
		rc = 1;
	}
	char root[PATH_MAX];
	snprintf(root, sizeof(root), "%s", run_dir);
	char *db = history ? ms_strdup(history) : ms_asprintf("%s/history.sqlite", dirname(root));
	if (ms_history_record(run, run_dir, db, err, sizeof(err)) != 0) {
		ms_warn("recording the run failed: the history database: %s", err);
		rc = 1;
	}
	free(db);
	return rc;
}
