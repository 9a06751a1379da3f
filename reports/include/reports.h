/* What the rest of mmapsuite uses of reports/: the renderer the harness calls after a run.
 * The subcommands (report, compare, history) are declared in commands.h. */
#ifndef MMAPSUITE_REPORTS_H
#define MMAPSUITE_REPORTS_H

#include "results.h"

/* Renders every report of the run into run_dir and records it in the history database
 * beside the run directories (<results root>/history.sqlite). Returns 0, or 1 with a
 * warning printed (the harness's ms_harness_renderer). */
int ms_render_run(const struct ms_run *run, const char *run_dir, const char *history);

#endif
