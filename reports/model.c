#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

bool ms_streq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

void ms_count_outcomes(const struct ms_run *run, struct ms_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < run->n_conformance; i++) {
		unsigned o = run->conformance[i].outcome;
		if (o < MS_N_OUTCOMES)
			out->n[o]++;
		out->total++;
	}
}

static void sanitize_name(char *s)
{
	for (; *s; s++)
		if (*s == '#' || *s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
			*s = '_';
}

char *ms_conf_name(const struct ms_conformance *c)
{
	bool off_host = c->place && *c->place && strcmp(c->place, "host") != 0;
	char *name = ms_asprintf("%s.%s@%s%s%s", c->suite ? c->suite : "?", c->test ? c->test : "?",
			         c->fs && *c->fs ? c->fs : "none", off_host ? "@" : "",
			         off_host ? c->place : "");
	sanitize_name(name);
	return name;
}

size_t ms_column_of(const struct ms_column *cols, size_t n, const struct ms_conformance *c)
{
	for (size_t i = 0; i < n; i++)
		if (ms_streq(cols[i].place, c->place) && ms_streq(cols[i].fs, c->fs))
			return i;
	return n;
}

void ms_count_column(const struct ms_run *run, const struct ms_column *cols, size_t n, size_t k,
		     struct ms_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < run->n_conformance; i++)
		if (ms_column_of(cols, n, &run->conformance[i]) == k) {
			out->n[run->conformance[i].outcome]++;
			out->total++;
		}
}

size_t ms_columns(const struct ms_run *run, struct ms_column **out)
{
	struct ms_column *cols = ms_calloc(run->n_conformance + 1, sizeof(*cols));
	size_t n = 0;
	for (size_t i = 0; i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		if (ms_column_of(cols, n, c) == n) {
			cols[n].place = c->place;
			cols[n].fs = c->fs;
			n++;
		}
	}
	*out = cols;
	return n;
}

const char *ms_bench_method(const struct ms_benchmark *b)
{
	static const char *const keys[] = { "method", "api", "engine" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = b->params ? json_object_get(b->params, keys[i]) : NULL;
		if (json_is_string(v))
			return json_string_value(v);
	}
	return b->bench_case;
}

static char *json_value_text(json_t *v)
{
	if (json_is_string(v))
		return ms_strdup(json_string_value(v));
	if (json_is_integer(v))
		return ms_asprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return ms_asprintf("%g", json_real_value(v));
	if (json_is_true(v))
		return ms_strdup("yes");
	if (json_is_false(v))
		return ms_strdup("no");
	if (json_is_null(v) || !v)
		return NULL;
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
}

bool ms_bench_is_time_series(const struct ms_benchmark *b)
{
	json_t *times = b->params ? json_object_get(b->params, "sample_times_s") : NULL;
	size_t i;
	json_t *t;
	if (!json_is_array(times) || json_array_size(times) != b->n_samples || !b->n_samples)
		return false;
	json_array_foreach(times, i, t)
		if (!json_is_number(t))
			return false;
	return true;
}

char *ms_param_text(const struct ms_benchmark *b, const char *name)
{
	return b->params ? json_value_text(json_object_get(b->params, name)) : NULL;
}

char *ms_params_key(const struct ms_benchmark *b, const char *leave_out)
{
	json_t *copy = b->params && json_is_object(b->params) ? json_copy(b->params) : json_object();
	const char *key;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(copy, tmp, key, v) {
		(void)v;
		if ((leave_out && ms_str_in_list(key, leave_out)) ||
		    ms_str_in_list(key, MS_PER_SAMPLE_PARAMS))
			json_object_del(copy, key);
	}
	char *s = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);
	return s ? s : ms_strdup("{}");
}

/* Colour-blind-safe first (Okabe-Ito), then Tableau tones for the hashed rest. */
static const struct {
	const char *method, *colour;
} known_colours[] = {
	{ "mmap", "#0072b2" },   { "read", "#d55e00" },    { "pread", "#e69f00" },
	{ "mmap_populate", "#56b4e9" }, { "madvise", "#009e73" }, { "direct", "#cc79a7" },
	{ "write", "#a6761d" },  { "pwrite", "#f0c300" },  { "memcpy", "#666666" },
	{ "readahead", "#117733" }, { "io_uring", "#882255" }, { "splice", "#44aa99" },
	/* A kept mapping in the mapping's blues, darker; stores in purples; sharing. */
	{ "mmap_kept", "#023858" }, { "write_fdatasync", "#7f4f0f" },
	{ "mmap_store", "#4e79a7" }, { "mmap_store_msync", "#7570b3" },
	{ "mmap_store_kept", "#2b0f6b" }, { "mmap_store_kept_msync", "#b07aa1" },
	{ "pipe", "#d55e00" }, { "mmap_shared_futex", "#0072b2" },
};
static const char *const hashed_colours[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
	"#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1b9e77", "#7570b3",
};

const char *ms_method_colour(const char *method)
{
	if (!method)
		method = "";
	for (size_t i = 0; i < sizeof(known_colours) / sizeof(known_colours[0]); i++)
		if (strcmp(known_colours[i].method, method) == 0)
			return known_colours[i].colour;
	unsigned h = 2166136261u; /* FNV-1a: stable across runs and machines */
	for (const unsigned char *p = (const unsigned char *)method; *p; p++)
		h = (h ^ *p) * 16777619u;
	return hashed_colours[h % (sizeof(hashed_colours) / sizeof(hashed_colours[0]))];
}

const char *ms_outcome_colour(enum ms_outcome o)
{
	switch (o) {
	case MS_PASS: return "#2e7d32";
	case MS_FAIL: return "#c62828";
	case MS_SKIP: return "#9e9e9e";
	case MS_BROKEN: return "#6a1b9a";
	case MS_XFAIL: return "#ef6c00";
	case MS_XPASS: return "#1565c0";
	}
	return "#000000";
}

void ms_format_bytes(double bytes, char *buf, size_t len)
{
	static const char *const prefix[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;
	while (bytes >= 1024 && i < 4) {
		bytes /= 1024;
		i++;
	}
	snprintf(buf, len, "%g %s", bytes, prefix[i]);
}

void ms_format_value(double v, char *buf, size_t len)
{
	double a = fabs(v);
	if (a >= 1e6 || (a > 0 && a < 1e-3))
		snprintf(buf, len, "%.3e", v);
	else if (a >= 1000)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.3g", v);
}

static bool is_size_key(const char *key)
{
	return strstr(key, "size") || strstr(key, "bytes") || strcmp(key, "length") == 0;
}

char *ms_params_label(const struct ms_benchmark *b, const char *leave_out)
{
	struct ms_text out = { 0 };
	ms_text_puts(&out, "");
	if (!b->params || !json_is_object(b->params))
		return out.data;
	/* Sorted keys: the same params read the same way in every table. */
	const char **keys = ms_calloc(json_object_size(b->params) + 1, sizeof(*keys));
	size_t n = 0;
	const char *key;
	json_t *v;
	json_object_foreach(b->params, key, v)
		if ((!leave_out || !ms_str_in_list(key, leave_out)) &&
		    !ms_str_in_list(key, MS_PER_SAMPLE_PARAMS))
			keys[n++] = key;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
			const char *tmp = keys[j];
			keys[j] = keys[j - 1];
			keys[j - 1] = tmp;
		}
	for (size_t i = 0; i < n; i++) {
		json_t *val = json_object_get(b->params, keys[i]);
		char *text;
		if (json_is_number(val) && is_size_key(keys[i]) && json_number_value(val) >= 1024) {
			char buf[64];
			ms_format_bytes(json_number_value(val), buf, sizeof(buf));
			text = ms_strdup(buf);
		} else {
			text = json_value_text(val);
		}
		ms_text_printf(&out, "%s%s=%s", i ? " " : "", keys[i], text ? text : "null");
		free(text);
	}
	free(keys);
	return out.data;
}

static json_t *env_path(json_t *env, const char *path, size_t len)
{
	char buf[256];
	if (len >= sizeof(buf))
		return NULL;
	memcpy(buf, path, len);
	buf[len] = 0;
	json_t *cur = env;
	for (char *save, *part = strtok_r(buf, ".", &save); part && cur;
	     part = strtok_r(NULL, ".", &save))
		cur = json_is_object(cur) ? json_object_get(cur, part) : NULL;
	/* cppcheck-suppress CastIntegerToAddressAtReturn ; a json_t pointer (no jansson.h) */
	return cur;
}

char *ms_env_text(const struct ms_run *run, const char *paths)
{
	if (!run->environment)
		return NULL;
	for (const char *p = paths; *p;) {
		size_t n = strcspn(p, "|");
		json_t *v = env_path(run->environment, p, n);
		if (json_is_string(v) || json_is_number(v))
			return json_value_text(v);
		p += n;
		if (*p == '|')
			p++;
	}
	return NULL;
}

bool ms_run_emulated(const struct ms_run *run)
{
	char *model = ms_env_text(run, "cpu_model");
	char *cmdline = ms_env_text(run, "kernel.cmdline");
	static const char word[] = "mmapsuite.accel=tcg";
	size_t n = sizeof(word) - 1;
	bool tcg = model && strstr(model, "TCG");
	/* a whole word of the command line: the kernel's parameters are blank-separated */
	for (const char *p = cmdline; !tcg && p && (p = strstr(p, word)); p++)
		tcg = (p == cmdline || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0);
	ms_free_all(model, cmdline);
	return tcg;
}
