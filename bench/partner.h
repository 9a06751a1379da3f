/* Paired sampling (bench/partner.c): a variant measured in alternation with its declared
 * partner, one ratio per pair (lib/paired.h). Private to bench/. */
#ifndef MMAPSUITE_BENCH_PARTNER_H
#define MMAPSUITE_BENCH_PARTNER_H

#include "case.h"
#include "perf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The partner declared for variant i of a paired case's plan, fixed before anything is
 * measured: a mapping variant is paired with the system-call variant of the same conditions
 * (size, workers, cache, NUMA, durability) that has its advice and block size, else advice
 * "none" and the largest block size; the plan's first system-call variant that is some
 * mapping variant's partner is paired with itself (the A/A control). -1: not paired. */
int bench_partner_of(const struct bench_variant *vs, int n, int i);

/* Variant j of the plan is recorded from the samples it gave as a partner (the first
 * mapping variant paired with it), not measured on its own a second time: it is some mapping
 * variant's partner and not the plan's A/A control (whose own record is its A side). */
bool bench_partner_recorded_in_pairs(const struct bench_variant *vs, int n, int j);

/* The shared budget of the run's paired comparisons: each may sample for its own budget
 * (base) and half of what the comparisons before it left unspent (surplus), at most
 * PAIR_EXTRA_MAX budgets more than its own, so comparisons that are tight early give their
 * time to those that are not, and what none can use is saved. */
#define PAIR_EXTRA_MAX 3.0
double bench_pair_allowance(double base, double surplus);

/* Whether a comparison whose interval is still wider than target goes on past its own budget
 * (base) after n pairs in spent seconds, at most max pairs and allowance seconds: only while
 * the pairs it needs, projected from its half-width hw (width ~ t / sqrt(pairs)), fit in both,
 * for the target or, above 2.5 times it, for 2.5 times it (what the tail of a run is judged
 * by). A comparison that cannot get there leaves the time to others. */
bool bench_pair_goes_on(double spent, double base, double allowance, size_t n, size_t max,
			double hw, double target);

struct bench_partner {
	const struct bench_case *bc;
	struct bench_variant v;
	struct bench_ctx c;      /* its own state: nothing is shared with the variant's */
	double *values;          /* the partner's sample of pair i */
	double *ratios;          /* variant / partner, pair i */
	struct ms_perf_total totals[MS_PERF_MAX]; /* counters over the partner's samples */
	bool on, control;
	bool set_up;             /* setup succeeded: teardown is owed */
	char reason[256];        /* why pairing stopped or never started */
};

/* Sets up and warms up a second instance of v (the partner) beside ctx's variant. */
void bench_partner_start(struct bench_partner *p, const struct bench_case *bc,
			 const struct bench_variant *v, const struct bench_ctx *ctx, size_t max,
			 bool control);
/* The partner's sample of pair i, its counters added to totals; false (and pairing off) when it failed. */
bool bench_partner_sample(struct bench_partner *p, size_t i);
/* Pair i's ratio once both sides have their sample. */
void bench_partner_pair(struct bench_partner *p, size_t i, double value);
/* Relative 95% half-width of the ratio over the first n pairs (infinite below two). */
double bench_partner_half_width(const struct bench_partner *p, size_t n);
/* results.json's "paired" object for n pairs, the variant's own samples beside. */
json_t *bench_partner_json(const struct bench_partner *p, const double *samples, size_t n,
			   double target);
void bench_partner_stop(struct bench_partner *p);

#endif
