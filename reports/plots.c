/* Which plot a benchmark record belongs to, and what its axes are. A plot is one
 * (case, metric, unit). Its x axis is the parameter that varies most among numbers (block
 * size, file size, threads), else a named one (fault kind, pattern) drawn as bars; each
 * series is one method (colour) on one file system (dash), and any other varying
 * parameter becomes part of the series. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "plots.h"
#include "util.h"

#define METHOD_KEYS "method,api,engine"
/* The runner's bookkeeping: how a sample was taken, not what was measured. Never an axis or
 * a series (iters_per_sample varies more than threads in scaling, and is not its axis). */
#define BOOKKEEPING_KEYS "iters_per_sample,ceiling_read_MBps,ceiling_size,ceiling_pages," \
			 "ceiling_measured"
/* Never in a series label: they follow from the method or the file system (fs_kind with fs,
 * state and timed with the method) or are details of one record. */
#define LABEL_SKIP_KEYS "fs_kind,state,timed,mapping,cache_drop,memory_bytes,consumer_pu," \
			"unit_of_op,page_size,file_size,drift,pages"

static const char *fs_of(const struct ms_benchmark *b)
{
	json_t *fs = b->params ? json_object_get(b->params, "fs") : NULL;
	return json_is_string(fs) ? json_string_value(fs) : NULL;
}

/* A time series is drawn against time, one plot per file system: lines of several file
 * systems over each other would hide the one that matters, a drop at some point in time. */
static bool same_group(const struct ms_benchmark *a, const struct ms_benchmark *b)
{
	bool series = ms_bench_is_time_series(a);
	return ms_streq(a->bench_case, b->bench_case) && ms_streq(a->metric, b->metric) &&
	       ms_streq(a->unit, b->unit) && series == ms_bench_is_time_series(b) &&
	       (!series || ms_streq(fs_of(a), fs_of(b)));
}

static char *value_or_none(const struct ms_benchmark *b, const char *key)
{
	char *v = ms_param_text(b, key);
	return v ? v : ms_strdup("none");
}

struct key_stats {
	const char *key;
	bool follows_x;   /* one value per x value (block_size = size in write): not a series */
	size_t distinct;
	bool numeric; /* a number in every record */
	bool structured; /* an array or object somewhere: details (placement_pu, numa_placement) */
	bool positive;
	double min, max;
};

/* Distinct values of each parameter among the records of one group. */
static size_t collect_keys(const struct ms_run *run, const size_t *recs, size_t n,
			   struct key_stats **out)
{
	size_t cap = 8, nk = 0;
	struct key_stats *ks = ms_calloc(cap, sizeof(*ks));
	for (size_t r = 0; r < n; r++) {
		const char *key;
		json_t *v;
		json_object_foreach(run->benchmarks[recs[r]].params, key, v) {
			(void)v;
			size_t k = 0;
			while (k < nk && strcmp(ks[k].key, key) != 0)
				k++;
			if (k == nk) {
				if (nk == cap)
					ks = ms_realloc(ks, (cap *= 2) * sizeof(*ks));
				memset(&ks[nk], 0, sizeof(ks[nk]));
				ks[nk++].key = key;
			}
		}
	}
	for (size_t k = 0; k < nk; k++) {
		char **seen = ms_calloc(n, sizeof(*seen));
		ks[k].numeric = ks[k].positive = true;
		ks[k].min = INFINITY;
		ks[k].max = -INFINITY;
		for (size_t r = 0; r < n; r++) {
			const struct ms_benchmark *b = &run->benchmarks[recs[r]];
			json_t *v = json_object_get(b->params, ks[k].key);
			ks[k].structured |= json_is_array(v) || json_is_object(v);
			if (json_is_number(v)) {
				double x = json_number_value(v);
				ks[k].positive &= x > 0;
				ks[k].min = fmin(ks[k].min, x);
				ks[k].max = fmax(ks[k].max, x);
			} else {
				ks[k].numeric = false;
			}
			char *text = value_or_none(b, ks[k].key);
			size_t s = 0;
			while (s < ks[k].distinct && strcmp(seen[s], text) != 0)
				s++;
			if (s == ks[k].distinct)
				seen[ks[k].distinct++] = text;
			else
				free(text);
		}
		for (size_t s = 0; s < ks[k].distinct; s++)
			free(seen[s]);
		free(seen);
	}
	*out = ks;
	return nk;
}

static double x_of(const struct ms_run *run, const struct ms_plot *p, size_t rec)
{
	json_t *v = json_object_get(run->benchmarks[rec].params, p->x_key);
	return json_is_number(v) ? json_number_value(v) : 0;
}

static void choose_x(struct ms_plot *p, struct key_stats *ks, size_t nk)
{
	struct key_stats *best = NULL;
	for (size_t k = 0; k < nk; k++) {
		if (ks[k].distinct < 2 || ks[k].structured ||
		    ms_str_in_list(ks[k].key, METHOD_KEYS) ||
		    ms_str_in_list(ks[k].key, BOOKKEEPING_KEYS) ||
		    ms_str_in_list(ks[k].key, LABEL_SKIP_KEYS) || strcmp(ks[k].key, "fs") == 0)
			continue;
		if (ks[k].numeric && (!best || !best->numeric || ks[k].distinct > best->distinct))
			best = &ks[k];
		else if (!ks[k].numeric && !best)
			best = &ks[k];
	}
	if (best) {
		p->x_key = ms_strdup(best->key);
		p->categorical = !best->numeric;
		p->x_log = best->numeric && best->positive && best->max >= 16 * best->min;
		p->x_bytes = best->numeric && (strstr(best->key, "size") || strstr(best->key, "bytes") ||
					       strcmp(best->key, "length") == 0);
	} else {
		/* Nothing varies but the method: one bar per method. */
		p->x_key = ms_strdup("method");
		p->categorical = true;
	}
}

/* The series of a record: its method, then every other varying parameter except x. Arrays
 * and objects are details that follow from the parameters (placement_pu from threads,
 * numa_placement from numa); a parameter the record does not have is left out of its label
 * (numa of a file-backed fault), which still tells it apart from those that have it. */
static char *series_key(const struct ms_run *run, const struct ms_plot *p, size_t rec,
			struct key_stats *ks, size_t nk, bool with_method, bool with_fs)
{
	const struct ms_benchmark *b = &run->benchmarks[rec];
	struct ms_text t = { 0 };
	ms_text_puts(&t, with_method ? ms_bench_method(b) : "");
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < nk; k++) {
			bool is_fs = strcmp(ks[k].key, "fs") == 0;
			if (ks[k].distinct < 2 || ks[k].structured ||
			    ms_str_in_list(ks[k].key, METHOD_KEYS) ||
			    ms_str_in_list(ks[k].key, BOOKKEEPING_KEYS) ||
			    ms_str_in_list(ks[k].key, LABEL_SKIP_KEYS) || (is_fs && !with_fs) ||
			    ks[k].follows_x ||
			    strcmp(ks[k].key, p->x_key) == 0 || is_fs != (pass == 0) ||
			    !json_object_get(b->params, ks[k].key))
				continue;
			char *v = value_or_none(b, ks[k].key);
			json_t *num = json_object_get(b->params, ks[k].key);
			char bytes[32];
			/* Short labels: a hint or a cache state by its value alone, a block
			 * size as "bs=4 KiB", "none" left out. */
			if (!strcmp(ks[k].key, "hint") && !strcmp(v, "none"))
				;
			else if (is_fs || !strcmp(ks[k].key, "hint") || !strcmp(ks[k].key, "cache"))
				ms_text_printf(&t, "%s%s", t.len ? " " : "", v);
			else if (!strcmp(ks[k].key, "block_size") && json_is_number(num)) {
				ms_format_bytes(json_number_value(num), bytes, sizeof(bytes));
				ms_text_printf(&t, "%sbs=%s", t.len ? " " : "", bytes);
			} else
				ms_text_printf(&t, "%s%s=%s", t.len ? " " : "", ks[k].key, v);
			free(v);
		}
	}
	return t.data ? t.data : ms_strdup("");
}

static size_t category_index(struct ms_plot *p, const char *value)
{
	for (size_t i = 0; i < p->n_categories; i++)
		if (strcmp(p->categories[i], value) == 0)
			return i;
	p->categories = ms_realloc(p->categories, (p->n_categories + 1) * sizeof(char *));
	p->categories[p->n_categories] = ms_strdup(value);
	return p->n_categories++;
}

static char *x_text(const struct ms_run *run, const struct ms_plot *p, size_t rec)
{
	if (strcmp(p->x_key, "method") == 0 && !json_object_get(run->benchmarks[rec].params,
								"method"))
		return ms_strdup(ms_bench_method(&run->benchmarks[rec]));
	return value_or_none(&run->benchmarks[rec], p->x_key);
}

/* Marks the keys whose value is a function of x over the group's records. */
static void mark_follows_x(const struct ms_run *run, const struct ms_plot *p, const size_t *recs,
			   size_t n, struct key_stats *ks, size_t nk)
{
	if (p->categorical || p->time_series)
		return;
	for (size_t k = 0; k < nk; k++) {
		bool follows = ks[k].numeric && strcmp(ks[k].key, p->x_key) != 0;

		for (size_t a = 0; a < n && follows; a++)
			for (size_t b = a + 1; b < n && follows; b++) {
				json_t *pa = run->benchmarks[recs[a]].params;
				json_t *pb = run->benchmarks[recs[b]].params;

				if (x_of(run, p, recs[a]) == x_of(run, p, recs[b]) &&
				    !json_equal(json_object_get(pa, ks[k].key),
						json_object_get(pb, ks[k].key)))
					follows = false;
			}
		ks[k].follows_x = follows;
	}
}

static void build_series(const struct ms_run *run, struct ms_plot *p, const size_t *recs,
			 size_t n, struct key_stats *ks, size_t nk)
{
	mark_follows_x(run, p, recs, n, ks, nk);
	char **rests = ms_calloc(n, sizeof(*rests));
	size_t n_rest = 0;
	for (size_t r = 0; r < n; r++) {
		char *key = series_key(run, p, recs[r], ks, nk, true, true);
		size_t s = 0;
		while (s < p->n_series && strcmp(p->series[s].label, key) != 0)
			s++;
		if (s == p->n_series) {
			p->series = ms_realloc(p->series, (s + 1) * sizeof(*p->series));
			memset(&p->series[s], 0, sizeof(p->series[s]));
			p->series[s].label = key;
			p->series[s].method = ms_bench_method(&run->benchmarks[recs[r]]);
			p->series[s].fs = fs_of(&run->benchmarks[recs[r]]);
			p->series[s].short_label = series_key(run, p, recs[r], ks, nk, true, false);
			/* One panel per file system. */
			size_t pn = 0;
			while (pn < p->n_panels && !ms_streq(p->panels[pn], p->series[s].fs))
				pn++;
			if (pn == p->n_panels && pn < sizeof(p->panels) / sizeof(p->panels[0]))
				p->panels[p->n_panels++] = p->series[s].fs;
			p->series[s].records = ms_calloc(n, sizeof(size_t));
			/* Dash type: one per distinct non-method part (file system first). */
			char *rest = series_key(run, p, recs[r], ks, nk, false, false);
			size_t d = 0;
			while (d < n_rest && strcmp(rests[d], rest) != 0)
				d++;
			if (d == n_rest)
				rests[n_rest++] = rest;
			else
				free(rest);
			p->series[s].dash = (int)d + 1;
			p->n_series++;
		} else {
			free(key);
		}
		struct ms_series *se = &p->series[s];
		se->records[se->n++] = recs[r];
		if (p->categorical) {
			char *xt = x_text(run, p, recs[r]);
			category_index(p, xt);
			free(xt);
		}
		p->n_points++;
	}
	/* Numeric x: points in x order, so lines connect neighbours. */
	for (size_t s = 0; s < p->n_series && !p->categorical; s++) {
		struct ms_series *se = &p->series[s];
		for (size_t i = 1; i < se->n; i++)
			for (size_t j = i; j > 0 && x_of(run, p, se->records[j - 1]) >
						   x_of(run, p, se->records[j]); j--) {
				size_t tmp = se->records[j];
				se->records[j] = se->records[j - 1];
				se->records[j - 1] = tmp;
			}
	}
	for (size_t d = 0; d < n_rest; d++)
		free(rests[d]);
	free(rests);
}

static void stem_of(struct ms_plot *p, size_t index)
{
	char *stem = ms_asprintf("p%02zu-%s-%s%s%s", index + 1, p->bench_case ? p->bench_case : "case",
			         p->metric ? p->metric : "metric", p->time_series ? "-time-" : "",
			         p->time_series && p->fs ? p->fs : "");
	for (char *c = stem; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			*c = '_';
	p->stem = stem;
}

void ms_plots_build(const struct ms_run *run, struct ms_plot_set *set)
{
	memset(set, 0, sizeof(*set));
	bool *done = ms_calloc(run->n_benchmarks + 1, sizeof(bool));
	size_t *recs = ms_calloc(run->n_benchmarks + 1, sizeof(size_t));
	for (size_t i = 0; i < run->n_benchmarks; i++) {
		if (done[i])
			continue;
		size_t n = 0;
		for (size_t j = i; j < run->n_benchmarks; j++)
			if (!done[j] && same_group(&run->benchmarks[i], &run->benchmarks[j])) {
				done[j] = true;
				recs[n++] = j;
			}
		set->plots = ms_realloc(set->plots, (set->n + 1) * sizeof(*set->plots));
		struct ms_plot *p = &set->plots[set->n];
		memset(p, 0, sizeof(*p));
		const struct ms_benchmark *b = &run->benchmarks[i];
		p->bench_case = b->bench_case;
		p->metric = b->metric;
		p->unit = b->unit;
		p->higher_is_better = b->higher_is_better;
		p->title = ms_asprintf("%s: %s", b->bench_case, b->metric);
		p->time_series = ms_bench_is_time_series(b);
		p->fs = p->time_series ? fs_of(b) : NULL;
		stem_of(p, set->n);
		struct key_stats *ks;
		size_t nk = collect_keys(run, recs, n, &ks);
		if (p->time_series) {
			p->x_key = ms_strdup("sample_times_s");
			for (size_t r = 0; r < n; r++)
				p->n_samples += run->benchmarks[recs[r]].n_samples;
		} else {
			choose_x(p, ks, nk);
		}
		build_series(run, p, recs, n, ks, nk);
		free(ks);
		/* Values more than ~30x apart would lie flat on zero on a linear axis. */
		double lo = INFINITY, hi = 0;
		for (size_t r = 0; r < n; r++) {
			double m = run->benchmarks[recs[r]].median;
			if (m > 0) {
				lo = fmin(lo, m);
				hi = fmax(hi, m);
			} else {
				hi = INFINITY; /* zero or negative: no log axis */
			}
		}
		p->y_log = isfinite(hi) && hi > 30 * lo;
		set->n++;
	}
	free(recs);
	free(done);
}

void ms_plots_free(struct ms_plot_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct ms_plot *p = &set->plots[i];
		for (size_t s = 0; s < p->n_series; s++)
			ms_free_all(p->series[s].label, p->series[s].short_label,
				    p->series[s].records);
		for (size_t c = 0; c < p->n_categories; c++)
			free(p->categories[c]);
		ms_free_all(p->categories, p->series, p->stem, p->title, p->x_key, p->svg);
	}
	ms_free_all(set->plots, set->problem);
	memset(set, 0, sizeof(*set));
}
