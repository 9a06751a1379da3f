/* mmap against read(): pairing the records of results.json (see ratios.h for the rules). */
#include "ratios.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "stats.h"
#include "util.h"

enum method_kind { KIND_OTHER, KIND_MAP, KIND_SYS_READ, KIND_SYS_WRITE };

/* Parameters that say how the data is reached, or are the runner's bookkeeping: a pair may
 * differ in these and nothing else. */
#define HOW_KEYS "method,api,engine,hint,block_size,iters_per_sample,placement_pu,toucher_pu," \
		 "ceiling_read_MBps,ceiling_size,ceiling_pages,ceiling_measured,pages,state,timed," \
		 "mapping,drift"
/* Left out of the conditions column: shown elsewhere, or the same for the whole run. */
#define NOT_CONDITIONS HOW_KEYS ",fs,fs_kind,profile"

#define CEILING_METRIC "fraction_of_read_ceiling"

/* The n-th '_'-separated token of a method name, into buf. */
static bool token(const char *method, int n, char *buf, size_t len)
{
	const char *p = method;
	for (int i = 0; i < n && p; i++) {
		p = strchr(p, '_');
		if (p)
			p++;
	}
	if (!p || !*p)
		return false;
	size_t k = strcspn(p, "_");
	snprintf(buf, len, "%.*s", (int)(k < len ? k : len - 1), p);
	return true;
}

static enum method_kind kind_of(const char *method)
{
	char first[32];
	if (!method || !token(method, 0, first, sizeof(first)))
		return KIND_OTHER;
	if (!strcmp(first, "mmap"))
		return KIND_MAP;
	if (ms_str_in_list(first, "read,pread,readv,preadv,psync,pipe"))
		return KIND_SYS_READ;
	if (ms_str_in_list(first, "write,pwrite,writev,pwritev"))
		return KIND_SYS_WRITE;
	return KIND_OTHER;
}

/* A msync / fsync / fdatasync token: the data reached the file system, not only the cache.
 * fio's "psync" (pread) is one token and does not count. */
static bool is_durable(const char *method)
{
	char tok[32];
	for (int i = 1; token(method, i, tok, sizeof(tok)); i++)
		if (ms_str_in_list(tok, "msync,fsync,fdatasync,sync,dsync"))
			return true;
	return false;
}

/* "read()", "pread()" (fio's psync), "write()+fdatasync()". */
static char *syscall_name(const char *method)
{
	char tok[32];
	struct ms_text t = { 0 };
	token(method, 0, tok, sizeof(tok));
	ms_text_printf(&t, "%s()", strcmp(tok, "psync") ? tok : "pread");
	for (int i = 1; token(method, i, tok, sizeof(tok)); i++)
		if (ms_str_in_list(tok, "msync,fsync,fdatasync,sync,dsync"))
			ms_text_printf(&t, "+%s()", tok);
	return t.data;
}

/* The advice a hint gives, whatever the API: MADV_SEQUENTIAL and POSIX_FADV_SEQUENTIAL are
 * both "SEQUENTIAL". */
static const char *advice_of(const struct ms_benchmark *b)
{
	json_t *h = b->params ? json_object_get(b->params, "hint") : NULL;
	const char *s = json_is_string(h) ? json_string_value(h) : "none";
	static const char *const prefixes[] = { "POSIX_FADV_", "MADV_", "FADV_" };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(s, prefixes[i], strlen(prefixes[i])))
			return s + strlen(prefixes[i]);
	return s;
}

static double block_size_of(const struct ms_benchmark *b)
{
	json_t *v = b->params ? json_object_get(b->params, "block_size") : NULL;
	return json_is_number(v) ? json_number_value(v) : 0;
}

static char *param_or(const struct ms_benchmark *b, const char *name, const char *dflt)
{
	char *s = ms_param_text(b, name);
	return s ? s : ms_strdup(dflt);
}

/* "mmap MADV_SEQUENTIAL", "pread bs=4 KiB". */
static char *variant_label(const struct ms_benchmark *b)
{
	struct ms_text t = { 0 };
	ms_text_puts(&t, ms_bench_method(b));
	json_t *h = b->params ? json_object_get(b->params, "hint") : NULL;
	if (json_is_string(h) && strcmp(json_string_value(h), "none"))
		ms_text_printf(&t, " %s", json_string_value(h));
	if (block_size_of(b) > 0) {
		char buf[32];
		ms_format_bytes(block_size_of(b), buf, sizeof(buf));
		ms_text_printf(&t, " bs=%s", buf);
	}
	/* A mapping's state: whether its faults were timed (params.state). */
	json_t *st = b->params ? json_object_get(b->params, "state") : NULL;
	if (kind_of(ms_bench_method(b)) == KIND_MAP && json_is_string(st))
		ms_text_printf(&t, " [%s]", !strcmp(json_string_value(st), "first_touch") ?
			       "first touch" : !strcmp(json_string_value(st), "steady_state") ?
			       "steady" : json_string_value(st));
	return t.data;
}

/* Same case, metric, unit, place and conditions. */
static char *group_key(const struct ms_benchmark *b)
{
	char *params = ms_params_key(b, HOW_KEYS);
	char *key = ms_asprintf("%s\n%s\n%s\n%s\n%s", b->bench_case, b->metric, b->unit,
			        b->place ? b->place : "", params);
	free(params);
	return key;
}

static bool better(const struct ms_benchmark *a, const struct ms_benchmark *b)
{
	return a->higher_is_better ? a->median > b->median : a->median < b->median;
}

static void judge(struct ms_mmap_pair *p, const char *map_name)
{
	const struct ms_ratio *r = &p->r;
	/* How much faster the faster side is, whichever way the metric points. */
	double mmap_gain = p->higher_is_better ? r->ratio : 1 / r->ratio;
	if (p->n_map < 2 || p->n_sys < 2 || !isfinite(r->ratio) || r->ratio <= 0) {
		p->verdict = MS_VERDICT_UNKNOWN;
		snprintf(p->verdict_text, sizeof(p->verdict_text), "too few samples to tell");
	} else if (r->low <= 1 && r->high >= 1) {
		p->verdict = MS_VERDICT_NONE;
		snprintf(p->verdict_text, sizeof(p->verdict_text), "no significant difference");
	} else if (mmap_gain > 1) {
		p->verdict = MS_VERDICT_MMAP;
		snprintf(p->verdict_text, sizeof(p->verdict_text), "%s %.*fx faster", map_name,
			 mmap_gain < 10 ? 2 : mmap_gain < 100 ? 1 : 0, mmap_gain);
	} else {
		p->verdict = MS_VERDICT_SYSCALL;
		snprintf(p->verdict_text, sizeof(p->verdict_text), "%s %.*fx faster", p->sys_name,
			 1 / mmap_gain < 10 ? 2 : 1 / mmap_gain < 100 ? 1 : 0, 1 / mmap_gain);
	}
}

static bool same_string(json_t *a, json_t *b, const char *dflt)
{
	const char *x = json_is_string(a) ? json_string_value(a) : dflt;
	const char *y = json_is_string(b) ? json_string_value(b) : dflt;
	return x && y && !strcmp(x, y);
}

bool ms_paired_of(const struct ms_benchmark *m, const struct ms_benchmark *s,
		  struct ms_paired *out)
{
	json_t *partner = m->paired ? json_object_get(m->paired, "partner") : NULL;
	json_t *ratios = m->paired ? json_object_get(m->paired, "ratios") : NULL;
	if (!json_is_object(partner) || !json_is_array(ratios) ||
	    json_is_true(json_object_get(m->paired, "control")) ||
	    !same_string(json_object_get(partner, "method"), json_object_get(s->params, "method"),
			 NULL) ||
	    !same_string(json_object_get(partner, "hint"), json_object_get(s->params, "hint"),
			 "none"))
		return false;
	json_t *pb = json_object_get(partner, "block_size");
	if ((json_is_number(pb) ? json_number_value(pb) : 0) != block_size_of(s))
		return false;
	size_t n = json_array_size(ratios), k = 0;
	double *r = ms_calloc(n + 1, sizeof(double));
	for (size_t i = 0; i < n; i++)
		if (json_is_number(json_array_get(ratios, i)))
			r[k++] = json_number_value(json_array_get(ratios, i));
	ms_paired_ratio(r, k, out);
	free(r);
	return out->n >= 2;
}

/* Above the target: which side moved during the pairs (the runner's per-side spread). */
static void moved_text(const struct ms_benchmark *m, struct ms_mmap_pair *p)
{
	json_t *sp = json_object_get(m->paired, "spread");
	json_t *a = json_object_get(sp, "self"), *b = json_object_get(sp, "partner");
	double ca = json_number_value(json_object_get(a, "cv"));
	double cb = json_number_value(json_object_get(b, "cv"));
	double da = fabs(log(json_number_value(json_object_get(a, "late_over_early")) + 1e-300));
	double db = fabs(log(json_number_value(json_object_get(b, "late_over_early")) + 1e-300));
	/* A side's movement: its spread or its shift between halves, whichever is larger. */
	double ma = fmax(ca, da), mb = fmax(cb, db);
	if (p->half_width <= MS_PAIRED_TARGET || !json_is_object(a) || !json_is_object(b))
		return;
	snprintf(p->moved, sizeof(p->moved), "%s moved (spread mmap %.1f%%, %s %.1f%%)",
		 ma > 1.5 * mb ? "the mmap side" : mb > 1.5 * ma ? "the system-call side" :
		 "both sides", 100 * ma, p->sys_name, 100 * mb);
}

static struct ms_mmap_pair *new_pair(struct ms_pair_set *set, size_t *cap)
{
	if (set->n == *cap) {
		*cap = *cap ? 2 * *cap : 32;
		set->pairs = ms_realloc(set->pairs, *cap * sizeof(*set->pairs));
	}
	struct ms_mmap_pair *p = &set->pairs[set->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

static void add_record_pair(struct ms_pair_set *set, size_t *cap, const struct ms_run *run,
			    size_t mi, size_t si, bool best, bool same)
{
	const struct ms_benchmark *m = &run->benchmarks[mi], *s = &run->benchmarks[si];
	struct ms_mmap_pair *p = new_pair(set, cap);
	p->bench_case = ms_strdup(m->bench_case);
	p->fs = param_or(m, "fs", "-");
	p->conditions = ms_params_label(m, NOT_CONDITIONS);
	p->map_label = variant_label(m);
	p->sys_label = variant_label(s);
	p->sys_name = syscall_name(ms_bench_method(s));
	p->map_index = (long)mi;
	p->sys_index = (long)si;
	p->best = best;
	p->same = same;
	p->higher_is_better = m->higher_is_better;
	p->map_median = m->median;
	p->sys_median = s->median;
	p->unit = m->unit;
	p->n_map = m->n_samples;
	p->n_sys = s->n_samples;
	/* ms_median_ratio(a, b) is b / a: mmap over the system call. */
	ms_median_ratio(s->samples, s->n_samples, m->samples, m->n_samples, &p->r);
	struct ms_paired pr;
	if (ms_paired_of(m, s, &pr)) {
		p->paired = true;
		p->r = (struct ms_ratio){ pr.ratio, pr.low, pr.high };
		p->n_pairs = pr.n;
		p->half_width = pr.half_width;
		moved_text(m, p);
	}
	judge(p, "mmap");
	/* Samples that trend measure no single state: no verdict. */
	p->drifting = m->drifting || s->drifting;
	if (p->drifting) {
		p->verdict = MS_VERDICT_UNKNOWN;
		snprintf(p->verdict_text, sizeof(p->verdict_text), "drifting: no verdict");
	}
}

static void record_pairs(const struct ms_run *run, char **keys, struct ms_pair_set *set,
			 size_t *cap)
{
	size_t n = run->n_benchmarks;
	for (size_t mi = 0; mi < n; mi++) {
		const struct ms_benchmark *m = &run->benchmarks[mi];
		if (kind_of(ms_bench_method(m)) != KIND_MAP || !strcmp(m->metric, CEILING_METRIC))
			continue; /* the fraction of the ceiling is the throughput over a constant */
		bool durable = is_durable(ms_bench_method(m));
		long best = -1, same = -1;
		size_t n_same = 0;
		for (size_t si = 0; si < n; si++) {
			const struct ms_benchmark *s = &run->benchmarks[si];
			enum method_kind k = kind_of(ms_bench_method(s));
			if ((k != KIND_SYS_READ && k != KIND_SYS_WRITE) || strcmp(keys[si], keys[mi]) ||
			    is_durable(ms_bench_method(s)) != durable || !s->n_samples)
				continue;
			if (best < 0 || better(s, &run->benchmarks[best]))
				best = (long)si;
			if (strcmp(advice_of(s), advice_of(m)) == 0 &&
			    (block_size_of(m) == 0 || block_size_of(m) == block_size_of(s))) {
				same = (long)si;
				n_same++;
			}
		}
		if (best < 0 || !m->n_samples)
			continue;
		/* A mapping sampled in pairs is set against the partner declared before it was
		 * measured, not against the variant that came out best. */
		for (size_t si = 0; si < n; si++) {
			struct ms_paired pr;
			if (!strcmp(keys[si], keys[mi]) && ms_paired_of(m, &run->benchmarks[si], &pr))
				best = (long)si;
		}
		if (n_same != 1)
			same = -1; /* several block sizes and no block size of its own: no twin */
		add_record_pair(set, cap, run, mi, (size_t)best, true, same == best);
		if (same >= 0 && same != best)
			add_record_pair(set, cap, run, mi, (size_t)same, false, true);
	}
}

static size_t number_array(json_t *a, double **out)
{
	size_t n = json_is_array(a) ? json_array_size(a) : 0, k = 0;
	*out = ms_calloc(n + 1, sizeof(double));
	for (size_t i = 0; i < n; i++)
		if (json_is_number(json_array_get(a, i)))
			(*out)[k++] = json_number_value(json_array_get(a, i));
	return k;
}

static const char *str_member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The fio fidelity check measured the mmap and psync engines on the same file with the same
 * block size, both with mmapsuite's loop and with fio: two more pairs per workload. */
static void fidelity_pairs(const struct ms_run *run, struct ms_pair_set *set, size_t *cap)
{
	json_t *results = run->extra ? json_object_get(json_object_get(run->extra, "fidelity"),
						       "results") : NULL;
	size_t i, j;
	json_t *m, *s;
	json_array_foreach(results, i, m) {
		if (!ms_streq(str_member(m, "engine"), "mmap"))
			continue;
		json_array_foreach(results, j, s) {
			if (!ms_streq(str_member(s, "engine"), "psync") ||
			    !ms_streq(str_member(s, "fs"), str_member(m, "fs")) ||
			    !ms_streq(str_member(s, "workload"), str_member(m, "workload")))
				continue;
			static const char *const sources[] = { "mmapsuite", "fio" };
			for (size_t k = 0; k < 2; k++) {
				char *member = ms_asprintf("%s_MBps", sources[k]);
				double *ms_, *ss;
				size_t nm = number_array(json_object_get(m, member), &ms_);
				size_t ns = number_array(json_object_get(s, member), &ss);
				free(member);
				if (nm && ns) {
					struct ms_mmap_pair *p = new_pair(set, cap);
					char bs[32] = "?", fsz[32] = "?";
					json_t *b = json_object_get(m, "block_size");
					json_t *f = json_object_get(m, "file_size");
					if (json_is_number(b))
						ms_format_bytes(json_number_value(b), bs, sizeof(bs));
					if (json_is_number(f))
						ms_format_bytes(json_number_value(f), fsz, sizeof(fsz));
					p->bench_case = ms_asprintf("fidelity/%s", sources[k]);
					p->fs = ms_strdup(str_member(m, "fs") ? str_member(m, "fs") : "-");
					p->conditions = ms_asprintf("workload=%s size=%s cache=hot",
								    str_member(m, "workload") ?
								    str_member(m, "workload") : "?", fsz);
					p->map_label = ms_asprintf("mmap engine bs=%s", bs);
					p->sys_label = ms_asprintf("psync engine bs=%s", bs);
					p->sys_name = syscall_name("psync");
					p->map_index = p->sys_index = -1;
					p->best = p->same = true;
					p->higher_is_better = true;
					p->map_median = ms_median(ms_, nm);
					p->sys_median = ms_median(ss, ns);
					p->unit = "MB/s";
					p->n_map = nm;
					p->n_sys = ns;
					ms_median_ratio(ss, ns, ms_, nm, &p->r);
					judge(p, "mmap");
				}
				free(ms_);
				free(ss);
			}
		}
	}
}

static void ceiling_rows(const struct ms_run *run, char **keys, struct ms_pair_set *set)
{
	size_t n = run->n_benchmarks;
	bool *done = ms_calloc(n + 1, sizeof(bool));
	set->ceiling = ms_calloc(n + 1, sizeof(*set->ceiling));
	for (size_t i = 0; i < n; i++) {
		const struct ms_benchmark *b = &run->benchmarks[i];
		char *cache = ms_param_text(b, "cache");
		bool hot = cache && !strcmp(cache, "hot");
		free(cache);
		if (done[i] || !hot || strcmp(b->metric, CEILING_METRIC))
			continue;
		long best_map = -1, best_sys = -1;
		for (size_t j = i; j < n; j++) {
			const struct ms_benchmark *c = &run->benchmarks[j];
			if (strcmp(keys[j], keys[i]))
				continue;
			done[j] = true;
			enum method_kind k = kind_of(ms_bench_method(c));
			long *best = k == KIND_MAP ? &best_map : k == KIND_SYS_READ ? &best_sys : NULL;
			if (best && (*best < 0 || better(c, &run->benchmarks[*best])))
				*best = (long)j;
		}
		if (best_sys < 0)
			continue; /* no read() here: stores, faults, the ceiling itself */
		struct ms_ceiling_row *row = &set->ceiling[set->n_ceiling++];
		/* Each side is held to the ceiling of its own page size: read()'s, and the
		 * mapping's where its data was mapped by PMDs (params.ceiling_pages). */
		const struct ms_benchmark *sys = &run->benchmarks[best_sys];
		json_t *lim = json_object_get(sys->params, "ceiling_read_MBps");
		json_t *size = json_object_get(sys->params, "ceiling_size");
		row->bench_case = ms_strdup(b->bench_case);
		row->fs = param_or(b, "fs", "-");
		row->conditions = ms_params_label(b, NOT_CONDITIONS);
		row->ceiling_mbps = json_is_number(lim) ? json_number_value(lim) : NAN;
		row->ceiling_size = json_is_number(size) ? json_number_value(size) : NAN;
		row->map_ceiling_mbps = row->ceiling_mbps;
		if (best_map >= 0) {
			json_t *ml = json_object_get(run->benchmarks[best_map].params,
						     "ceiling_read_MBps");
			row->map_ceiling_mbps = json_is_number(ml) ? json_number_value(ml) : NAN;
			row->map_ceiling_pages = ms_param_text(&run->benchmarks[best_map],
							       "ceiling_pages");
		}
		row->map_index = best_map;
		row->sys_index = best_sys;
		row->map_label = best_map >= 0 ? variant_label(&run->benchmarks[best_map]) : NULL;
		row->sys_label = variant_label(&run->benchmarks[best_sys]);
	}
	free(done);
}

void ms_pairs_build(const struct ms_run *run, struct ms_pair_set *set)
{
	size_t cap = 0;
	memset(set, 0, sizeof(*set));
	set->run = run;
	char **keys = ms_calloc(run->n_benchmarks + 1, sizeof(char *));
	for (size_t i = 0; i < run->n_benchmarks; i++)
		keys[i] = group_key(&run->benchmarks[i]);
	record_pairs(run, keys, set, &cap);
	fidelity_pairs(run, set, &cap);
	ceiling_rows(run, keys, set);
	for (size_t i = 0; i < run->n_benchmarks; i++) {
		json_t *pj = run->benchmarks[i].paired;
		json_t *lo = pj ? json_object_get(pj, "ci_low") : NULL;
		json_t *hi = pj ? json_object_get(pj, "ci_high") : NULL;
		if (!json_is_true(json_object_get(pj, "control")) || !json_is_number(lo) ||
		    !json_is_number(hi))
			continue;
		set->n_control++;
		set->n_control_cover += json_number_value(lo) <= 1 && json_number_value(hi) >= 1;
	}
	for (size_t i = 0; i < run->n_benchmarks; i++)
		free(keys[i]);
	free(keys);
}

void ms_pairs_free(struct ms_pair_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct ms_mmap_pair *p = &set->pairs[i];
		ms_free_all(p->bench_case, p->fs, p->conditions, p->map_label, p->sys_label,
			    p->sys_name);
	}
	for (size_t i = 0; i < set->n_ceiling; i++) {
		struct ms_ceiling_row *c = &set->ceiling[i];
		ms_free_all(c->bench_case, c->fs, c->conditions, c->map_label, c->sys_label,
			    c->map_ceiling_pages);
	}
	ms_free_all(set->pairs, set->ceiling);
	memset(set, 0, sizeof(*set));
}

const char *ms_verdict_word(enum ms_verdict v)
{
	switch (v) {
	case MS_VERDICT_NONE: return "none";
	case MS_VERDICT_MMAP: return "mmap";
	case MS_VERDICT_SYSCALL: return "syscall";
	case MS_VERDICT_UNKNOWN: return "unknown";
	}
	return "unknown";
}
