/* The history database: every run's metrics and conformance totals, so a metric can be
 * followed across kernels and days. SQLite in WAL mode with a busy timeout, each run written
 * in one transaction: two runs finishing at once both land, neither corrupts the file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "results_dir.h"
#include "trusted_env.h"
#include "history.h"
#include "model.h"
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
	/* Where `run` records: the same results root its run directories go to. */
	return ms_asprintf("%s/history.sqlite", ms_default_out_root());
}

const char *ms_history_problem(sqlite3 *db, int rc, char *buf, size_t len)
{
	int sys = sqlite3_system_errno(db);
	switch (rc & 0xff) {
	case SQLITE_CORRUPT:
		snprintf(buf, len, "the database is damaged (%s); move it aside, and the next run "
			 "starts a new one", sqlite3_errmsg(db));
		break;
	case SQLITE_NOTADB:
		snprintf(buf, len, "not an SQLite database, so not an mmapsuite history database");
		break;
	case SQLITE_FULL:
		snprintf(buf, len, "disk full: the file system holding it has no space left");
		break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		if (sys == ENOSPC || sys == EDQUOT)
			snprintf(buf, len, "disk full: %s", strerror(sys));
		else if (sys)
			snprintf(buf, len, "%s: %s", sqlite3_errmsg(db), strerror(sys));
		else
			snprintf(buf, len, "%s", sqlite3_errmsg(db));
		break;
	default:
		snprintf(buf, len, "%s", sqlite3_errmsg(db));
	}
	return buf;
}

/* PRAGMA integrity_check: NULL when the file is sound, else why it is not (in buf). */
static const char *damage(sqlite3 *db, int *rc_out, char *buf, size_t len)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(3)", -1, &st, NULL);
	const char *bad = NULL;
	size_t used = 0;
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *row = (const char *)sqlite3_column_text(st, 0);
		if (row && strcmp(row, "ok") != 0) {
			if (!used)
				used = (size_t)snprintf(buf, len, "the database is damaged (PRAGMA "
						"integrity_check: %s", row);
			else if (used < len)
				used += (size_t)snprintf(buf + used, len - used, "; %s", row);
			bad = buf;
		}
		rc = SQLITE_OK;
	}
	*rc_out = rc == SQLITE_DONE ? SQLITE_OK : rc;
	if (rc != SQLITE_OK && rc != SQLITE_DONE) {
		ms_history_problem(db, rc, buf, len);
		bad = buf;
	} else if (bad && used < len) {
		snprintf(buf + used, len - used, "); move it aside, and the next run starts a new one");
	}
	/* One line: SQLite's report is several ("*** in database main ***\nPage 4: ..."). */
	const char *head = "*** in database main ***\n";
	char *h = bad ? strstr(buf, head) : NULL;
	if (h)
		memmove(h, h + strlen(head), strlen(h + strlen(head)) + 1);
	for (char *c = bad ? strchr(buf, '\n') : NULL; c; c = strchr(c, '\n')) {
		if (strlen(buf) + 2 >= len) {
			*c = ';';
			continue;
		}
		memmove(c + 1, c, strlen(c) + 1);
		c[0] = ';', c[1] = ' ';
	}
	sqlite3_finalize(st);
	return bad;
}

/* WAL mode, the integrity check, and the tables when creating: NULL when the file is ready,
 * else why not (in buf), with SQLite's code in *rc. */
static const char *setup(sqlite3 *db, bool create, int *rc, char *buf, size_t len)
{
	/* A damaged file must say so before any query reads it as "no such run" or "no such
	 * metric"; the check reads every page, which a history of a few thousand runs allows. */
	*rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;", NULL, NULL, NULL);
	if (*rc != SQLITE_OK)
		return ms_history_problem(db, *rc, buf, len);
	const char *bad = damage(db, rc, buf, len);
	if (bad || !create)
		return bad;
	/* BEGIN IMMEDIATE waits for a concurrent creator through the busy timeout. */
	*rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (*rc == SQLITE_OK)
		*rc = sqlite3_exec(db, schema, NULL, NULL, NULL);
	if (*rc == SQLITE_OK)
		*rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (*rc == SQLITE_OK)
		return NULL;
	bad = ms_history_problem(db, *rc, buf, len);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return bad;
}

int ms_history_check_dir(const char *db_path, bool create, char *safe, size_t safelen,
			 char *err, size_t errlen)
{
	char dir[PATH_MAX], leaf[PATH_MAX], real[PATH_MAX], why[PATH_MAX + 256];
	snprintf(dir, sizeof(dir), "%s", db_path);
	char *slash = strrchr(dir, '/');
	snprintf(leaf, sizeof(leaf), "%s", slash ? slash + 1 : db_path);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	if (!leaf[0]) {
		snprintf(err, errlen, "%s: names a directory, not a database file", db_path);
		return -1;
	}
	if (create && access(dir, F_OK) != 0 && ms_mkdir_p(dir, 0755) != 0) {
		snprintf(err, errlen, "%s: cannot create its directory: %s", db_path, strerror(errno));
		return -1;
	}
	/* SQLite opens the -wal, -shm and -journal files beside the database by name: only a
	 * directory no other user can write keeps a link planted there from redirecting them. */
	int fd = realpath(dir, real) ? open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (fd < 0) {
		snprintf(err, errlen, "%s: its directory %s: %s", db_path, dir, strerror(errno));
		return -1;
	}
	bool private_dir = ms_dir_fd_is_private(fd, real, why, sizeof(why));
	close(fd);
	if (private_dir && geteuid() == 0)
		private_dir = ms_path_is_trusted(real, why, sizeof(why));
	if (!private_dir) {
		snprintf(err, errlen, "%s: refused: %s, and SQLite opens the database's -wal, -shm "
			 "and -journal files there by name; keep the history database in a directory "
			 "only its owner can write", db_path, why);
		return -1;
	}
	struct stat st;
	if (lstat(db_path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: refused: not a regular file%s", db_path,
			 S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
		return -1;
	}
	if ((size_t)snprintf(safe, safelen, "%s%s%s", real, strcmp(real, "/") ? "/" : "", leaf) >=
	    safelen) {
		snprintf(err, errlen, "%s: the path is too long", db_path);
		return -1;
	}
	return 0;
}

sqlite3 *ms_history_open(const char *db_path, bool create, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	/* The directory resolved and checked, the file itself never through a link. */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | (create ? SQLITE_OPEN_CREATE : 0);
	char safe[PATH_MAX];
	if (ms_history_check_dir(db_path, create, safe, sizeof(safe), err, errlen) != 0)
		return NULL;
	char why[768];
	int rc = sqlite3_open_v2(safe, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", db_path,
			 db ? ms_history_problem(db, rc, why, sizeof(why)) : "cannot open");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, 10000);
	/* The busy timeout does not cover every lock SQLite meets while a second process creates
	 * the same file or switches it to WAL (it answers SQLITE_BUSY at once rather than risk a
	 * deadlock), so the whole setup is retried while it is only busy, for up to 10 s. */
	const char *bad = NULL;
	for (int tries = 0;; tries++) {
		bad = setup(db, create, &rc, why, sizeof(why));
		if (!bad || (rc & 0xff) != SQLITE_BUSY || tries >= 200)
			break;
		sqlite3_sleep(50);
	}
	if (bad) {
		snprintf(err, errlen, "%s: %s", db_path, bad);
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
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
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
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
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
		rc = sqlite3_step(del);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(del);
	if (rc == SQLITE_OK)
		rc = insert_run(db, run, results_dir);
	if (rc == SQLITE_OK)
		rc = insert_metrics(db, run);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		char why[768];
		snprintf(err, errlen, "%s: recording run %s failed: %s", db_path, run->id,
			 ms_history_problem(db, rc, why, sizeof(why)));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}
