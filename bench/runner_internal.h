/* Shared between the runner's files; not for cases. */
#ifndef MMAPSUITE_BENCH_RUNNER_INTERNAL_H
#define MMAPSUITE_BENCH_RUNNER_INTERNAL_H

#include "bench.h"
#include "case.h"

#include <jansson.h>

struct bench_profile {
	const char *name;
	double budget_s;       /* per variant, before the case's budget_scale */
	int min_reps, max_reps;
	double min_sample_s;   /* calibrated cases repeat run() until a sample lasts this */
};

/* One sample of a variant (value hook, or prepare / timed run() / finish): its value, or -1
 * when the operation failed; *t gets the seconds. */
double bench_one_sample(const struct bench_case *bc, struct bench_ctx *ctx, double *t);
/* Warm-up, discarded, calibrating iters: the last sample's seconds, -1 on failure. */
double bench_warm_up(const struct bench_case *bc, struct bench_ctx *ctx);

/* Removes the shared files of the current file system. */
void bench_files_release(void);

/* Free bytes of the file system holding dir (the runner plans within 90% of it). */
uint64_t bench_free_bytes(const char *dir);

/* Memory cgroup for beyond_memory (cgroup.c): created, entered, left and removed; also
 * removed by the signal path. */
int bench_cgroup_enter(uint64_t limit, char *reason, size_t len);
void bench_cgroup_leave(void);
/* Removes cgroups left by runs that died (SIGKILL). */
void bench_cgroup_reap(void);

#endif
