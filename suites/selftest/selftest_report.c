/* Printing and selftest.md for `mmapsuite selftest`. The report of one file system
 * (run->extra.selftest.file_systems[]) is:
 *   fs, dir, jobs, filter          where and how the suite ran
 *   side_by_side, side_by_side_s   runs at once in the first phase, and its wall time
 *   alone_tests, alone_s           the tests run one run at a time afterwards, and the
 *                                  wall time of that phase (selftest_runs.c)
 *   clean                          {pass, fail, skip, broken, xfail, wall_s, timed_out,
 *                                   failures[], expected_failures[] (xfail under --expect),
 *                                   placebo_failures[]: pass cleanly, fail under the placebo}
 *   faults[]                       {name, group, description, library, caught, groups_catching,
 *                                   caught_by[{suite, test, ids, outcome, message}],
 *                                   skipped_under_fault[], missing[], wall_s, timed_out}
 *   groups                         {"a": [names of the libraries a test of (a) caught], ...}
 *   uncaught[], groups_without_catch
 *   requirements                   {clean_run_passes, every_fault_caught,
 *                                   every_group_catches (null when only part ran)}
 *   ok */
#include "selftest.h"
#include "clauses.h"

#include "util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static long long num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static const char *verdict(const json_t *v)
{
	return json_is_null(v) ? "not checked (only part of the suite or libraries ran)" :
	       json_is_true(v) ? "yes" : "NO";
}

/* ---- per clause family (suites/clauses/): which libraries its tests catch ---- */


struct family {
	char name[32];  /* "P-mmap", "L-madv": a clause id up to its second '-' */
	char libs[512];
	char tests[1024];
	int n_tests;
};

static void add_word(char *list, size_t len, const char *word)
{
	if (ms_str_in_list(word, list) || strlen(list) + strlen(word) + 2 >= len)
		return;
	if (list[0])
		strcat(list, ",");
	strcat(list, word);
}

/* Fills fams (at most max) from the catches of report's libraries; returns their number. */
static size_t clause_families(const json_t *report, struct family *fams, size_t max)
{
	size_t n = 0, i, j;
	json_t *f, *r;
	json_array_foreach(json_object_get(report, "faults"), i, f) {
		json_array_foreach(json_object_get(f, "caught_by"), j, r) {
			char clauses[4096], test[256];
			if (ms_clauses_for_test(str(r, "suite"), str(r, "test"), clauses,
						sizeof(clauses)) <= 0)
				continue;
			snprintf(test, sizeof(test), "%s/%s", str(r, "suite"), str(r, "test"));
			char *save;
			for (char *tok = strtok_r(clauses, ";", &save); tok;
			     tok = strtok_r(NULL, ";", &save)) {
				while (*tok == ' ')
					tok++;
				char name[32];
				snprintf(name, sizeof(name), "%s", tok);
				char *dash = strchr(name, '-');
				dash = dash ? strchr(dash + 1, '-') : NULL;
				if (!dash)
					continue;
				*dash = 0;
				size_t k = 0;
				while (k < n && strcmp(fams[k].name, name))
					k++;
				if (k == n) {
					if (n == max)
						continue;
					memset(&fams[n], 0, sizeof(fams[n]));
					snprintf(fams[n++].name, sizeof(fams[0].name), "%s", name);
				}
				add_word(fams[k].libs, sizeof(fams[k].libs), str(f, "name"));
				if (!ms_str_in_list(test, fams[k].tests)) {
					fams[k].n_tests++;
					add_word(fams[k].tests, sizeof(fams[k].tests), test);
				}
			}
		}
	}
	return n;
}

static void print_families(FILE *out, const json_t *report, bool markdown)
{
	static struct family fams[128];
	size_t n = clause_families(report, fams, 128);
	if (!n)
		return;
	if (markdown)
		fprintf(out, "\n| Clause family (suites/clauses/) | Libraries caught | Tests catching "
			"|\n|---|---|---|\n");
	else
		fprintf(out, "  clause families catching a library:\n");
	for (size_t k = 0; k < n; k++) {
		if (markdown)
			fprintf(out, "| %s | %s | %d: %s |\n", fams[k].name, fams[k].libs,
				fams[k].n_tests, fams[k].tests);
		else
			fprintf(out, "    %-14s %s (%d tests)\n", fams[k].name, fams[k].libs,
				fams[k].n_tests);
	}
}

/* Does the space separated id list name an id of group g? */
static bool in_group(const char *ids, const char *g)
{
	for (const char *p = ids; *p; p++)
		if ((p == ids || p[-1] == ' ') && *p == *g)
			return true;
	return false;
}

#define PRINTED_CATCHES 8

/* The first few catching tests, those of the library's own group first; selftest.md has
 * them all. */
static void print_catches(FILE *out, const json_t *caught, const char *group)
{
	size_t j, shown = 0;
	const json_t *r;
	for (int own = 1; own >= 0; own--)
		json_array_foreach(caught, j, r) {
			if (in_group(str(r, "ids"), group) != own || shown == PRINTED_CATCHES)
				continue;
			fprintf(out, "      %s/%s [%s] %s\n", str(r, "suite"), str(r, "test"),
				str(r, "ids"), str(r, "outcome"));
			shown++;
		}
	if (json_array_size(caught) > shown)
		fprintf(out, "      ... and %zu more (selftest.md lists them all)\n",
			json_array_size(caught) - shown);
}

void selftest_print(const json_t *report, FILE *out)
{
	const json_t *clean = json_object_get(report, "clean");
	fprintf(out, "\nselftest on %s: clean run %lld pass, %lld fail, %lld broken, %lld skip, "
		"%lld xfail (%.1f s)\n", str(report, "fs"), num(clean, "pass"), num(clean, "fail"),
		num(clean, "broken"), num(clean, "skip"), num(clean, "xfail"),
		json_number_value(json_object_get(clean, "wall_s")));
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(clean, "expected_failures"), i, r)
		fprintf(out, "  clean run xfail (known deviation, catches nothing): %s/%s: %s\n",
			str(r, "suite"), str(r, "test"),
			str(json_object_get(r, "expectation"), "reason"));
	json_array_foreach(json_object_get(clean, "failures"), i, r)
		fprintf(out, "  clean run %s: %s/%s: %s\n", str(r, "outcome"), str(r, "suite"),
			str(r, "test"), str(r, "message"));
	json_array_foreach(json_object_get(clean, "placebo_failures"), i, r)
		fprintf(out, "  placebo run %s (passes without a library): %s/%s: %s\n",
			str(r, "outcome"), str(r, "suite"), str(r, "test"), str(r, "message"));
	json_t *f;
	json_array_foreach(json_object_get(report, "faults"), i, f) {
		const json_t *caught = json_object_get(f, "caught_by");
		fprintf(out, "  %-24s (%s) %s by %zu test(s)%s%s\n", str(f, "name"),
			str(f, "group"), json_array_size(caught) ? "caught" : "NOT CAUGHT",
			json_array_size(caught), json_array_size(caught) ? ", groups " : "",
			str(f, "groups_catching"));
		print_catches(out, caught, str(f, "group"));
	}
	fprintf(out, "  groups catching a library:");
	const char *g;
	json_t *names;
	json_object_foreach(json_object_get(report, "groups"), g, names)
		fprintf(out, " (%s) %zu", g, json_array_size(names));
	fprintf(out, "\n");
	print_families(out, report, false);
	const json_t *req = json_object_get(report, "requirements");
	fprintf(out, "  clean run passes: %s; every library caught: %s; every group catches "
		"one: %s\n", verdict(json_object_get(req, "clean_run_passes")),
		verdict(json_object_get(req, "every_fault_caught")),
		verdict(json_object_get(req, "every_group_catches")));
}

/* The first line of a message, cut for a table cell, with the pipes escaped. */
static void md_message(FILE *out, const char *msg)
{
	int n = 0;
	for (const char *p = msg; *p && *p != '\n' && n < 160; p++, n++)
		fputs(*p == '|' ? "\\|" : (char[]){ *p, 0 }, out);
}

static void markdown_fs(FILE *out, const json_t *report)
{
	const json_t *clean = json_object_get(report, "clean");
	const json_t *req = json_object_get(report, "requirements");
	size_t i, j;
	json_t *f, *r;
	bool filtered = json_is_string(json_object_get(report, "filter"));
	fprintf(out, "## %s\n\nScratch directory `%s`, Criterion `--jobs %lld`%s%s%s.\n\n",
		str(report, "fs"), str(report, "dir"), num(report, "jobs"),
		filtered ? ", `--filter " : "", str(report, "filter"), filtered ? "`" : "");
	/* absent from reports written before the runs went side by side */
	if (json_object_get(report, "side_by_side"))
		fprintf(out, "Runs %lld at a time: %.1f s; then the %lld tests that hold a "
			"machine-wide lock or count faults exactly, one run at a time: %.1f s.\n\n",
			num(report, "side_by_side"),
			json_number_value(json_object_get(report, "side_by_side_s")),
			num(report, "alone_tests"),
			json_number_value(json_object_get(report, "alone_s")));
	fprintf(out, "| Requirement | Met |\n|---|---|\n"
		"| The clean run, and the run under the placebo library, have no failure | %s |\n"
		"| Every faulty library is caught by a test | %s |\n"
		"| Every checklist group (a)-(k) catches a library | %s |\n\n",
		verdict(json_object_get(req, "clean_run_passes")),
		verdict(json_object_get(req, "every_fault_caught")),
		verdict(json_object_get(req, "every_group_catches")));
	fprintf(out, "Clean run: %lld pass, %lld fail, %lld broken, %lld skip, %lld xfail in "
		"%.1f s.\n\n", num(clean, "pass"), num(clean, "fail"), num(clean, "broken"),
		num(clean, "skip"), num(clean, "xfail"),
		json_number_value(json_object_get(clean, "wall_s")));
	json_array_foreach(json_object_get(clean, "expected_failures"), i, r)
		fprintf(out, "- clean run xfail (known deviation, catches nothing): `%s/%s`: %s\n",
			str(r, "suite"), str(r, "test"),
			str(json_object_get(r, "expectation"), "reason"));
	json_array_foreach(json_object_get(clean, "failures"), i, r) {
		fprintf(out, "- clean run %s: `%s/%s`: ", str(r, "outcome"), str(r, "suite"),
			str(r, "test"));
		md_message(out, str(r, "message"));
		fputc('\n', out);
	}
	json_array_foreach(json_object_get(clean, "placebo_failures"), i, r) {
		fprintf(out, "- passes cleanly but %s under the placebo library (depends on the "
			"address layout; counts no catch): `%s/%s`: ", str(r, "outcome"),
			str(r, "suite"), str(r, "test"));
		md_message(out, str(r, "message"));
		fputc('\n', out);
	}

	fprintf(out, "\n| Faulty library | Breaks | Bug of group | Caught by | Groups catching | "
		"Time |\n|---|---|---|---|---|---|\n");
	json_array_foreach(json_object_get(report, "faults"), i, f)
		fprintf(out, "| `%s` | %s | (%s) | %zu test(s) | %s | %.1f s%s |\n", str(f, "name"),
			str(f, "description"), str(f, "group"),
			json_array_size(json_object_get(f, "caught_by")),
			str(f, "groups_catching"), json_number_value(json_object_get(f, "wall_s")),
			json_is_true(json_object_get(f, "timed_out")) ? " (stopped)" : "");

	fprintf(out, "\n| Group | Libraries caught by a test of the group |\n|---|---|\n");
	const char *g;
	json_t *names;
	json_object_foreach(json_object_get(report, "groups"), g, names) {
		fprintf(out, "| (%s) | ", g);
		json_array_foreach(names, j, r)
			fprintf(out, "%s`%s`", j ? ", " : "", json_string_value(r));
		fprintf(out, "%s |\n", json_array_size(names) ? "" : "**none**");
	}

	print_families(out, report, true);

	fprintf(out, "\n### The tests that catch each library\n");
	json_array_foreach(json_object_get(report, "faults"), i, f) {
		fprintf(out, "\n**`%s`** (%s): `%s`\n\n", str(f, "name"), str(f, "description"),
			str(f, "library"));
		json_array_foreach(json_object_get(f, "caught_by"), j, r) {
			fprintf(out, "- `%s/%s` [%s] %s: ", str(r, "suite"), str(r, "test"),
				str(r, "ids"), str(r, "outcome"));
			md_message(out, str(r, "message"));
			fputc('\n', out);
		}
		if (json_array_size(json_object_get(f, "caught_by")) == 0)
			fprintf(out, "- **no test catches it**\n");
		json_array_foreach(json_object_get(f, "skipped_under_fault"), j, r) {
			fprintf(out, "- skipped under the fault (passes cleanly): `%s/%s`: ",
				str(r, "suite"), str(r, "test"));
			md_message(out, str(r, "message"));
			fputc('\n', out);
		}
		json_array_foreach(json_object_get(f, "missing"), j, r)
			fprintf(out, "- no result under the fault: `%s`\n", json_string_value(r));
	}
	fputc('\n', out);
}

int selftest_write_markdown(const json_t *reports, const char *dir)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return -1;
	fprintf(out, "# mmapsuite selftest\n\n"
		"The conformance suite ran once cleanly and once under each faulty mmap library "
		"(an LD_PRELOAD test double that breaks one semantic, armed only inside test "
		"bodies). A library is caught by a test that passes cleanly and fails, breaks or "
		"hangs under it. To rerun one by hand: `LD_PRELOAD=<library> MMAPSUITE_DIR=<dir> "
		"MMAPSUITE_RESULTS=<file.jsonl> mmapsuite-conform --jobs 2`.\n\n");
	size_t i;
	json_t *report;
	json_array_foreach(reports, i, report)
		markdown_fs(out, report);
	if (json_array_size(reports) == 0)
		fprintf(out, "No file system under test was available.\n");
	fclose(out);
	char *path = ms_asprintf("%s/selftest.md", dir);
	int rc = ms_write_file_atomic(path, text, len);
	free(path);
	free(text);
	return rc;
}
