/* `mmapsuite selftest`: proves that the conformance suite can fail. mmapsuite-conform runs once
 * cleanly and once under each faulty mmap library (LD_PRELOAD, see faulty.h; the runs:
 * selftest_runs.c); a test that passes cleanly and fails, breaks or hangs under a library has
 * caught it. Required: every library is caught, every checklist group (a)-(k) catches at
 * least one library, and the clean run has no failure. The report goes into the run's
 * results.json (extra.selftest) and selftest.md. */
#include "selftest.h"

#include "commands.h"
#include "install_dirs.h"
#include "env.h"
#include "harness.h"
#include "options.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct selftest_fault selftest_faults[] = {
#define FAULTY(name, group, description) { #name, group, description },
#include "faulty.def"
#undef FAULTY
};
const int selftest_n_faults = sizeof(selftest_faults) / sizeof(selftest_faults[0]);

struct options {
	struct selftest_opts run;
	const char *only;      /* --fault NAME,...: NULL for every library */
};

static const char usage[] =
	"usage: mmapsuite selftest [options]\n"
	"\n"
	"Runs the conformance suite once cleanly and once under each faulty mmap library\n"
	"(LD_PRELOAD test doubles that each break one semantic) and reports which tests catch\n"
	"each library. Exits 1 unless every library is caught, every checklist group (a)-(k)\n"
	"catches at least one, and the clean run has no failure. Default file system: tmpfs.\n"
	"With --expect FILE a clean-run failure FILE matches is XFAIL: it does not fail the\n"
	"clean run and never counts as catching a library.\n"
	"The runs go side by side (--side-by-side), except for the tests that hold a\n"
	"machine-wide lock or count faults exactly: those run one run at a time.\n"
	"\n";

enum { OPT_JOBS = MS_OPT_OWN, OPT_SIDE_BY_SIDE, OPT_FILTER, OPT_FAULT, OPT_RUN_TIMEOUT, OPT_LIST };
static const struct ms_option selftest_options[] = {
	{ "jobs", 0, "N", "parallel test processes per run (default 2)", OPT_JOBS },
	{ "side-by-side", 0, "N", "runs of the suite at once, for its tests that need not run "
	  "alone (default 2; 1: one run at a time)", OPT_SIDE_BY_SIDE },
	{ "filter", 0, "PATTERN", "run only the tests matching this Criterion pattern (suite/test)",
	  OPT_FILTER },
	{ "fault", 0, "LIST", "run only these faulty libraries, comma separated (see --list)",
	  OPT_FAULT },
	{ "run-timeout", 0, "S", "stop each part of a run of the suite after S seconds "
	  "(default 120)",
	  OPT_RUN_TIMEOUT },
	{ "list", 0, NULL, "print the faulty libraries and what each breaks, then exit", OPT_LIST },
	MS_OPTIONS_END
};
static const struct ms_option *const selftest_tables[] = { selftest_options, ms_harness_options,
							   NULL };

static void list_faults(void)
{
	for (int i = 0; i < selftest_n_faults; i++)
		printf("%-24s (%s) %s\n", selftest_faults[i].name, selftest_faults[i].group,
		       selftest_faults[i].description);
}

static bool fault_selected(const struct options *o, const char *name)
{
	return !o->only || ms_str_in_list(name, o->only);
}

static char *library_path(const char *fault)
{
	return ms_asprintf("%s/libfaulty-%s.so", ms_private_lib_dir(), fault);
}

/* ---- judging ---- */

/* Adds the group letter g to the set held in the string groups. */
static void add_group(char *groups, char g)
{
	if (!strchr(groups, g)) {
		size_t n = strlen(groups);
		groups[n] = g;
		groups[n + 1] = 0;
	}
}

static const char *outcome_of(const json_t *r)
{
	const char *o = json_string_value(json_object_get(r, "outcome"));
	return o ? o : "";
}

static json_t *result_summary(const json_t *r, const char *outcome, const char *message)
{
	return json_pack("{s:O, s:O, s:O, s:s, s:s?}", "suite", json_object_get(r, "suite"),
			 "test", json_object_get(r, "test"), "ids", json_object_get(r, "ids"),
			 "outcome", outcome, "message", message);
}

/* The tests that pass cleanly (without a library and under the placebo) and do not pass
 * under the library. */
static json_t *judge_fault(const struct selftest_fault *f, const json_t *clean,
			   const json_t *placebo, const struct selftest_run *run,
			   const struct options *o)
{
	json_t *caught = json_array(), *skipped = json_array(), *missing = json_array();
	char groups[sizeof(SELFTEST_GROUPS)] = "";
	const char *key;
	json_t *c;
	json_object_foreach((json_t *)clean, key, c) {
		if (strcmp(outcome_of(c), "pass") ||
		    strcmp(outcome_of(json_object_get(placebo, key)), "pass"))
			continue;
		json_t *r = json_object_get(run->results, key);
		json_t *hit = NULL;
		if (!r && run->timed_out) {
			char msg[128];
			snprintf(msg, sizeof(msg), "no result: still running when the run was stopped "
				 "after %.0f s", o->run.run_limit_s);
			hit = result_summary(c, "hung", msg);
		} else if (!r) {
			json_array_append_new(missing, json_string(key));
		} else if (!strcmp(outcome_of(r), "fail") || !strcmp(outcome_of(r), "broken")) {
			hit = result_summary(r, outcome_of(r),
					     json_string_value(json_object_get(r, "message")));
		} else if (!strcmp(outcome_of(r), "skip")) {
			json_array_append_new(skipped, result_summary(r, "skip",
				json_string_value(json_object_get(r, "message"))));
		}
		if (!hit)
			continue;
		json_array_append_new(caught, hit);
		const char *ids = json_string_value(json_object_get(c, "ids"));
		for (const char *p = ids; p && *p; p++)
			if ((p == ids || p[-1] == ' ') && strchr(SELFTEST_GROUPS, *p))
				add_group(groups, *p);
	}
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:o, s:o, s:o, s:f, s:b}", "name", f->name,
			 "group", f->group, "description", f->description,
			 "caught", json_array_size(caught) > 0, "groups_catching", groups,
			 "caught_by", caught, "skipped_under_fault", skipped, "missing", missing,
			 "wall_s", run->wall_s, "timed_out", run->timed_out);
}

static void count_outcomes(const json_t *results, int *pass, int *fail, int *skip, int *broken)
{
	const char *key;
	json_t *r;
	*pass = *fail = *skip = *broken = 0;
	json_object_foreach((json_t *)results, key, r) {
		const char *o = outcome_of(r);
		*pass += !strcmp(o, "pass");
		*fail += !strcmp(o, "fail");
		*skip += !strcmp(o, "skip");
		*broken += !strcmp(o, "broken");
	}
}

/* A result's string field, borrowed (NULL when missing); ms_run_add_conformance copies it. */
static char *text_of(const json_t *r, const char *key)
{
	return (char *)json_string_value(json_object_get(r, key));
}

/* The clean run's results are real conformance results of this run: kept in results.json. */
static void add_clean_results(struct ms_run *run, const json_t *results, const char *fs)
{
	const char *key;
	json_t *r;
	json_object_foreach((json_t *)results, key, r) {
		int outcome = ms_outcome_parse(outcome_of(r));
		if (outcome < 0)
			continue;
		struct ms_conformance c = {
			.suite = text_of(r, "suite"), .test = text_of(r, "test"),
			.ids = text_of(r, "ids"), .spec = text_of(r, "spec"),
			.fs = (char *)fs, .place = run->place,
			.outcome = (enum ms_outcome)outcome, .message = text_of(r, "message"),
			.duration_s = json_number_value(json_object_get(r, "duration_s")),
		};
		ms_run_add_conformance(run, &c);
	}
}

/* --expect: a clean-run failure an expectation line matches is a known deviation of this
 * kernel, marked "xfail" here. It does not make the clean run fail, and, not being a pass, it
 * can never be the test that catches a faulty library. */
static void expect_clean(const struct ms_harness *h, json_t *results, const char *fs)
{
	const char *key;
	json_t *r;
	json_object_foreach(results, key, r) {
		if (!h->expect || strcmp(outcome_of(r), "fail"))
			continue;
		struct ms_conformance c = {
			.suite = (char *)json_string_value(json_object_get(r, "suite")),
			.test = (char *)json_string_value(json_object_get(r, "test")),
			.fs = (char *)fs, .outcome = MS_FAIL,
			.message = (char *)json_string_value(json_object_get(r, "message")),
		};
		const char *type = ms_env_fs_type(h->run->environment, fs);
		const struct ms_expectation *x = c.suite && c.test ?
			ms_expect_match(h->expect, &c, type) : NULL;
		if (!x)
			continue;
		json_object_set_new(r, "outcome", json_string("xfail"));
		json_object_set_new(r, "expectation", json_pack("{s:s, s:s, s:i}", "reason",
			x->reason, "file", h->expect->file, "line", x->line));
	}
}

static json_t *clean_summary(const struct selftest_run *clean, const json_t *placebo)
{
	int pass, fail, skip, broken;
	count_outcomes(clean->results, &pass, &fail, &skip, &broken);
	json_t *failures = json_array(), *expected = json_array();
	const char *key;
	json_t *r;
	json_object_foreach(clean->results, key, r) {
		if (!strcmp(outcome_of(r), "fail") || !strcmp(outcome_of(r), "broken"))
			json_array_append_new(failures, result_summary(r, outcome_of(r),
				json_string_value(json_object_get(r, "message"))));
		if (!strcmp(outcome_of(r), "xfail"))
			json_array_append_new(expected, json_pack("{s:O, s:O, s:O}", "suite",
				json_object_get(r, "suite"), "test", json_object_get(r, "test"),
				"expectation", json_object_get(r, "expectation")));
	}
	/* A test that passes cleanly but not under the placebo depends on the address layout
	 * or on being alone in the process: it could "catch" any library, so it counts none. */
	json_t *placebo_failures = json_array();
	json_object_foreach(clean->results, key, r) {
		json_t *p = json_object_get(placebo, key);
		if (!strcmp(outcome_of(r), "pass") && strcmp(outcome_of(p), "pass") &&
		    strcmp(outcome_of(p), "skip"))
			json_array_append_new(placebo_failures, result_summary(p ? p : r,
				p ? outcome_of(p) : "missing",
				p ? json_string_value(json_object_get(p, "message")) : NULL));
	}
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:f, s:b, s:o, s:o, s:o}", "pass", pass,
			 "fail", fail, "skip", skip, "broken", broken, "xfail",
			 (int)json_array_size(expected), "wall_s", clean->wall_s, "timed_out",
			 clean->timed_out, "failures", failures, "expected_failures", expected,
			 "placebo_failures", placebo_failures);
}

/* ---- one file system ---- */

static char *safe_name(const char *label)
{
	char *s = ms_strdup(label);
	for (char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ')
			*p = '_';
	return s;
}

static json_t *selftest_fs(const struct options *o, struct ms_harness *h,
			   const struct ms_scratch *fs, bool full)
{
	char *label = safe_name(fs->label);
	char *work = ms_asprintf("%s/selftest/%s", h->run_dir, label);
	if (ms_mkdir_p(work, 0755) != 0)
		ms_die(MS_EXIT_FAILED, "cannot create %s: %s", work, strerror(errno));

	/* runs[0] is the clean run, runs[1] the placebo's, then the selected libraries' */
	struct selftest_run *runs = ms_calloc((size_t)selftest_n_faults + 2, sizeof(*runs));
	const struct selftest_fault **fault_of = ms_calloc((size_t)selftest_n_faults + 2,
							   sizeof(*fault_of));
	int n = 0;
	runs[n++] = (struct selftest_run){ .name = "clean" };
	runs[n++] = (struct selftest_run){ .name = "placebo", .lib = library_path("none") };
	for (int i = 0; i < selftest_n_faults; i++)
		if (fault_selected(o, selftest_faults[i].name)) {
			fault_of[n] = &selftest_faults[i];
			runs[n++] = (struct selftest_run){ .name = selftest_faults[i].name,
							   .lib = library_path(selftest_faults[i].name) };
		}
	struct selftest_timing timing;
	selftest_run_all(&o->run, runs, n, fs->path, work, &timing);
	fprintf(stderr, "selftest %s: %d runs of the suite, %d at once: %.1f s (CPU %.1f s); then "
		"its %d tests that run alone, one run at a time: %.1f s (CPU %.1f s)\n", fs->label,
		n, o->run.side_by_side, timing.beside_s, timing.beside_cpu_s, timing.alone_tests,
		timing.alone_s, timing.alone_cpu_s);

	struct selftest_run *clean = &runs[0], *placebo = &runs[1];
	add_clean_results(h->run, clean->results, fs->label);
	expect_clean(h, clean->results, fs->label);
	json_t *clean_json = clean_summary(clean, placebo->results);
	fprintf(stderr, "selftest %s: clean run: %lld pass, %lld fail, %lld broken, %lld skip, "
		"%lld xfail (%.1f s)\n", fs->label,
		json_integer_value(json_object_get(clean_json, "pass")),
		json_integer_value(json_object_get(clean_json, "fail")),
		json_integer_value(json_object_get(clean_json, "broken")),
		json_integer_value(json_object_get(clean_json, "skip")),
		json_integer_value(json_object_get(clean_json, "xfail")), clean->wall_s);

	json_t *faults = json_array(), *uncaught = json_array(), *groups = json_object();
	for (const char *g = SELFTEST_GROUPS; *g; g++)
		json_object_set_new(groups, (char[]){ *g, 0 }, json_array());
	for (int i = 2; i < n; i++) {
		const struct selftest_fault *f = fault_of[i];
		struct selftest_run *run = &runs[i];
		json_t *judged = judge_fault(f, clean->results, placebo->results, run, o);
		json_object_set_new(judged, "library", json_string(run->lib));
		fprintf(stderr, "selftest %s: %-24s caught by %zu test(s) (%.1f s%s)\n", fs->label,
			f->name, json_array_size(json_object_get(judged, "caught_by")), run->wall_s,
			run->timed_out ? ", stopped" : "");
		if (!json_is_true(json_object_get(judged, "caught")))
			json_array_append_new(uncaught, json_string(f->name));
		for (const char *g = json_string_value(json_object_get(judged, "groups_catching"));
		     *g; g++)
			json_array_append_new(json_object_get(groups, (char[]){ *g, 0 }),
					      json_string(f->name));
		json_array_append_new(faults, judged);
	}

	char silent[sizeof(SELFTEST_GROUPS)] = "";
	for (const char *g = SELFTEST_GROUPS; *g; g++)
		if (json_array_size(json_object_get(groups, (char[]){ *g, 0 })) == 0)
			add_group(silent, *g);
	bool clean_ok = !clean->timed_out && !placebo->timed_out &&
			json_integer_value(json_object_get(clean_json, "pass")) > 0 &&
			json_array_size(json_object_get(clean_json, "failures")) == 0 &&
			json_array_size(json_object_get(clean_json, "placebo_failures")) == 0;
	bool all_caught = json_array_size(uncaught) == 0;
	/* With --fault or --filter only part of the suite or of the libraries ran: the group
	 * requirement cannot be judged and is reported as not checked. */
	json_t *groups_ok = full ? json_boolean(!silent[0]) : json_null();
	bool ok = clean_ok && all_caught && (!full || !silent[0]);
	json_t *report = json_pack(
		"{s:s, s:s, s:i, s:i, s:i, s:f, s:f, s:s?, s:o, s:o, s:o, s:o, s:s, "
		"s:{s:b, s:b, s:o}, s:b}",
		"fs", fs->label, "dir", fs->path, "jobs", o->run.jobs, "side_by_side",
		o->run.side_by_side, "alone_tests", timing.alone_tests, "side_by_side_s",
		timing.beside_s, "alone_s", timing.alone_s, "filter", o->run.filter,
		"clean", clean_json, "faults", faults, "groups", groups, "uncaught", uncaught,
		"groups_without_catch", silent, "requirements", "clean_run_passes", clean_ok,
		"every_fault_caught", all_caught, "every_group_catches", groups_ok, "ok", ok);
	for (int i = 0; i < n; i++) {
		json_decref(runs[i].results);
		free(runs[i].lib);
	}
	free(runs);
	free(fault_of);
	free(work);
	free(label);
	return report;
}

/* ---- the command ---- */

static int parse_int(const char *opt, const char *v, int lo, int hi)
{
	char *end;
	errno = 0;
	long n = v ? strtol(v, &end, 10) : 0;
	if (!v || errno || *end || n < lo || n > hi)
		ms_die(MS_EXIT_USAGE, "%s: '%s' is not a number from %d to %d", opt, v ? v : "",
		       lo, hi);
	return (int)n;
}

static void check_fault_list(const char *list)
{
	char *copy = ms_strdup(list);
	for (char *save, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool known = false;
		for (int i = 0; i < selftest_n_faults; i++)
			known |= !strcmp(t, selftest_faults[i].name);
		if (!known)
			ms_die(MS_EXIT_USAGE, "--fault: unknown faulty library '%s' (see "
			       "mmapsuite selftest --list)", t);
	}
	free(copy);
}

/* Everything the runs need is checked before the harness writes anything. */
static void check_built(const struct options *o)
{
	char *bin = ms_asprintf("%s/mmapsuite-conform", ms_runner_dir());
	if (access(bin, X_OK) != 0)
		ms_die(MS_EXIT_USAGE, "%s: %s (build the target mmapsuite-conform)", bin,
		       strerror(errno));
	free(bin);
	for (int i = -1; i < selftest_n_faults; i++) {
		const char *name = i < 0 ? "none" : selftest_faults[i].name;
		char *lib = library_path(name);
		if ((i < 0 || fault_selected(o, name)) && access(lib, R_OK) != 0)
			ms_die(MS_EXIT_USAGE, "%s: %s (build the target faulty-libraries)", lib,
			       strerror(errno));
		free(lib);
	}
}

int cmd_selftest(int argc, char **argv)
{
	struct ms_harness h = { 0 };
	struct options o = { .run = { .jobs = 2, .side_by_side = 2, .run_limit_s = 120 } };
	struct ms_options p;
	ms_options_begin(&p, "selftest", selftest_tables, argc, argv);
	for (int id; (id = ms_options_next(&p)) != MS_OPT_DONE;) {
		switch (id) {
		case MS_OPT_HELP:
			fputs(usage, stdout);
			ms_options_help(stdout, selftest_tables);
			return MS_EXIT_OK;
		case OPT_LIST:
			list_faults();
			return MS_EXIT_OK;
		case OPT_JOBS:
			o.run.jobs = parse_int(p.given, p.arg, 1, 256);
			break;
		case OPT_SIDE_BY_SIDE:
			o.run.side_by_side = parse_int(p.given, p.arg, 1, 8);
			break;
		case OPT_RUN_TIMEOUT:
			o.run.run_limit_s = parse_int(p.given, p.arg, 10, 3600);
			break;
		case OPT_FILTER:
			if (!*p.arg)
				ms_die(MS_EXIT_USAGE, "selftest: %s needs a value (see --help)", p.given);
			o.run.filter = p.arg;
			break;
		case OPT_FAULT:
			if (!*p.arg)
				ms_die(MS_EXIT_USAGE, "selftest: %s needs a value (see --help)", p.given);
			check_fault_list(p.arg);
			o.only = p.arg;
			break;
		default:
			ms_harness_handle(&h, id, p.given, p.arg);
		}
	}
	ms_options_no_operands(&p);
	check_built(&o);
	if (!h.fs_list[0] && !h.n_dirs)
		snprintf(h.fs_list, sizeof(h.fs_list), "tmpfs");
	bool full = !o.only && !o.run.filter;

	ms_harness_begin(&h);
	json_t *reports = json_array();
	bool ok = true;
	for (int i = 0; i < h.n_fs; i++) {
		if (!h.fs[i].available)
			continue;
		json_t *report = selftest_fs(&o, &h, &h.fs[i], full);
		selftest_print(report, stdout);
		ok &= json_is_true(json_object_get(report, "ok"));
		json_array_append_new(reports, report);
	}
	if (json_array_size(reports) == 0) {
		ms_warn("selftest: no file system under test is available (see the SKIP lines above)");
		ok = false;
	}
	json_object_set_new(h.run->extra, "selftest",
			    json_pack("{s:b, s:o}", "ok", ok, "file_systems", reports));
	if (selftest_write_markdown(reports, h.run_dir) != 0) {
		ms_warn("cannot write %s/selftest.md: %s", h.run_dir, strerror(errno));
		ok = false;
	}
	int saved = ms_harness_end(&h);
	if (h.strict_expect && h.n_xpass)
		ok = false; /* --strict-expect: a line that no longer matches a failure fails */
	printf("selftest: %s\n", ok ? "PASS: every requirement met" : "FAIL (see above)");
	return !ok ? MS_EXIT_FAILED : saved;
}
