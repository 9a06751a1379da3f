/* Pairing the records of runs and judging the differences. A record pairs with the one of
 * the same case, metric, unit and parameters; when runs tested different file systems (an
 * ext4 run against an xfs run), records pair with the file system left out, and the pair is
 * flagged, since the file system is then part of the difference. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "model.h"
#include "util.h"

#define SIGNIFICANCE 0.05

static bool same_metric(const struct ms_benchmark *a, const struct ms_benchmark *b)
{
	return ms_streq(a->bench_case, b->bench_case) && ms_streq(a->metric, b->metric) &&
	       ms_streq(a->unit, b->unit);
}

/* Index in other of the record matching base, or n if none. leave_out: params to ignore. */
static size_t find_match(const struct ms_benchmark *base, const struct ms_run *other,
			 const bool *taken, const char *leave_out)
{
	char *key = ms_params_key(base, leave_out);
	size_t found = other->n_benchmarks, count = 0;
	for (size_t j = 0; j < other->n_benchmarks; j++) {
		if (taken[j] || !same_metric(base, &other->benchmarks[j]))
			continue;
		char *k2 = ms_params_key(&other->benchmarks[j], leave_out);
		if (strcmp(key, k2) == 0) {
			if (!count)
				found = j;
			count++;
		}
		free(k2);
	}
	free(key);
	/* Without the file system, a pair must be unambiguous. */
	return leave_out && count != 1 ? other->n_benchmarks : found;
}

/* The kind of a place: "host", "guest" or "board" (the part before ':'). */
static bool same_place_kind(const char *a, const char *b)
{
	size_t la = strcspn(a ? a : "host", ":"), lb = strcspn(b ? b : "host", ":");
	return la == lb && strncmp(a ? a : "host", b ? b : "host", la) == 0;
}

static void mark_smoke(struct ms_comparison *c)
{
	c->smoke_run = ms_calloc(c->n_runs, sizeof(bool));
	for (size_t k = 1; k < c->n_runs; k++)
		c->smoke_run[k] = !same_place_kind(c->runs[0]->place, c->runs[k]->place) ||
				  ms_run_emulated(c->runs[0]) || ms_run_emulated(c->runs[k]);
}

static void judge(struct ms_comparison *c, struct ms_metric_cmp *m)
{
	const struct ms_benchmark *a = m->base, *b = m->other;
	ms_median_ratio(a->samples, a->n_samples, b->samples, b->n_samples, &m->ratio);
	struct ms_mann_whitney mw;
	ms_mann_whitney(a->samples, a->n_samples, b->samples, b->n_samples, &mw);
	m->p = mw.p;
	m->smoke = c->smoke_run[m->run];
	m->significant = !m->smoke && m->p < SIGNIFICANCE;
	double r = m->ratio.ratio;
	m->change_pct = isfinite(r) ? (a->higher_is_better ? (r - 1) : (1 - r)) * 100 : 0;
	m->regression = c->threshold_pct >= 0 && m->significant &&
			-m->change_pct > c->threshold_pct;
	c->n_regressions += m->regression;
}

/* Pairs the records of one kind (benchmark results, conformance results) of the baseline with
 * those of run k, in two passes: exact matches first, then the relaxed ones (file system and
 * place forgiven) among what is left. match answers the index in run k of base record i's
 * match among the records not taken yet, or n_other for none; paired records the pair.
 * Counts into unmatched[k] and base_unmatched[k] what stayed alone on either side. */
struct pairing {
	size_t n_base, n_other;
	size_t (*match)(const struct ms_comparison *c, size_t k, size_t i, const bool *taken,
			bool relaxed);
	void (*paired)(struct ms_comparison *c, size_t k, size_t i, size_t j, bool relaxed);
	size_t *unmatched, *base_unmatched;
};

static void pair_run(struct ms_comparison *c, size_t k, const struct pairing *how)
{
	bool *taken = ms_calloc(how->n_other + 1, sizeof(bool));
	bool *paired = ms_calloc(how->n_base + 1, sizeof(bool));
	for (int relaxed = 0; relaxed < 2; relaxed++) {
		for (size_t i = 0; i < how->n_base; i++) {
			if (paired[i])
				continue;
			size_t j = how->match(c, k, i, taken, relaxed);
			if (j == how->n_other)
				continue;
			taken[j] = paired[i] = true;
			how->paired(c, k, i, j, relaxed);
		}
	}
	for (size_t j = 0; j < how->n_other; j++)
		how->unmatched[k] += !taken[j];
	for (size_t i = 0; i < how->n_base; i++)
		how->base_unmatched[k] += !paired[i];
	free(taken);
	free(paired);
}

static size_t metric_match(const struct ms_comparison *c, size_t k, size_t i, const bool *taken,
			   bool relaxed)
{
	return find_match(&c->runs[0]->benchmarks[i], c->runs[k], taken,
			  relaxed ? "fs,place" : NULL);
}

static void metric_paired(struct ms_comparison *c, size_t k, size_t i, size_t j, bool relaxed)
{
	struct ms_metric_cmp *m = &c->metrics[c->n_metrics++];
	m->run = k;
	m->base = &c->runs[0]->benchmarks[i];
	m->other = &c->runs[k]->benchmarks[j];
	m->fs_differs = relaxed;
}

static void pair_metrics(struct ms_comparison *c)
{
	const struct ms_run *base = c->runs[0];
	c->unmatched = ms_calloc(c->n_runs, sizeof(size_t));
	c->base_unmatched = ms_calloc(c->n_runs, sizeof(size_t));
	c->metrics = ms_calloc(base->n_benchmarks * c->n_runs + 1, sizeof(*c->metrics));
	for (size_t k = 1; k < c->n_runs; k++)
		pair_run(c, k, &(struct pairing){ base->n_benchmarks, c->runs[k]->n_benchmarks,
						  metric_match, metric_paired, c->unmatched,
						  c->base_unmatched });
	mark_smoke(c);
	for (size_t i = 0; i < c->n_metrics; i++)
		judge(c, &c->metrics[i]);
}

static bool same_test(const struct ms_conformance *a, const struct ms_conformance *b,
		      bool with_fs)
{
	return ms_streq(a->suite, b->suite) && ms_streq(a->test, b->test) &&
	       (!with_fs || ms_streq(a->fs, b->fs));
}

/* The first untaken result of the same test (and file system, unless relaxed) in run k;
 * relaxed, only when it is the only one. */
static size_t test_match(const struct ms_comparison *c, size_t k, size_t i, const bool *taken,
			 bool relaxed)
{
	const struct ms_run *other = c->runs[k];
	size_t hits = 0, found = other->n_conformance;
	for (size_t j = 0; j < other->n_conformance; j++) {
		if (taken[j] ||
		    !same_test(&c->runs[0]->conformance[i], &other->conformance[j], !relaxed))
			continue;
		if (!hits)
			found = j;
		hits++;
	}
	return relaxed && hits != 1 ? other->n_conformance : found;
}

static void test_paired(struct ms_comparison *c, size_t k, size_t i, size_t j, bool relaxed)
{
	(void)relaxed;
	c->conf_paired[k]++;
	const struct ms_conformance *a = &c->runs[0]->conformance[i];
	const struct ms_conformance *b = &c->runs[k]->conformance[j];
	if (a->outcome == b->outcome)
		return;
	if (c->n_conf == c->conf_cap)
		c->conf = ms_realloc(c->conf, (c->conf_cap *= 2) * sizeof(*c->conf));
	struct ms_conf_cmp *d = &c->conf[c->n_conf++];
	d->run = k;
	d->base = a;
	d->other = b;
	/* fail -> xfail, xfail -> pass, pass -> xfail: a known deviation came or went, listed;
	 * xfail -> fail is a failure nobody expected. */
	d->regression = (a->outcome == MS_PASS || a->outcome == MS_XPASS ||
			 a->outcome == MS_XFAIL) &&
			(b->outcome == MS_FAIL || b->outcome == MS_BROKEN);
	d->deviation_change = a->outcome == MS_XFAIL || a->outcome == MS_XPASS ||
			      b->outcome == MS_XFAIL || b->outcome == MS_XPASS;
	c->n_regressions += d->regression && c->threshold_pct >= 0;
}

static void pair_conformance(struct ms_comparison *c)
{
	const struct ms_run *base = c->runs[0];
	c->conf_cap = 16;
	c->conf = ms_calloc(c->conf_cap, sizeof(*c->conf));
	c->conf_paired = ms_calloc(c->n_runs, sizeof(size_t));
	c->conf_unmatched = ms_calloc(c->n_runs, sizeof(size_t));
	c->conf_base_unmatched = ms_calloc(c->n_runs, sizeof(size_t));
	c->conf_renamed = ms_calloc(c->n_runs, sizeof(size_t));
	for (size_t k = 0; k < c->n_runs; k++)
		for (size_t i = 0; i < c->runs[k]->n_conformance; i++)
			c->conf_renamed[k] += c->runs[k]->conformance[i].renamed_from != NULL;
	for (size_t k = 1; k < c->n_runs; k++)
		pair_run(c, k, &(struct pairing){ base->n_conformance, c->runs[k]->n_conformance,
						  test_match, test_paired, c->conf_unmatched,
						  c->conf_base_unmatched });
}

/* ---- environment ---- */

struct flat {
	char **path, **value;
	size_t n, cap;
};

static void flatten(json_t *v, const char *prefix, struct flat *f)
{
	if (json_is_object(v)) {
		const char *key;
		json_t *item;
		json_object_foreach(v, key, item) {
			char *p = *prefix ? ms_asprintf("%s.%s", prefix, key) : ms_strdup(key);
			flatten(item, p, f);
			free(p);
		}
		return;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) {
			/* Arrays of named things (file systems) are keyed by name, not position. */
			json_t *label = json_object_get(item, "label");
			char *p = json_is_string(label)
				? ms_asprintf("%s[%s]", prefix, json_string_value(label))
				: ms_asprintf("%s[%zu]", prefix, i);
			flatten(item, p, f);
			free(p);
		}
		return;
	}
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->path = ms_realloc(f->path, f->cap * sizeof(char *));
		f->value = ms_realloc(f->value, f->cap * sizeof(char *));
	}
	f->path[f->n] = ms_strdup(prefix);
	f->value[f->n] = json_is_string(v) ? ms_strdup(json_string_value(v))
					   : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	f->n++;
}

static const char *lookup(const struct flat *f, const char *path)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->path[i], path) == 0)
			return f->value[i];
	return NULL;
}

static void flat_free(struct flat *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->path[i]);
		free(f->value[i]);
	}
	free(f->path);
	free(f->value);
}

/* What differs from run to run without changing what is measured. The hwloc XML is there to
 * be drawn: it also names the process and its cgroup, and what decides results in it (cores,
 * caches, NUMA nodes) is compared through the topology summary beside it. */
static bool volatile_path(const char *path)
{
	return strstr(path, "available_kb") || strstr(path, ".path") ||
	       strstr(path, "mmapsuite-scratch") || !strcmp(path, "topology.xml") ||
	       !strcmp(path, "topology.xml_missing") || !strcmp(path, "time_scale.mmap_munmap_us");
}

static bool path_matters(const char *path)
{
	static const char *const prefixes[] = { "kernel.release", "kernel.version", "architecture",
		"page_size", "cpu_model", "online_cpus", "topology", "thp", "vm.", "filesystems",
		"memory.total_kb", "perf_events", "root", "policy", "place." };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* Sections a newer mmapsuite records (place, time_scale): when one run has no such section
 * at all it is an older run, not a different place, and the section is not compared. */
static bool section_only_in_one(const struct ms_comparison *c, size_t run, const char *path)
{
	static const char *const sections[] = { "place", "time_scale" };
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		size_t n = strlen(sections[i]);
		if (strncmp(path, sections[i], n) != 0 || path[n] != '.')
			continue;
		return !json_object_get(c->runs[0]->environment, sections[i]) ||
		       !json_object_get(c->runs[run]->environment, sections[i]);
	}
	return false;
}

static void add_env_diff(struct ms_comparison *c, size_t *cap, size_t run, const char *path,
			 const char *a, const char *b)
{
	if (section_only_in_one(c, run, path))
		return;
	if (c->n_env == *cap)
		c->env = ms_realloc(c->env, (*cap = *cap ? *cap * 2 : 16) * sizeof(*c->env));
	struct ms_env_diff *d = &c->env[c->n_env++];
	d->run = run;
	d->path = ms_strdup(path);
	d->base = ms_strdup(a ? a : "(absent)");
	d->other = ms_strdup(b ? b : "(absent)");
	d->matters = path_matters(path);
}

static void diff_environments(struct ms_comparison *c)
{
	struct flat base = { 0 };
	size_t cap = 0;
	flatten(c->runs[0]->environment, "", &base);
	for (size_t k = 1; k < c->n_runs; k++) {
		struct flat other = { 0 };
		flatten(c->runs[k]->environment, "", &other);
		if (!ms_streq(c->runs[0]->place, c->runs[k]->place))
			add_env_diff(c, &cap, k, "place", c->runs[0]->place, c->runs[k]->place);
		for (size_t i = 0; i < base.n; i++) {
			const char *b = lookup(&other, base.path[i]);
			if (!volatile_path(base.path[i]) && (!b || strcmp(b, base.value[i]) != 0))
				add_env_diff(c, &cap, k, base.path[i], base.value[i], b);
		}
		for (size_t i = 0; i < other.n; i++)
			if (!volatile_path(other.path[i]) && !lookup(&base, other.path[i]))
				add_env_diff(c, &cap, k, other.path[i], NULL, other.value[i]);
		flat_free(&other);
	}
	flat_free(&base);
}

void ms_compare_runs(struct ms_comparison *c)
{
	pair_metrics(c);
	pair_conformance(c);
	diff_environments(c);
}

void ms_comparison_free(struct ms_comparison *c)
{
	for (size_t i = 0; i < c->n_env; i++)
		ms_free_all(c->env[i].path, c->env[i].base, c->env[i].other);
	ms_free_all(c->env, c->metrics, c->conf, c->unmatched, c->base_unmatched, c->conf_paired,
		    c->conf_unmatched, c->conf_base_unmatched, c->conf_renamed, c->smoke_run);
}
