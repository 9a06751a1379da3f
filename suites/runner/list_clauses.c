/* `mmapsuite list --clauses`: the traceability tables (suites/clauses/) per document and per
 * call, the argument-class matrix, and with --results the verdicts each clause received. */
#include "clauses.h"
#include "list_clauses.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool test_exists(json_t *tests, const char *name)
{
	size_t i;
	json_t *t;
	const char *slash = strchr(name, '/');
	if (!slash)
		return false;
	size_t ls = (size_t)(slash - name);
	json_array_foreach(tests, i, t) {
		const char *s = json_string_value(json_object_get(t, "suite"));
		const char *n = json_string_value(json_object_get(t, "test"));
		if (s && n && strlen(s) == ls && !strncmp(s, name, ls) && !strcmp(n, slash + 1))
			return true;
	}
	return false;
}

static bool known_status(const char *s)
{
	for (const char *const *k = ms_clause_statuses; *k; k++)
		if (!strcmp(*k, s))
			return true;
	return false;
}

/* Problems --strict refuses; each printed to stderr. Returns their number. */
static int check_tests(json_t *tests, const char *where, const char *list)
{
	int bad = 0;
	char *copy = strdup(list), *save;
	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (!strcmp(tok, "-"))
			continue;
		if (!test_exists(tests, tok)) {
			fprintf(stderr, "clauses: %s names %s, which is not a test of this build\n",
				where, tok);
			bad++;
		}
	}
	free(copy);
	return bad;
}

static int check_clause(json_t *tests, const struct ms_clause *k)
{
	char where[256];
	snprintf(where, sizeof(where), "%s:%d %s", k->file, k->line, k->id);
	int bad = 0;
	bool none = !k->tests[0] || !strcmp(k->tests, "-");
	if (!k->status[0]) {
		fprintf(stderr, "clauses: %s has no status\n", where);
		return 1;
	}
	if (!known_status(k->status)) {
		fprintf(stderr, "clauses: %s has status '%s', not one of tested, undefined, "
			"impl-defined, app, may-fail, option, untestable, gap\n", where, k->status);
		bad++;
	}
	if (!strcmp(k->status, "tested") && none) {
		fprintf(stderr, "clauses: %s is 'tested' but names no test\n", where);
		bad++;
	}
	if ((!strcmp(k->status, "untestable") || !strcmp(k->status, "gap")) && !k->note[0]) {
		fprintf(stderr, "clauses: %s is '%s' without the reason in its note\n", where,
			k->status);
		bad++;
	}
	if (!strcmp(k->status, "option") && !strchr(k->ref, '[')) {
		fprintf(stderr, "clauses: %s is 'option' but its reference names no [OPTION]\n",
			where);
		bad++;
	}
	if (!k->paraphrase[0] || !k->edition[0]) {
		fprintf(stderr, "clauses: %s lacks its paraphrase or edition\n", where);
		bad++;
	}
	return bad + check_tests(tests, where, k->tests);
}

/* Whether a clause row or a matrix cell names suite/test. */
static bool named_by_tables(const struct ms_clauses *all, const char *suite, const char *test)
{
	for (size_t k = 0; k < all->n; k++)
		if (ms_clause_lists_test(all->clause[k].tests, suite, test))
			return true;
	for (size_t k = 0; k < all->n_cells; k++)
		if (ms_clause_lists_test(all->cell[k].tests, suite, test))
			return true;
	return false;
}

/* Tests of this build that no clause row and no matrix cell names, each printed to stderr:
 * a new test must say which clause it judges (docs/conformance.md). Returns their number. */
static int check_unnamed_tests(json_t *tests, const struct ms_clauses *all)
{
	int bad = 0;
	for (size_t i = 0; i < json_array_size(tests); i++) {
		json_t *t = json_array_get(tests, i);
		const char *s = json_string_value(json_object_get(t, "suite"));
		const char *n = json_string_value(json_object_get(t, "test"));
		if (s && n && !named_by_tables(all, s, n)) {
			fprintf(stderr, "clauses: test %s/%s is named by no clause of the tables: add "
				"it to the row of the clause it judges (suites/clauses/*.clauses)\n",
				s, n);
			bad++;
		}
	}
	return bad;
}

/* Outcome counts over every result of every test the list names. */
static void verdicts(const struct ms_run *run, const char *list, size_t n[6])
{
	memset(n, 0, 6 * sizeof(*n));
	for (size_t i = 0; run && i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		if (ms_clause_lists_test(list, c->suite, c->test))
			n[c->outcome]++;
	}
}

static void print_verdicts(const size_t n[6])
{
	static const char *const name[6] = { "pass", "FAIL", "skip", "BROKEN", "xfail", "XPASS" };
	bool any = false;
	printf("  [");
	for (int o = 0; o < 6; o++)
		if (n[o]) {
			printf("%s%s %zu", any ? ", " : "", name[o], n[o]);
			any = true;
		}
	printf("%s]", any ? "" : "not run");
}

enum { ST_TESTED, ST_UNDEF, ST_IMPL, ST_APP, ST_MAY, ST_OPTION, ST_UNTESTABLE, ST_GAP, ST_N };

static int status_index(const char *s)
{
	for (int i = 0; ms_clause_statuses[i]; i++)
		if (!strcmp(ms_clause_statuses[i], s))
			return i;
	return -1;
}

static void print_counts(const char *label, const size_t cnt[ST_N], size_t total)
{
	printf("%s%zu clauses: %zu tested, %zu undefined + %zu impl-defined (LINUX-defined), "
	       "%zu app, %zu may-fail, %zu option, %zu untestable, %zu gap\n", label, total,
	       cnt[ST_TESTED], cnt[ST_UNDEF], cnt[ST_IMPL], cnt[ST_APP], cnt[ST_MAY],
	       cnt[ST_OPTION], cnt[ST_UNTESTABLE], cnt[ST_GAP]);
}

int ms_list_clauses(json_t *tests, const struct ms_run *run, const char *dir, bool strict)
{
	char err[512];
	struct ms_clauses *all = ms_clauses_load(dir, err, sizeof(err));
	if (!all) {
		fprintf(stderr, "clauses: %s\n", err);
		return 2;
	}
	int bad = 0;
	const char *doc = NULL;
	size_t doc_cnt[ST_N] = { 0 }, doc_total = 0;
	for (size_t i = 0; i <= all->n; i++) {
		const struct ms_clause *k = i < all->n ? &all->clause[i] : NULL;
		if (doc && (!k || strcmp(k->document, doc))) {
			print_counts("  ", doc_cnt, doc_total);
			/* per call within the document */
			for (size_t j = 0; j < all->n; j++) {
				const struct ms_clause *c = &all->clause[j];
				if (strcmp(c->document, doc))
					continue;
				bool first = true;
				for (size_t m = 0; m < j; m++)
					if (!strcmp(all->clause[m].document, doc) &&
					    !strcmp(all->clause[m].call, c->call))
						first = false;
				if (!first)
					continue;
				size_t cc[ST_N] = { 0 }, ct = 0;
				for (size_t m = j; m < all->n; m++)
					if (!strcmp(all->clause[m].document, doc) &&
					    !strcmp(all->clause[m].call, c->call)) {
						int s = status_index(all->clause[m].status);
						if (s >= 0)
							cc[s]++;
						ct++;
					}
				char label[64];
				snprintf(label, sizeof(label), "    %-18s ", c->call);
				print_counts(label, cc, ct);
			}
			memset(doc_cnt, 0, sizeof(doc_cnt));
			doc_total = 0;
		}
		if (!k)
			break;
		if (!doc || strcmp(k->document, doc)) {
			doc = k->document;
			printf("%s (%s)\n", doc, k->file);
		}
		bad += check_clause(tests, k);
		int s = status_index(k->status);
		if (s >= 0)
			doc_cnt[s]++;
		doc_total++;
		printf("  %-12s %-16s %-12s %s", k->id, k->call, k->status,
		       strcmp(k->tests, "-") && k->tests[0] ? k->tests : k->note);
		if (run && strcmp(k->tests, "-")) {
			size_t n[6];
			verdicts(run, k->tests, n);
			print_verdicts(n);
		}
		printf("\n");
	}
	size_t cnt[ST_N] = { 0 };
	for (size_t i = 0; i < all->n; i++) {
		int s = status_index(all->clause[i].status);
		if (s >= 0)
			cnt[s]++;
	}
	printf("all documents: ");
	print_counts("", cnt, all->n);
	/* the argument-class matrix */
	size_t filled = 0;
	if (all->n_cells)
		printf("argument classes (args-matrix.classes)\n");
	for (size_t i = 0; i < all->n_cells; i++) {
		const struct ms_arg_cell *c = &all->cell[i];
		bool is_filled = strcmp(c->tests, "-") != 0 && c->tests[0];
		filled += is_filled;
		char where[128];
		snprintf(where, sizeof(where), "args-matrix.classes:%d %s x %s", c->line, c->call,
			 c->cls);
		bad += check_tests(tests, where, c->tests);
		printf("  %-18s %-26s %s", c->call, c->cls, is_filled ? c->tests : "NOT FILLED");
		if (run && is_filled) {
			size_t n[6];
			verdicts(run, c->tests, n);
			print_verdicts(n);
		}
		printf("\n");
	}
	printf("argument-class cells filled: %zu of %zu\n", filled, all->n_cells);
	bad += check_unnamed_tests(tests, all);
	if (bad)
		fprintf(stderr, "clauses: %d problem%s in the tables\n", bad, bad == 1 ? "" : "s");
	ms_clauses_free(all);
	return bad && strict ? 1 : 0;
}
