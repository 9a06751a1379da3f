/* Paired sampling: a variant and its declared partner sampled in alternation, the partner
 * first in every other pair (A B, B A, ...), so drift common to both cancels within two
 * pairs; each side keeps its own state (setup, prepare and finish hooks of its own context),
 * so whatever a sample declares (page cache emptied, THP, a fresh or kept mapping) is set
 * up again before it and nothing of the other side's carries over. */
#include "partner.h"

#include "paired.h"
#include "runner_internal.h"
#include "stats.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_OTHER, K_MAP, K_SYS };

static enum kind kind_of(const char *method)
{
	size_t n = strcspn(method, "_");

	if (n == 4 && !strncmp(method, "mmap", 4))
		return K_MAP;
	static const char *const sys[] = { "read", "pread", "readv", "preadv", "pipe", "write",
					   "pwrite", "writev", "pwritev" };
	for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
		if (strlen(sys[i]) == n && !strncmp(method, sys[i], n))
			return K_SYS;
	return K_OTHER;
}

static bool durable(const char *method)
{
	return strstr(method, "sync") != NULL;
}

/* MADV_SEQUENTIAL and POSIX_FADV_SEQUENTIAL give the same advice. */
static const char *advice(const char *hint)
{
	static const char *const prefixes[] = { "POSIX_FADV_", "MADV_" };

	for (size_t i = 0; i < 2; i++)
		if (!strncmp(hint, prefixes[i], strlen(prefixes[i])))
			return hint + strlen(prefixes[i]);
	return hint;
}

static bool same_string(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_conditions(const struct bench_variant *a, const struct bench_variant *b)
{
	return a->size == b->size && a->threads == b->threads && a->processes == b->processes &&
	       a->cold == b->cold && same_string(a->numa, b->numa) &&
	       durable(a->method) == durable(b->method);
}

static int map_partner(const struct bench_variant *vs, int n, int i)
{
	int best = -1, best_score = -1;

	for (int j = 0; j < n; j++) {
		if (kind_of(vs[j].method) != K_SYS || !same_conditions(&vs[i], &vs[j]))
			continue;
		bool same_advice = !strcmp(advice(vs[i].hint), advice(vs[j].hint));
		bool same_block = vs[i].block_size && vs[i].block_size == vs[j].block_size;
		int score = 4 * same_block + 2 * same_advice + !strcmp(vs[j].hint, "none");

		if (score > best_score || (score == best_score &&
					   vs[j].block_size > vs[best].block_size)) {
			best = j;
			best_score = score;
		}
	}
	return best;
}

int bench_partner_of(const struct bench_variant *vs, int n, int i)
{
	enum kind k = kind_of(vs[i].method);
	int first = -1;

	if (k == K_MAP)
		return map_partner(vs, n, i);
	if (k != K_SYS)
		return -1;
	/* The first partner of the plan (case and file system) is its A/A control: a second
	 * set-up of every partner would cost the profile its wall time (the shared files of
	 * 128 MiB and more are read again by each setup). */
	for (int j = 0; j < n; j++) {
		int partner = kind_of(vs[j].method) == K_MAP ? map_partner(vs, n, j) : -1;

		if (partner >= 0)
			first = first < 0 || partner < first ? partner : first;
	}
	return first == i ? i : -1;
}

bool bench_partner_recorded_in_pairs(const struct bench_variant *vs, int n, int j)
{
	if (kind_of(vs[j].method) != K_SYS || bench_partner_of(vs, n, j) == j)
		return false;
	for (int i = 0; i < n; i++)
		if (kind_of(vs[i].method) == K_MAP && map_partner(vs, n, i) == j)
			return true;
	return false;
}

double bench_pair_allowance(double base, double surplus)
{
	double extra = surplus > 0 ? surplus / 2 : 0;

	return base + (extra < PAIR_EXTRA_MAX * base ? extra : PAIR_EXTRA_MAX * base);
}

/* The width shrinks as t(n - 1) / sqrt(n): the t quantile of the needed pairs is taken as
 * the normal one, so that a few pairs' wide quantile does not make the goal look out of
 * reach. */
static bool reachable(double spent, double allowance, size_t n, size_t max, double hw,
		      double goal)
{
	double w = hw * 1.959964 / ms_t975(n - 1), need = n * (w / goal) * (w / goal);

	return need <= max && spent + (need - n) * spent / n <= allowance;
}

bool bench_pair_goes_on(double spent, double base, double allowance, size_t n, size_t max,
			double hw, double target)
{
	if (spent <= base)
		return true;
	if (n < 2 || spent > allowance || !isfinite(hw))
		return false;
	return reachable(spent, allowance, n, max, hw, target) ||
	       (hw > 2.5 * target && reachable(spent, allowance, n, max, hw, 2.5 * target));
}

void bench_partner_start(struct bench_partner *p, const struct bench_case *bc,
			 const struct bench_variant *v, const struct bench_ctx *ctx, size_t max,
			 bool control)
{
	memset(p, 0, sizeof(*p));
	p->bc = bc;
	p->v = *v;
	p->control = control;
	p->c = (struct bench_ctx){ .v = &p->v, .dir = ctx->dir, .fs_kind = ctx->fs_kind,
				   .iters = 1, .params = json_object(), .run = ctx->run };
	p->c.priv = bc->state_size ? ms_calloc(1, bc->state_size) : NULL;
	p->values = ms_calloc(max ? max : 1, sizeof(double));
	p->ratios = ms_calloc(max ? max : 1, sizeof(double));
	int ret = bc->setup(&p->c);

	if (ret) {
		snprintf(p->reason, sizeof(p->reason), "partner not measurable: %s",
			 p->c.reason[0] ? p->c.reason : "setup failed");
		free(p->c.priv);
		p->c.priv = NULL;
		return;
	}
	p->set_up = true;
	p->on = bench_warm_up(bc, &p->c) >= 0;
	if (!p->on)
		snprintf(p->reason, sizeof(p->reason), "the partner's warm-up failed");
}

bool bench_partner_sample(struct bench_partner *p, size_t i)
{
	double t, value = p->on ? bench_one_sample(p->bc, &p->c, &t) : -1;

	if (p->on && value <= 0)
		snprintf(p->reason, sizeof(p->reason), "a partner sample failed at pair %zu", i);
	p->on = value > 0;
	p->values[i] = p->on ? value : 0;
	if (p->on)
		ms_perf_accumulate(&p->c.run->perf, p->totals);
	return p->on;
}

void bench_partner_pair(struct bench_partner *p, size_t i, double value)
{
	p->ratios[i] = p->values[i] > 0 ? value / p->values[i] : 0;
}

double bench_partner_half_width(const struct bench_partner *p, size_t n)
{
	struct ms_paired r;

	ms_paired_ratio(p->ratios, n, &r);
	return r.half_width;
}

static json_t *numbers(const double *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_real(v[i]));
	return a;
}

/* How much one side moved during the pairs: its samples' spread (coefficient of variation)
 * and its later half's median over its earlier half's. */
static json_t *spread_json(const double *v, size_t n)
{
	struct ms_summary s;
	size_t h = n / 2;

	ms_summarize(v, n, &s);
	double early = h ? ms_median(v, h) : NAN, late = h ? ms_median(v + h, n - h) : NAN;

	return json_pack("{s:f, s:f}", "cv", s.cv, "late_over_early",
			 early > 0 ? late / early : 1.0);
}

json_t *bench_partner_json(const struct bench_partner *p, const double *samples, size_t n,
			   double target)
{
	struct ms_paired r;
	json_t *o;

	if (!p->bc)
		return NULL;
	if (!p->on || n < 2) {
		o = json_pack("{s:s}", "unpaired", p->reason[0] ? p->reason : "fewer than 2 pairs");
		return o;
	}
	ms_paired_ratio(p->ratios, n, &r);
	o = json_pack("{s:s, s:b, s:{s:s, s:s, s:I}, s:o, s:o, s:f, s:f, s:f, s:f, s:I, s:f, "
		      "s:b, s:{s:o, s:o}}",
		      "order", "ABBA", "control", p->control, "partner", "method", p->v.method,
		      "hint", p->v.hint, "block_size", (json_int_t)p->v.block_size,
		      "partner_samples", numbers(p->values, n), "ratios", numbers(p->ratios, n),
		      "ratio", r.ratio, "ci_low", r.low, "ci_high", r.high,
		      "half_width", isfinite(r.half_width) ? r.half_width : 1e9,
		      "n_pairs", (json_int_t)r.n, "target", target, "met", r.half_width <= target,
		      "spread", "self", spread_json(samples, n), "partner",
		      spread_json(p->values, n));
	return o;
}

void bench_partner_stop(struct bench_partner *p)
{
	if (p->set_up && p->bc->teardown)
		p->bc->teardown(&p->c);
	json_decref(p->c.params);
	free(p->c.priv);
	free(p->values);
	free(p->ratios);
	memset(p, 0, sizeof(*p));
}
