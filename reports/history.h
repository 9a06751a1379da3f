/* Inside the history: opening the database (report.h has the recording entry point). */
#ifndef MMAPSUITE_REPORTS_HISTORY_H
#define MMAPSUITE_REPORTS_HISTORY_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

/* WAL, foreign keys, 10 s busy timeout; with create, the schema too. NULL and a reason. */
sqlite3 *ms_history_open(const char *db_path, bool create, char *err, size_t errlen);

/* Why an SQLite call on db failed with rc, in words a user can act on: damaged, not a
 * database, disk full (SQLITE_FULL, or an I/O error with ENOSPC), or SQLite's message. */
const char *ms_history_problem(sqlite3 *db, int rc, char *buf, size_t len);

#endif
