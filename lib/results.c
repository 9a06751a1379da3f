#include "results.h"
#include "renames.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const outcome_names[] = { "pass", "fail", "skip", "broken", "xfail",
					       "xpass" };

const char *ms_outcome_name(enum ms_outcome o)
{
	return (unsigned)o < MS_N_OUTCOMES ? outcome_names[o] : "?";
}

int ms_outcome_parse(const char *name)
{
	for (int i = 0; i < MS_N_OUTCOMES; i++)
		if (name && strcmp(name, outcome_names[i]) == 0)
			return i;
	return -1;
}

struct ms_run *ms_run_new(const char *place)
{
	struct ms_run *run = ms_calloc(1, sizeof(*run));
	char host[64] = "host", stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	gethostname(host, sizeof(host) - 1);
	for (char *p = host; *p; p++) /* the id is a directory name */
		if (*p == '/' || *p == ' ')
			*p = '_';
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	run->id = ms_asprintf("%s-%s-%d", stamp, host, (int)getpid());
	run->time = ms_utc_iso8601();
	run->place = ms_strdup(place ? place : "host");
	run->environment = json_object();
	run->extra = json_object();
	return run;
}

static void free_conformance(struct ms_conformance *c)
{
	free(c->suite), free(c->test), free(c->ids), free(c->spec), free(c->fs);
	free(c->place), free(c->message), free(c->kernel_log);
	free(c->expect_reason), free(c->expect_file), free(c->renamed_from);
}

static void free_benchmark(struct ms_benchmark *b)
{
	free(b->bench_case), free(b->metric), free(b->unit), free(b->samples), free(b->place);
	free(b->overview);
	json_decref(b->params);
	json_decref(b->counters);
	json_decref(b->paired);
}

void ms_run_free(struct ms_run *run)
{
	if (!run)
		return;
	for (size_t i = 0; i < run->n_conformance; i++)
		free_conformance(&run->conformance[i]);
	for (size_t i = 0; i < run->n_benchmarks; i++)
		free_benchmark(&run->benchmarks[i]);
	free(run->conformance), free(run->benchmarks);
	free(run->id), free(run->time), free(run->place);
	json_decref(run->environment);
	json_decref(run->extra);
	free(run);
}

static char *dup_or_null(const char *s)
{
	return s ? ms_strdup(s) : NULL;
}

void ms_run_add_conformance(struct ms_run *run, const struct ms_conformance *r)
{
	run->conformance = ms_grow(run->conformance, run->n_conformance, &run->cap_conformance,
				   sizeof(*run->conformance));
	struct ms_conformance *c = &run->conformance[run->n_conformance++];
	*c = (struct ms_conformance){
		.suite = ms_strdup(r->suite), .test = ms_strdup(r->test), .ids = ms_strdup(r->ids),
		.spec = ms_strdup(r->spec), .fs = ms_strdup(r->fs),
		.place = ms_strdup(r->place ? r->place : run->place),
		.outcome = r->outcome, .message = dup_or_null(r->message),
		.duration_s = r->duration_s, .expect_reason = dup_or_null(r->expect_reason),
		.expect_file = dup_or_null(r->expect_file), .expect_line = r->expect_line,
		.kernel_log = dup_or_null(r->kernel_log), .renamed_from = dup_or_null(r->renamed_from),
	};
}

void ms_run_add_benchmark(struct ms_run *run, const struct ms_benchmark *b)
{
	run->benchmarks = ms_grow(run->benchmarks, run->n_benchmarks, &run->cap_benchmarks,
				  sizeof(*run->benchmarks));
	struct ms_benchmark *d = &run->benchmarks[run->n_benchmarks++];
	*d = *b;
	d->bench_case = ms_strdup(b->bench_case);
	d->metric = ms_strdup(b->metric);
	d->unit = ms_strdup(b->unit);
	d->place = ms_strdup(b->place ? b->place : run->place);
	d->overview = dup_or_null(b->overview);
	d->params = b->params ? json_incref(b->params) : json_object();
	d->counters = b->counters ? json_incref(b->counters) : json_object();
	d->paired = b->paired ? json_incref(b->paired) : NULL;
	d->samples = ms_malloc((b->n_samples ? b->n_samples : 1) * sizeof(double));
	if (b->n_samples)
		memcpy(d->samples, b->samples, b->n_samples * sizeof(double));
}

/* ---- to JSON ---- */

static json_t *conformance_to_json(const struct ms_conformance *c)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:f}", "suite", c->suite,
			      "test", c->test, "ids", c->ids, "spec", c->spec, "fs", c->fs, "place",
			      c->place, "outcome", ms_outcome_name(c->outcome), "message",
			      c->message, "duration_s", c->duration_s);
	if (c->expect_reason)
		json_object_set_new(o, "expectation",
				    json_pack("{s:s, s:s?, s:i}", "reason", c->expect_reason, "file",
					      c->expect_file, "line", c->expect_line));
	if (c->kernel_log)
		json_object_set_new(o, "kernel_log", json_string(c->kernel_log));
	if (c->renamed_from)
		json_object_set_new(o, "renamed_from", json_string(c->renamed_from));
	return o;
}

static json_t *benchmark_to_json(const struct ms_benchmark *b)
{
	json_t *samples = json_array();
	for (size_t i = 0; i < b->n_samples; i++)
		json_array_append_new(samples, json_real(b->samples[i]));
	json_t *o = json_pack("{s:s, s:O, s:s, s:s, s:b, s:o, s:f, s:f, s:f, s:b, s:b, s:O, s:s}",
			      "case", b->bench_case, "params", b->params, "metric", b->metric, "unit",
			      b->unit, "higher_is_better", b->higher_is_better, "samples", samples,
			      "median", b->median, "ci_low", b->ci_low, "ci_high", b->ci_high,
			      "noisy", b->noisy, "drifting", b->drifting, "counters", b->counters,
			      "place", b->place);
	if (b->paired)
		json_object_set(o, "paired", b->paired);
	if (b->overview)
		json_object_set_new(o, "overview", json_string(b->overview));
	return o;
}

json_t *ms_run_to_json(const struct ms_run *run)
{
	json_t *conf = json_array(), *bench = json_array();
	for (size_t i = 0; i < run->n_conformance; i++)
		json_array_append_new(conf, conformance_to_json(&run->conformance[i]));
	for (size_t i = 0; i < run->n_benchmarks; i++)
		json_array_append_new(bench, benchmark_to_json(&run->benchmarks[i]));
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:O, s:o, s:o, s:O}", "schema", MS_SCHEMA_NAME,
			 "schema_version", MS_SCHEMA_VERSION, "id", run->id, "time", run->time,
			 "place", run->place, "environment", run->environment, "conformance",
			 conf, "benchmarks", bench, "extra", run->extra);
}

/* ---- from JSON, validating every field ---- */

struct reader {
	char *err;
	size_t errlen;
	bool failed;
	int version;          /* the file's schema_version */
};

static void fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct reader *r, const char *fmt, ...)
{
	if (r->failed)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	r->failed = true;
}

static char *get_string(struct reader *r, json_t *obj, const char *where, const char *key,
			bool nullable)
{
	json_t *v = json_object_get(obj, key);
	if ((!v || json_is_null(v)) && nullable)
		return NULL;
	if (!json_is_string(v)) {
		fail(r, "%s.%s: %s", where, key, v ? "must be a string" : "missing");
		return NULL;
	}
	return ms_strdup(json_string_value(v));
}

static double get_number(struct reader *r, json_t *obj, const char *where, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_number(v)) {
		fail(r, "%s.%s: %s", where, key, v ? "must be a number" : "missing");
		return 0;
	}
	return json_number_value(v);
}

static bool get_bool(struct reader *r, json_t *obj, const char *where, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_boolean(v)) {
		fail(r, "%s.%s: %s", where, key, v ? "must be true or false" : "missing");
		return false;
	}
	return json_is_true(v);
}

static json_t *get_object(struct reader *r, json_t *obj, const char *where, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_object(v)) {
		fail(r, "%s.%s: %s", where, key, v ? "must be an object" : "missing");
		return json_object();
	}
	return json_incref(v);
}

/* Adds c under the name(s) it has today: a test renamed or split since the run was made is
 * read as its new name(s), each keeping the result and naming the old one in renamed_from. */
static void add_under_todays_names(struct ms_run *run, const struct ms_conformance *c)
{
	char *name = ms_asprintf("%s/%s", c->suite, c->test);
	const char *now[64];
	size_t n = ms_renamed_to(name, now, sizeof(now) / sizeof(now[0]));
	if (n > sizeof(now) / sizeof(now[0]))
		n = sizeof(now) / sizeof(now[0]);
	if (n == 0)
		ms_run_add_conformance(run, c);
	for (size_t k = 0; k < n; k++) {
		struct ms_conformance renamed = *c;
		if (ms_split_test_name(now[k], &renamed.suite, &renamed.test) != 0)
			continue; /* renames_test.c checks every new name has a '/' */
		renamed.renamed_from = c->renamed_from ? c->renamed_from : name;
		ms_run_add_conformance(run, &renamed);
		free(renamed.suite), free(renamed.test);
	}
	free(name);
}

/* Before version 4 a test whose set-up failed ended with a failed assertion whose message
 * began "BROKEN: ", stored as "fail" (or as "broken", the prefix kept): read as the broken
 * result it was, the way version 4 stores it. */
static void read_legacy_broken(const struct reader *r, struct ms_conformance *c)
{
	size_t n = strlen(MS_LEGACY_BROKEN_PREFIX);
	if (r->version >= 4 || (c->outcome != MS_FAIL && c->outcome != MS_BROKEN) || !c->message ||
	    strncmp(c->message, MS_LEGACY_BROKEN_PREFIX, n) != 0)
		return;
	c->outcome = MS_BROKEN;
	memmove(c->message, c->message + n, strlen(c->message + n) + 1);
}

static void read_conformance(struct reader *r, struct ms_run *run, json_t *item, const char *where)
{
	struct ms_conformance c = {
		.suite = get_string(r, item, where, "suite", false),
		.test = get_string(r, item, where, "test", false),
		.ids = get_string(r, item, where, "ids", false),
		.spec = get_string(r, item, where, "spec", false),
		.fs = get_string(r, item, where, "fs", false),
		.place = get_string(r, item, where, "place", false),
		.message = get_string(r, item, where, "message", true),
		.duration_s = get_number(r, item, where, "duration_s"),
		.kernel_log = get_string(r, item, where, "kernel_log", true),
		.renamed_from = get_string(r, item, where, "renamed_from", true),
	};
	char *outcome = get_string(r, item, where, "outcome", false);
	int o = ms_outcome_parse(outcome);
	if (outcome && (o < 0 || (r->version < 2 && o >= MS_XFAIL)))
		fail(r, "%s.outcome: '%s' is not pass, fail, skip or broken%s", where, outcome,
		     r->version < 2 ? "" : ", xfail or xpass");
	c.outcome = o < 0 ? MS_BROKEN : (enum ms_outcome)o;
	read_legacy_broken(r, &c);
	json_t *e = json_object_get(item, "expectation");
	if (e && !json_is_null(e)) {
		char ewhere[64];
		snprintf(ewhere, sizeof(ewhere), "%s.expectation", where);
		if (!json_is_object(e)) {
			fail(r, "%s: must be an object", ewhere);
		} else {
			c.expect_reason = get_string(r, e, ewhere, "reason", false);
			c.expect_file = get_string(r, e, ewhere, "file", true);
			json_t *line = json_object_get(e, "line");
			if (line && !json_is_integer(line))
				fail(r, "%s.line: must be an integer", ewhere);
			c.expect_line = (int)json_integer_value(line);
		}
	}
	if (!r->failed && (c.outcome == MS_XFAIL || c.outcome == MS_XPASS) && !c.expect_reason)
		fail(r, "%s: outcome %s without the \"expectation\" that decided it", where,
		     outcome);
	if (!r->failed)
		add_under_todays_names(run, &c);
	free(outcome);
	free_conformance(&c);
}

static void read_benchmark(struct reader *r, struct ms_run *run, json_t *item, const char *where)
{
	struct ms_benchmark b = {
		.bench_case = get_string(r, item, where, "case", false),
		.params = get_object(r, item, where, "params"),
		.metric = get_string(r, item, where, "metric", false),
		.unit = get_string(r, item, where, "unit", false),
		.higher_is_better = get_bool(r, item, where, "higher_is_better"),
		.median = get_number(r, item, where, "median"),
		.ci_low = get_number(r, item, where, "ci_low"),
		.ci_high = get_number(r, item, where, "ci_high"),
		.noisy = get_bool(r, item, where, "noisy"),
		/* Optional: results written before the drift test have none. */
		.drifting = json_is_true(json_object_get(item, "drifting")),
		.counters = get_object(r, item, where, "counters"),
		.place = get_string(r, item, where, "place", false),
		/* Optional: results written before the role was recorded have none. */
		.overview = get_string(r, item, where, "overview", true),
	};
	/* Optional (schema 3): a variant sampled in pairs. */
	json_t *paired = json_object_get(item, "paired");
	if (paired && !json_is_object(paired))
		fail(r, "%s.paired: must be an object", where);
	else if (paired)
		b.paired = json_incref(paired);
	json_t *samples = json_object_get(item, "samples");
	if (!json_is_array(samples)) {
		fail(r, "%s.samples: %s", where, samples ? "must be an array" : "missing");
	} else {
		b.n_samples = json_array_size(samples);
		b.samples = ms_calloc(b.n_samples ? b.n_samples : 1, sizeof(double));
		for (size_t k = 0; k < b.n_samples; k++) {
			json_t *s = json_array_get(samples, k);
			if (!json_is_number(s))
				fail(r, "%s.samples[%zu]: must be a number", where, k);
			else
				b.samples[k] = json_number_value(s);
		}
	}
	if (!r->failed)
		ms_run_add_benchmark(run, &b);
	free_benchmark(&b);
}

/* Reads each object of array (the results' list name) with read, which gets the object's
 * place for messages ("conformance[3]"), until the first error. */
static void read_items(struct reader *r, struct ms_run *run, json_t *array, const char *name,
		       void (*read)(struct reader *, struct ms_run *, json_t *, const char *))
{
	for (size_t i = 0; !r->failed && i < json_array_size(array); i++) {
		char where[48];
		snprintf(where, sizeof(where), "%s[%zu]", name, i);
		json_t *item = json_array_get(array, i);
		if (json_is_object(item))
			read(r, run, item, where);
		else
			fail(r, "%s: must be an object", where);
	}
}

struct ms_run *ms_run_from_json(json_t *root, char *err, size_t errlen)
{
	struct reader r = { .err = err, .errlen = errlen };
	if (!json_is_object(root)) {
		fail(&r, "not a results file (the top level is not a JSON object)");
		return NULL;
	}
	json_t *schema = json_object_get(root, "schema");
	if (!json_is_string(schema) || strcmp(json_string_value(schema), MS_SCHEMA_NAME) != 0) {
		fail(&r, "not a results file (no \"schema\": \"%s\")", MS_SCHEMA_NAME);
		return NULL;
	}
	json_t *version = json_object_get(root, "schema_version");
	if (!json_is_integer(version) || json_integer_value(version) < 1) {
		fail(&r, "schema_version is missing or not a positive integer");
		return NULL;
	}
	if (json_integer_value(version) > MS_SCHEMA_VERSION) {
		fail(&r, "schema version %lld is newer than this mmapsuite reads (%d); update mmapsuite",
		     (long long)json_integer_value(version), MS_SCHEMA_VERSION);
		return NULL;
	}
	r.version = (int)json_integer_value(version);
	struct ms_run *run = ms_calloc(1, sizeof(*run));
	run->id = get_string(&r, root, "results", "id", false);
	run->time = get_string(&r, root, "results", "time", false);
	run->place = get_string(&r, root, "results", "place", false);
	run->environment = get_object(&r, root, "results", "environment");
	run->extra = get_object(&r, root, "results", "extra");
	json_t *conf = json_object_get(root, "conformance");
	json_t *bench = json_object_get(root, "benchmarks");
	if (!json_is_array(conf))
		fail(&r, "conformance: %s", conf ? "must be an array" : "missing");
	if (!json_is_array(bench))
		fail(&r, "benchmarks: %s", bench ? "must be an array" : "missing");
	read_items(&r, run, conf, "conformance", read_conformance);
	read_items(&r, run, bench, "benchmarks", read_benchmark);
	if (r.failed) {
		ms_run_free(run);
		return NULL;
	}
	return run;
}

int ms_run_save(const struct ms_run *run, const char *path)
{
	json_t *root = ms_run_to_json(run);
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	size_t len = strlen(text);
	text = ms_realloc(text, len + 2);
	text[len++] = '\n';
	text[len] = 0;
	int rc = ms_write_file_atomic(path, text, len);
	free(text);
	return rc;
}

struct ms_run *ms_run_load(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	struct stat st;
	const char *unusable = stat(path, &st) != 0 ? strerror(errno) :
			       !S_ISREG(st.st_mode) ? "not a regular file" : NULL;
	if (unusable) {
		snprintf(err, errlen, "%s: %s", path, unusable);
		return NULL;
	}
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errlen, "%s: not valid JSON (line %d, column %d: %s)%s", path,
			 jerr.line, jerr.column, jerr.text,
			 st.st_size == 0 ? "; the file is empty" : "");
		return NULL;
	}
	char inner[512];
	struct ms_run *run = ms_run_from_json(root, inner, sizeof(inner));
	json_decref(root);
	if (!run)
		snprintf(err, errlen, "%s: %s", path, inner);
	return run;
}

struct ms_run *ms_run_load_dir(const char *dir_or_file, char *err, size_t errlen)
{
	struct stat st;
	if (stat(dir_or_file, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *path = ms_asprintf("%s/results.json", dir_or_file);
		struct ms_run *run = ms_run_load(path, err, errlen);
		free(path);
		return run;
	}
	return ms_run_load(dir_or_file, err, errlen);
}
