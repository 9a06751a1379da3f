/* `mmapsuite selftest`: the runner's parts. selftest_runs.c runs mmapsuite-conform cleanly and
 * under each faulty library; cmd_selftest.c judges the runs and builds, per file system, one
 * JSON report object; selftest_report.c prints it and writes selftest.md. */
#ifndef MMAPSUITE_SELFTEST_H
#define MMAPSUITE_SELFTEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

struct selftest_fault {
	const char *name;
	const char *group;       /* the checklist group whose kind of bug it imitates */
	const char *description;
};

extern const struct selftest_fault selftest_faults[];
extern const int selftest_n_faults;

#define SELFTEST_GROUPS "abcdefghijk"

/* How each run of mmapsuite-conform goes (cmd_selftest.c's options). */
struct selftest_opts {
	int jobs;              /* Criterion --jobs of each run */
	int side_by_side;      /* runs at once, for the tests that may run beside another run */
	const char *filter;    /* Criterion --filter, NULL for every test */
	double run_limit_s;    /* each part of a run is stopped after this */
};

/* One run of the suite: cleanly, under the placebo, or under one faulty library. */
struct selftest_run {
	const char *name;      /* "clean", "placebo" or the library's name: names its files */
	char *lib;             /* the library to preload; NULL for the clean run */
	json_t *results;       /* "suite/test" -> the test's result line */
	double wall_s;         /* the run's parts together */
	bool timed_out;        /* a part of it was stopped at run_limit_s */
};

/* What selftest_run_all() measured, for the report. */
struct selftest_timing {
	int alone_tests;       /* tests of the suite that run only while no other run does */
	double beside_s;       /* the phase of runs side by side */
	double alone_s;        /* the phase of the runs' tests that run alone */
	double beside_cpu_s;   /* CPU time (user + system) of the runs in each phase: beside a */
	double alone_cpu_s;    /* wall time it tells starved runs from dearer ones */
};

/* Runs every one of runs[0..n) (selftest_runs.c) in fresh directories below fs_path, its
 * results and logs in work, and fills each run's results, wall_s and timed_out. */
void selftest_run_all(const struct selftest_opts *o, struct selftest_run *runs, int n,
		      const char *fs_path, const char *work, struct selftest_timing *timing);

/* One file system's report (the shape is documented in selftest_report.c). */
void selftest_print(const json_t *report, FILE *out);
/* Writes DIR/selftest.md from every file system's report. Returns 0 or -1 with errno. */
int selftest_write_markdown(const json_t *reports, const char *dir);

#endif
