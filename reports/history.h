/* Inside the history: opening the database (report.h has the recording entry point). */
#ifndef MMAPSUITE_REPORTS_HISTORY_H
#define MMAPSUITE_REPORTS_HISTORY_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

/* WAL, foreign keys, 10 s busy timeout; with create, the schema too. NULL and a reason. */
sqlite3 *ms_history_open(const char *db_path, bool create, char *err, size_t errlen);

#endif
