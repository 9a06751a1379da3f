/* The results model: one run = id, time, environment, conformance results and
 * benchmark results. results.json is the single source of truth; every report is rendered
 * from it. Read and written with jansson; the schema is documented in docs/results-schema.md. */
#ifndef MMAPSUITE_RESULTS_H
#define MMAPSUITE_RESULTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define MS_SCHEMA_NAME "mmapsuite-results"
/* Version 2 added the outcomes xfail and xpass and a result's "expectation"; version 1 files
 * are still read (they hold neither). Version 4: a broken test is outcome "broken" with its
 * message as it is; before, its message began MS_LEGACY_BROKEN_PREFIX and it could be stored as
 * "fail", and such results are read as broken, the prefix taken off. */
#define MS_SCHEMA_VERSION 4
#define MS_LEGACY_BROKEN_PREFIX "BROKEN: "

/* xfail: a failure an expectation file names (a known deviation); xpass: a pass where the
 * expectation file says the test fails. Appended, so version 1 indices keep their meaning. */
enum ms_outcome { MS_PASS, MS_FAIL, MS_SKIP, MS_BROKEN, MS_XFAIL, MS_XPASS };
#define MS_N_OUTCOMES 6

struct ms_conformance {
	char *suite;          /* syscall or feature, e.g. "mmap_shared" */
	char *test;           /* condition_outcome, e.g. "store_reaches_file" */
	char *ids;            /* checklist ids, space separated: "b1 b3" */
	char *spec;           /* "POSIX" or "LINUX" */
	char *fs;             /* file system under test label: "tmpfs", "ext4", "dir:/mnt/x" */
	char *place;          /* "host", "guest:<kernel>", "board:<name>" */
	enum ms_outcome outcome;
	char *message;        /* failure message, skip reason, or NULL */
	double duration_s;
	/* For xfail and xpass: the expectation line that matched (else all NULL / 0). */
	char *expect_reason;  /* its reason="..." */
	char *expect_file;    /* the expectation file as given */
	int expect_line;      /* its line number */
	char *kernel_log;     /* kernel log lines of a splat or new taint during the test, or NULL */
	/* The name ("suite/test") the result was recorded under, when it was read from a run made
	 * before the test was renamed or split (lib/renames.def); else NULL. */
	char *renamed_from;
};

struct ms_benchmark {
	char *bench_case;     /* "seq_read" */
	json_t *params;       /* object: fs, size, block_size, pattern, threads, cache, method... */
	char *metric;         /* "throughput" */
	char *unit;           /* "MB/s", "ns/page" ... */
	bool higher_is_better;
	double *samples;
	size_t n_samples;
	double median, ci_low, ci_high; /* 95% interval of the median */
	bool noisy;           /* interval half-width stayed above the target */
	bool drifting;        /* samples trend (early against late) even after a longer warm-up */
	json_t *counters;     /* object: event -> {per_op, per_byte} or {"unavailable": reason} */
	char *place;
	/* Schema 3: the variant was sampled in pairs with a partner (a system-call variant, or
	 * itself for an A/A control): the partner's samples, the per-pair ratios and their
	 * estimate (bench/partner.c). NULL when it was not, and in older files. */
	json_t *paired;
	/* The row of the report's overview the result feeds, as its case declared it when it
	 * ran ("none", "memory", "performance", "syncing", "sharing": bench/include/
	 * overview_role.h). NULL in files written before it was recorded. */
	char *overview;
};

struct ms_run {
	char *id;
	char *time;           /* UTC ISO 8601 */
	char *place;
	json_t *environment;  /* object, see env.h */
	struct ms_conformance *conformance;
	size_t n_conformance, cap_conformance;
	struct ms_benchmark *benchmarks;
	size_t n_benchmarks, cap_benchmarks;
	json_t *extra;        /* object: sections other commands add (selftest, fidelity...) */
};

const char *ms_outcome_name(enum ms_outcome o);
/* Returns -1 for an unknown name. */
int ms_outcome_parse(const char *name);

/* A new run with a fresh id ("20261126T075553Z-<host>-<pid>") and the current time. */
struct ms_run *ms_run_new(const char *place);
void ms_run_free(struct ms_run *run);

/* Append copies of *r (strings duplicated, json references taken). */
void ms_run_add_conformance(struct ms_run *run, const struct ms_conformance *r);
void ms_run_add_benchmark(struct ms_run *run, const struct ms_benchmark *b);

json_t *ms_run_to_json(const struct ms_run *run);
/* Validates everything; on error returns NULL and writes a one-line reason into err. A result
 * recorded under a name lib/renames.def maps to today's names is read under those (one result
 * per name when the test was split, each with the old outcome), renamed_from set. */
struct ms_run *ms_run_from_json(json_t *root, char *err, size_t errlen);

/* Atomic write (temporary file + rename). Returns 0 or -1 with errno. */
int ms_run_save(const struct ms_run *run, const char *path);
/* Returns NULL and a reason naming the file and the problem ("results.json: not a results
 * file", "...: schema version 7 is newer than this mmapsuite (1)"). */
struct ms_run *ms_run_load(const char *path, char *err, size_t errlen);

/* Loads DIR/results.json, or the file itself when given a file. */
struct ms_run *ms_run_load_dir(const char *dir_or_file, char *err, size_t errlen);

#endif
