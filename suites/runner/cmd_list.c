#include "checklist.h"
#include "commands.h"
#include "conform_runner.h"
#include "list_clauses.h"
#include "options.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool names_id(const char *ids, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = ids; (p = strstr(p, id)); p += n)
		if ((p == ids || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
			return true;
	return false;
}

static void print_tests(json_t *tests)
{
	size_t i;
	json_t *t;
	json_array_foreach(tests, i, t)
		printf("%-28s %-52s %-6s %s\n", json_string_value(json_object_get(t, "suite")),
		       json_string_value(json_object_get(t, "test")),
		       json_string_value(json_object_get(t, "spec")),
		       json_string_value(json_object_get(t, "ids")));
	printf("%zu tests\n", json_array_size(tests));
}

/* File systems on which some result of a test naming id was recorded in run. */
static void ran_on(const struct ms_run *run, const char *id, char *out, size_t len)
{
	out[0] = 0;
	for (size_t i = 0; run && i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		if (!names_id(c->ids, id) || c->outcome == MS_SKIP)
			continue;
		if (!ms_str_in_list(c->fs, out) && strlen(out) + strlen(c->fs) + 2 < len) {
			if (out[0])
				strcat(out, ",");
			strcat(out, c->fs);
		}
	}
}

/* Prints each checklist id with the tests naming it; returns the number of ids without. */
static int print_coverage(json_t *tests, const struct ms_run *run)
{
	int uncovered = 0, total = 0;
	for (const struct ms_checklist_group *g = ms_checklist_groups; g->letter; g++) {
		int in_group = 0, covered = 0;
		printf("(%c) %s\n", g->letter, g->title);
		for (const struct ms_checklist_item *c = ms_checklist; c->id; c++) {
			if (c->id[0] != g->letter)
				continue;
			in_group++;
			int n = 0;
			size_t i;
			json_t *t;
			char names[2048] = "";
			json_array_foreach(tests, i, t) {
				if (!names_id(json_string_value(json_object_get(t, "ids")), c->id))
					continue;
				n++;
				if (strlen(names) < sizeof(names) - 200) {
					strcat(names, n > 1 ? ", " : "");
					strcat(names, json_string_value(json_object_get(t, "suite")));
					strcat(names, "/");
					strcat(names, json_string_value(json_object_get(t, "test")));
				}
			}
			covered += n > 0;
			char fs[512];
			ran_on(run, c->id, fs, sizeof(fs));
			printf("  %-4s %2d test%s %s%s", c->id, n, n == 1 ? " " : "s",
			       n ? names : "NOT COVERED: ", n ? "" : c->behaviour);
			if (run)
				printf("  [ran on: %s]", fs[0] ? fs : "none");
			printf("\n");
		}
		printf("  covered %d of %d\n", covered, in_group);
		uncovered += in_group - covered;
		total += in_group;
	}
	printf("checklist: %d of %d behaviours have a test; %zu tests\n", total - uncovered, total,
	       json_array_size(tests));
	return uncovered;
}

static const char list_synopsis[] =
	"usage: mmapsuite list [--json] [--coverage | --clauses [--clauses-dir D]] [--strict] "
	"[--results DIR]\n"
	"Lists every conformance test with its spec and checklist ids.\n";

enum {
	OPT_COVERAGE = MS_OPT_OWN, OPT_CLAUSES, OPT_CLAUSES_DIR, OPT_RESULTS, OPT_STRICT, OPT_JSON
};

static const struct ms_option list_options[] = {
	{ "coverage", 0, NULL, "per checklist id: the tests that check it", OPT_COVERAGE },
	{ "clauses", 0, NULL, "per document and call: each clause of POSIX.1-2024 and\n"
	  "the man pages, its status and tests; the argument-class\n"
	  "matrix with its cells filled (suites/clauses/)", OPT_CLAUSES },
	{ "clauses-dir", 0, "D", "with --clauses: read the tables of D instead of the\n"
	  "copy compiled into mmapsuite", OPT_CLAUSES_DIR },
	{ "results", 0, "DIR", "with --coverage: also the file systems each ran on;\n"
	  "with --clauses: the verdicts of each clause's tests", OPT_RESULTS },
	{ "strict", 0, NULL, "with --coverage: exit 1 if an id has no test; with\n"
	  "--clauses: exit 1 if a clause has no valid status,\n"
	  "names a test that does not exist, or a test is named\n"
	  "by no clause", OPT_STRICT },
	{ "json", 0, NULL, "the test list as JSON", OPT_JSON },
	MS_OPTIONS_END
};
static const struct ms_option *const list_tables[] = { list_options, NULL };

int cmd_list(int argc, char **argv)
{
	bool coverage = false, clauses = false, strict = false, as_json = false;
	const char *results = NULL, *clauses_dir = NULL;
	struct ms_options p;
	ms_options_begin(&p, "list", list_tables, argc, argv);
	for (int id; (id = ms_options_next(&p)) != MS_OPT_DONE;) {
		switch (id) {
		case MS_OPT_HELP:
			return ms_options_usage(list_synopsis, list_tables, NULL);
		case OPT_COVERAGE: coverage = true; break;
		case OPT_CLAUSES: clauses = true; break;
		case OPT_CLAUSES_DIR: clauses_dir = p.arg; break;
		case OPT_STRICT: strict = true; break;
		case OPT_JSON: as_json = true; break;
		case OPT_RESULTS: results = p.arg; break;
		}
	}
	ms_options_no_operands(&p);
	struct ms_run *run = NULL;
	if (results) {
		char err[512];
		run = ms_run_load_dir(results, err, sizeof(err));
		if (!run)
			ms_die(MS_EXIT_USAGE, "%s", err);
	}
	json_t *tests = ms_conform_list();
	if (!tests)
		return MS_EXIT_FAILED;
	int rc = MS_EXIT_OK;
	if (as_json) {
		char *text = json_dumps(tests, JSON_INDENT(1));
		puts(text);
		free(text);
	} else if (clauses) {
		int r = ms_list_clauses(tests, run, clauses_dir, strict);
		rc = r == 2 ? MS_EXIT_USAGE : r ? MS_EXIT_FAILED : MS_EXIT_OK;
	} else if (coverage) {
		if (print_coverage(tests, run) && strict)
			rc = MS_EXIT_FAILED;
	} else {
		print_tests(tests);
	}
	json_decref(tests);
	ms_run_free(run);
	return rc;
}
