#include "read_ceiling.h"
#include "runner_internal.h"

#include "stats.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The read ceiling for size bytes of data mapped by base pages or PMDs: the one measured
 * with that page size and a buffer of that size; else the best with any buffer at least that
 * large (a larger working set should not be a stricter limit for a smaller one, though on this
 * machine 1 MiB sums read 83 GB/s where 4 MiB ones read 95), or with the largest buffer if
 * none is; the other page size's where this one was never measured (no THP); -1 before any. */
int bench_ceiling_for(const struct bench_ceilings *c, uint64_t size, bool pmd)
{
	int best = -1, largest = -1;

	for (int i = 0; i < c->n; i++)
		if (c->at[i].size == size && c->at[i].pmd == pmd)
			return i;
	for (int pass = 0; pass < 2 && best < 0 && largest < 0; pass++) {
		for (int i = 0; i < c->n; i++) {
			if (!pass && c->at[i].pmd != pmd)
				continue;
			if (c->at[i].size >= size &&
			    (best < 0 || c->at[i].mbs > c->at[best].mbs))
				best = i;
			if (largest < 0 || c->at[i].size > c->at[largest].size)
				largest = i;
		}
	}
	return best >= 0 ? best : largest;
}

/* Keeps, per buffer size and page size, the best read bandwidth measured. */
void bench_ceiling_record(struct bench_ceilings *c, uint64_t size, bool pmd, double mbs)
{
	for (int i = 0; i < c->n; i++)
		if (c->at[i].size == size && c->at[i].pmd == pmd) {
			if (mbs > c->at[i].mbs)
				c->at[i].mbs = mbs;
			return;
		}
	if (c->n < (int)(sizeof(c->at) / sizeof(c->at[0]))) {
		c->at[c->n].size = size;
		c->at[c->n].pmd = pmd;
		c->at[c->n++].mbs = mbs;
	}
}

json_t *bench_ceilings_json(const struct bench_ceilings *c)
{
	json_t *a = json_array();

	for (int i = 0; i < c->n; i++)
		json_array_append_new(a, json_pack("{s:I, s:s, s:f}", "size",
			(json_int_t)c->at[i].size, "pages", c->at[i].pmd ? "pmd" : "base",
			"read_MBps", c->at[i].mbs));
	return a;
}

void bench_companion_start(struct bench_companion *k, struct bench_run *run, uint64_t size,
			   bool pmd, size_t max)
{
	memset(k, 0, sizeof(*k));
	k->v = (struct bench_variant){ .method = "read", .size = size, .threads = 1,
				       .hint = pmd ? "MADV_HUGEPAGE" : "none" };
	k->c = (struct bench_ctx){ .v = &k->v, .iters = 1, .params = json_object(), .run = run };
	k->c.priv = ms_calloc(1, bench_case_ceiling.state_size);
	if (bench_case_ceiling.setup(&k->c) != 0) {
		json_decref(k->c.params);
		free(k->c.priv);
		k->c.priv = NULL;
		return;
	}
	/* The buffer must have the variant's page size; samples as long as the variant's. */
	k->on = k->c.pmd_mapped == pmd && bench_warm_up(&bench_case_ceiling, &k->c) >= 0;
	k->mbs = ms_calloc(max, sizeof(double));
}

void bench_companion_sample(struct bench_companion *k, size_t i)
{
	double t, mbs = k->on ? bench_one_sample(&bench_case_ceiling, &k->c, &t) : -1;

	k->on = mbs > 0;
	k->mbs[i] = k->on ? mbs : 0;
}

void bench_companion_stop(struct bench_companion *k)
{
	if (!k->c.priv)
		return;
	bench_case_ceiling.teardown(&k->c);
	json_decref(k->c.params);
	free(k->c.priv);
	free(k->mbs);
	memset(k, 0, sizeof(*k));
}

/* A single-worker throughput as a fraction of the read ceiling: per sample against the
 * ceiling sample taken in step with it, else against the run's best ceiling so far. */
void bench_ceiling_fraction(struct bench_run *run, const struct bench_case *bc,
			    const struct bench_ctx *ctx, json_t *params, const double *samples,
			    size_t n, const struct bench_companion *ceiling, double in_step,
			    bool drifting)
{
	const struct bench_variant *v = ctx->v;
	int ci = bench_ceiling_for(&run->ceilings, v->size, ctx->pmd_mapped);

	/* The ceiling is one core's: several workers may legitimately exceed it, so only
	 * single-worker throughputs get a fraction. */
	if (bc->metric != BENCH_THROUGHPUT || ci < 0 || bc == &bench_case_ceiling ||
	    v->threads > 1 || bc->no_ceiling)
		return;
	double *frac = ms_calloc(n, sizeof(double));
	double limit = in_step > 0 ? in_step : run->ceilings.at[ci].mbs;
	uint64_t limit_size = in_step > 0 ? v->size : run->ceilings.at[ci].size;
	bool limit_pmd = in_step > 0 ? ctx->pmd_mapped : run->ceilings.at[ci].pmd;

	for (size_t i = 0; i < n; i++)
		frac[i] = samples[i] / (in_step > 0 ? ceiling->mbs[i] : limit);
	json_t *fp = json_deep_copy(params);

	/* The fraction is the throughput over a constant: drawn as one summary per method;
	 * the time series is the throughput's. */
	json_object_del(fp, "sample_times_s");
	json_object_set_new(fp, "ceiling_read_MBps", json_real(limit));
	json_object_set_new(fp, "ceiling_size", json_integer((json_int_t)limit_size));
	json_object_set_new(fp, "ceiling_pages", json_string(limit_pmd ? "pmd" : "base"));
	json_object_set_new(fp, "ceiling_measured", json_string(in_step > 0 ?
			    "in step: one sample after each of this variant's" :
			    "best of the run so far"));
	bench_add_result(run, bc, "fraction_of_read_ceiling", "ratio", true, fp, frac, n, json_object(),
		   drifting, NULL);
	fprintf(stderr, " (%.3g of ceiling)", ms_median(frac, n));
	free(frac);
}
