/* Read ceilings: how fast one pinned core reads memory, per buffer size and page size, so
 * that a single-worker throughput can be given as a fraction of what the machine could do
 * (results' fraction_of_read_ceiling). Measured by the ceiling case, and in step with a
 * variant that asks for it (ctx->ceiling_in_step). */
#ifndef MMAPSUITE_BENCH_READ_CEILING_H
#define MMAPSUITE_BENCH_READ_CEILING_H

#include "case.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_run;

/* Read ceilings by buffer size and page size: a throughput is compared with the ceiling of
 * the same working-set size, so data that fits a cache is held to the cache's limit and data
 * that does not to memory's, and of the page size its data is mapped with (bench_note_pages),
 * since base pages reach fewer bytes per TLB entry. */
struct bench_ceilings {
	struct { uint64_t size; bool pmd; double mbs; } at[64];
	int n;
};

/* Index into c->at of the ceiling that holds size bytes mapped by PMDs or base pages, -1
 * before any was measured. */
int bench_ceiling_for(const struct bench_ceilings *c, uint64_t size, bool pmd);
/* Keeps, per buffer size and page size, the best read bandwidth measured (MB/s). */
void bench_ceiling_record(struct bench_ceilings *c, uint64_t size, bool pmd, double mbs);
/* results.json's bench.read_ceilings. */
json_t *bench_ceilings_json(const struct bench_ceilings *c);

/* The read ceiling measured in step with a variant that is held to it (ctx.ceiling_in_step:
 * a kept mapping read end to end): one ceiling sample, the same sum over an anonymous buffer
 * of the same size and page size, after each of the variant's samples, and the variant's
 * fraction is the median of the per-sample ratios. This machine's memory bandwidth moves
 * within a run and within seconds: one run's 4 MiB ceiling read 50 GB/s at its start where the
 * kept mapping read 93 a minute later, and ceilings taken one after the other beside two
 * 128 MiB variants read 36 and 32 GB/s. A ceiling from another minute, even the run's best,
 * is not the ceiling of the minute the variant was measured in. */
struct bench_companion {
	struct bench_variant v;
	struct bench_ctx c;
	double *mbs;      /* one ceiling sample per variant sample */
	bool on;
};

/* Sets up and warms up the ceiling case for size bytes with the variant's page size, room
 * for max samples; k->on false when it cannot (the variant then gets no in-step ceiling). */
void bench_companion_start(struct bench_companion *k, struct bench_run *run, uint64_t size,
			   bool pmd, size_t max);
/* Ceiling sample i, taken right after the variant's sample i. */
void bench_companion_sample(struct bench_companion *k, size_t i);
void bench_companion_stop(struct bench_companion *k);

/* Records a single-worker throughput's fraction of the read ceiling (another result of the
 * variant, with params): per sample against the ceiling sample taken in step with it when
 * in_step > 0 (the median of k's samples), else against the run's best ceiling so far. */
void bench_ceiling_fraction(struct bench_run *run, const struct bench_case *bc,
			    const struct bench_ctx *ctx, json_t *params, const double *samples,
			    size_t n, const struct bench_companion *k, double in_step,
			    bool drifting);

#endif
