/* Rendering of a results directory, from results.json alone. */
#ifndef MMAPSUITE_REPORT_H
#define MMAPSUITE_REPORT_H

#include <stddef.h>
#include "results.h"

/* Writes into dir: junit.xml, ktap.txt, summary.md, index.html, plots/. Returns 0, or -1 with
 * a reason in err. */
int ms_report_write(const struct ms_run *run, const char *dir, char *err, size_t errlen);

/* Records the run in the history database (created if missing; WAL, one transaction, so
 * concurrent runs never corrupt it; recording the same run id again replaces it).
 * results_dir is stored so `history` can point back at the run. Returns 0, or -1 with a
 * reason naming the database in err. */
int ms_history_record(const struct ms_run *run, const char *results_dir, const char *db_path,
		      char *err, size_t errlen);

/* The default database: $MMAPSUITE_OUT/history.sqlite, else reports/out/history.sqlite.
 * Caller frees. */
char *ms_history_default_path(void);

#endif
