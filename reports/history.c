/* The history database: every run's metrics and conformance totals, so a metric can be
 * followed across kernels and days. SQLite in WAL mode with a busy timeout, each run written
 * in one transaction: two runs finishing at once both land, neither corrupts the file. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "model.h"
#include "report.h"
#include "util.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, time TEXT NOT NULL, place TEXT,"
	" kernel TEXT, cpu TEXT, results_dir TEXT, pass INTEGER, fail INTEGER, skip INTEGER,"
	" broken INTEGER);"
	"CREATE TABLE IF NOT EXISTS metrics (run_id TEXT NOT NULL REFERENCES runs(id)"
	" ON DELETE CASCADE, bench_case TEXT NOT NULL, params TEXT NOT NULL, metric TEXT NOT NULL,"
	" unit TEXT, higher_is_better INTEGER, median REAL, ci_low REAL, ci_high REAL,"
	" n INTEGER, noisy INTEGER);"
	"CREATE INDEX IF NOT EXISTS metrics_by_name ON metrics(metric, bench_case);"
	"PRAGMA user_version = 1;";

char *ms_history_default_path(void)
{
	const char *root = getenv("MMAPSUITE_OUT");
	return xasprintf("%s/history.sqlite", root && *root ? root : "reports/out");
}

sqlite3 *ms_history_open(const char *db_path, bool create, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	if (create) {
		char *dir = xstrdup(db_path);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = 0;
			ms_mkdir_p(dir, 0755);
		}
		free(dir);
	}
	if (sqlite3_open_v2(db_path, &db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", db_path, db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	char *msg = NULL;
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;", NULL, NULL,
			 &msg) != SQLITE_OK ||
	    (create && sqlite3_exec(db, schema, NULL, NULL, &msg) != SQLITE_OK)) {
		snprintf(err, errlen, "%s: %s (not an mmapsuite history database?)", db_path,
			 msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

static int insert_run(sqlite3 *db, const struct ms_run *run, const char *results_dir)
{
	struct ms_counts c;
	ms_count_outcomes(run, &c);
	char *kernel = ms_env_text(run, "kernel.release");
	char *cpu = ms_env_text(run, "cpu_model");
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &st,
				    NULL);
	if (rc == SQLITE_OK) {
		bind_text(st, 1, run->id);
		bind_text(st, 2, run->time);
		bind_text(st, 3, run->place);
		bind_text(st, 4, kernel);
		bind_text(st, 5, cpu);
		bind_text(st, 6, results_dir);
		for (int o = 0; o < 4; o++)
			sqlite3_bind_int64(st, 7 + o, (sqlite3_int64)c.n[o]);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	}
	sqlite3_finalize(st);
	free(kernel);
	free(cpu);
	return rc;
}

static int insert_metrics(sqlite3 *db, const struct ms_run *run)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "INSERT INTO metrics VALUES (?,?,?,?,?,?,?,?,?,?,?)", -1,
				    &st, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < run->n_benchmarks; i++) {
		const struct ms_benchmark *b = &run->benchmarks[i];
		char *params = ms_params_key(b, NULL);
		sqlite3_reset(st);
		bind_text(st, 1, run->id);
		bind_text(st, 2, b->bench_case);
		bind_text(st, 3, params);
		bind_text(st, 4, b->metric);
		bind_text(st, 5, b->unit);
		sqlite3_bind_int(st, 6, b->higher_is_better);
		sqlite3_bind_double(st, 7, b->median);
		sqlite3_bind_double(st, 8, b->ci_low);
		sqlite3_bind_double(st, 9, b->ci_high);
		sqlite3_bind_int64(st, 10, (sqlite3_int64)b->n_samples);
		sqlite3_bind_int(st, 11, b->noisy);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		free(params);
	}
	sqlite3_finalize(st);
	return rc;
}

int ms_history_record(const struct ms_run *run, const char *results_dir, const char *db_path,
		      char *err, size_t errlen)
{
	sqlite3 *db = ms_history_open(db_path, true, err, errlen);
	if (!db)
		return -1;
	/* BEGIN IMMEDIATE takes the write lock up front, so a concurrent writer waits (busy
	 * timeout) instead of failing half-way. */
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	sqlite3_stmt *del = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "DELETE FROM runs WHERE id = ?", -1, &del, NULL);
	if (rc == SQLITE_OK) {
		bind_text(del, 1, run->id);
		rc = sqlite3_step(del) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	}
	sqlite3_finalize(del);
	if (rc == SQLITE_OK)
		rc = insert_run(db, run, results_dir);
	if (rc == SQLITE_OK)
		rc = insert_metrics(db, run);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: recording run %s failed: %s", db_path, run->id,
			 sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}
