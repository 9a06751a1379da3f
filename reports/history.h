/* The history database (history.c): recording a run, and opening the database for reading. */
#ifndef MMAPSUITE_REPORTS_HISTORY_H
#define MMAPSUITE_REPORTS_HISTORY_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "results.h"

/* Records the run in the history database (created if missing; WAL, one transaction, so
 * concurrent runs never corrupt it; recording the same run id again replaces it).
 * results_dir is stored so `history` can point back at the run. Returns 0, or -1 with a
 * reason naming the database in err. */
int ms_history_record(const struct ms_run *run, const char *results_dir, const char *db_path,
		      char *err, size_t errlen);

/* The default database: $MMAPSUITE_OUT/history.sqlite, else reports/out/history.sqlite.
 * Caller frees. */
char *ms_history_default_path(void);

/* The check every open makes first: the database's directory (created when create is true and
 * it is missing) is owned by root or this user and writable by no one else, for root also
 * reached only through directories others cannot change, and the database, if present, is a
 * regular file, not a link. On success safe holds the path to open (the directory resolved);
 * else -1 and err names the database and what is wrong. */
int ms_history_check_dir(const char *db_path, bool create, char *safe, size_t safelen,
			 char *err, size_t errlen);

/* WAL, foreign keys, 10 s busy timeout; with create, the schema too. NULL and a reason. */
sqlite3 *ms_history_open(const char *db_path, bool create, char *err, size_t errlen);

/* Why an SQLite call on db failed with rc, in words a user can act on: damaged, not a
 * database, disk full (SQLITE_FULL, or an I/O error with ENOSPC), or SQLite's message. */
const char *ms_history_problem(sqlite3 *db, int rc, char *buf, size_t len);

#endif
