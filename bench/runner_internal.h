/* Shared between the runner's files; not for cases. */
#ifndef MMAPSUITE_BENCH_RUNNER_INTERNAL_H
#define MMAPSUITE_BENCH_RUNNER_INTERNAL_H

#include "bench.h"
#include "break_even.h"
#include "case.h"
#include "perf.h"
#include "read_ceiling.h"

#include <jansson.h>

struct bench_profile {
	const char *name;
	double budget_s;       /* per variant, before the case's budget_scale */
	int min_reps, max_reps;
	double min_sample_s;   /* calibrated cases repeat run() until a sample lasts this */
};

#define MAX_CPUS 256
/* A variant stops sampling once its median's 95% interval is within this fraction of it. */
#define HALFWIDTH_TARGET 0.02

/* The scratch files of the file system being measured (files.c): read-only files shared by
 * the cases on one directory and size, and the serial that names each private file. */
struct bench_shared_file {
	char path[4200];
	uint64_t size;
};
struct bench_files {
	struct bench_shared_file shared[32];
	int n_shared;
	unsigned serial;
};

/* The state of one ms_bench_execute call: made and freed by it, passed to each function that
 * needs it; a variant's functions and its case reach it through ctx->run. */
struct bench_run {
	struct ms_harness *h;
	const struct bench_profile *profile;
	struct ms_perf_group perf;
	char event_keys[MS_PERF_MAX][56]; /* results' names: "cycles", "cycles#2" */
	int placement[MAX_CPUS];          /* PU os index of worker i (mod n_placement) */
	int n_placement;
	uint64_t max_size;                /* --max-size, 0 for none */
	struct bench_ceilings ceilings;
	struct bench_break_even break_even;
	json_t *skipped;                  /* results.json bench.skipped */
	json_t *dropped;                  /* bench.dropped_points */
	struct bench_files files;
	double pair_surplus;              /* paired sampling time left unspent so far (s) */
};

/* Adds one result of a variant to the run's results (ms_run_add_benchmark), summarised from
 * its samples; paired is released. */
void bench_add_result(struct bench_run *run, const struct bench_case *bc, const char *metric,
		      const char *unit, bool higher, json_t *params, double *samples, size_t n,
		      json_t *counters, bool drifting, json_t *paired);

/* One sample of a variant (value hook, or prepare / timed run() / finish): its value, or -1
 * when the operation failed; *t gets the seconds. */
double bench_one_sample(const struct bench_case *bc, struct bench_ctx *ctx, double *t);
/* Warm-up, discarded, calibrating iters: the last sample's seconds, -1 on failure. */
double bench_warm_up(const struct bench_case *bc, struct bench_ctx *ctx);

/* Removes the shared files of the current file system. */
void bench_files_release(struct bench_files *files);

/* Free bytes of the file system holding dir (the runner plans within 90% of it). */
uint64_t bench_free_bytes(const char *dir);

/* Memory cgroup for beyond_memory (cgroup.c): created, entered, left and removed; also
 * removed by the signal path. */
int bench_cgroup_enter(uint64_t limit, char *reason, size_t len);
void bench_cgroup_leave(void);
/* Removes cgroups left by runs that died (SIGKILL). */
void bench_cgroup_reap(void);

#endif
