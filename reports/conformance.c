/* The conformance section (index.html: the matrix of tests x file systems and places;
 * summary.md: the totals per file system and the skips with their reasons) and the checklist
 * coverage (index.html only). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist.h"
#include "clauses.h"
#include "html.h"
#include "model.h"
#include "section.h"
#include "util.h"

struct row {
	const char *suite, *test, *ids, *spec;
	size_t *cell; /* index+1 into run->conformance per column, 0 = not run there */
};

/* 0: something failed or broke, 1: something was skipped, 2: all passed. */
static int row_rank(const struct ms_run *run, const struct row *row, size_t n_cols)
{
	int rank = 2;
	for (size_t k = 0; k < n_cols; k++) {
		if (!row->cell[k])
			continue;
		enum ms_outcome o = run->conformance[row->cell[k] - 1].outcome;
		if (o == MS_FAIL || o == MS_BROKEN)
			return 0;
		if (o == MS_SKIP || o == MS_XFAIL || o == MS_XPASS)
			rank = 1;
	}
	return rank;
}

static size_t build_rows(const struct ms_run *run, size_t n_cols, const struct ms_column *cols,
			 struct row **out)
{
	struct row *rows = ms_calloc(run->n_conformance + 1, sizeof(*rows));
	size_t n = 0;
	for (size_t i = 0; i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		size_t r = 0;
		while (r < n && !(ms_streq(rows[r].suite, c->suite) && ms_streq(rows[r].test, c->test)))
			r++;
		if (r == n) {
			rows[n].suite = c->suite;
			rows[n].test = c->test;
			rows[n].ids = c->ids;
			rows[n].spec = c->spec;
			rows[n].cell = ms_calloc(n_cols + 1, sizeof(size_t));
			n++;
		}
		rows[r].cell[ms_column_of(cols, n_cols, c)] = i + 1;
	}
	/* What went wrong first: rows with a failure, then rows with a skip, then the rest,
	 * each group in the order the tests ran. */
	struct row *sorted = ms_calloc(n + 1, sizeof(*sorted));
	size_t k = 0;
	for (int rank = 0; rank < 3; rank++)
		for (size_t r = 0; r < n; r++)
			if (row_rank(run, &rows[r], n_cols) == rank)
				sorted[k++] = rows[r];
	free(rows);
	*out = sorted;
	return n;
}

bool ms_conf_has_detail(const struct ms_conformance *c)
{
	return (c->message && *c->message) || c->expect_reason || c->kernel_log;
}

char *ms_conf_detail_text(const struct ms_conformance *c)
{
	struct ms_text t = { 0 };
	ms_text_puts(&t, "");
	if (c->expect_reason)
		ms_text_printf(&t, "expected to fail: %s (%s:%d)\n", c->expect_reason,
			       c->expect_file ? c->expect_file : "?", c->expect_line);
	ms_text_puts(&t, c->message);
	if (c->kernel_log)
		ms_text_printf(&t, "\n\nkernel log:\n%s", c->kernel_log);
	char clauses[4096];
	if ((c->outcome == MS_FAIL || c->outcome == MS_XFAIL) &&
	    ms_clauses_for_test(c->suite, c->test, clauses, sizeof(clauses)) > 0)
		ms_text_printf(&t, "\nbreaks: %s", clauses);
	return t.data;
}

static void cell(const struct ms_run *run, const struct row *row, const struct ms_column *col,
		 size_t index, struct ms_text *t)
{
	if (!index) {
		ms_text_puts(t, "<td class=\"cell o-none\" data-outcome=\"none\">–</td>");
		return;
	}
	const struct ms_conformance *c = &run->conformance[index - 1];
	const char *o = ms_outcome_name(c->outcome);
	ms_text_printf(t, "<td class=\"cell o-%s\" data-outcome=\"%s\" data-test=\"", o, o);
	ms_text_html(t, "%s.%s\" data-col=\"%s/%s", row->suite, row->test, col->place, col->fs);
	ms_text_printf(t, "\" title=\"%.3f s\">", c->duration_s);
	if (ms_conf_has_detail(c)) {
		ms_text_printf(t, "<details><summary>%s</summary><pre>", o);
		char *detail = ms_conf_detail_text(c);
		ms_text_xml(t, detail);
		free(detail);
		ms_text_puts(t, "</pre></details>");
	} else {
		ms_text_puts(t, o);
	}
	ms_text_puts(t, "</td>");
}

static void matrix_html(const struct ms_report_input *in, void *model, struct ms_text *t)
{
	const struct ms_run *run = in->run;

	(void)model;
	ms_text_puts(t, "<section id=\"conformance\"><h2>Conformance matrix</h2>\n");
	if (!run->n_conformance) {
		ms_text_puts(t, "<p>No conformance test ran in this run.</p></section>\n");
		return;
	}
	struct ms_column *cols;
	size_t n_cols = ms_columns(run, &cols);
	struct row *rows;
	size_t n_rows = build_rows(run, n_cols, cols, &rows);
	ms_text_printf(t, "<p>%zu tests on %zu file system and place combinations. Click a "
		       "failure or skip for its message.</p>\n<table class=\"matrix\" id=\"matrix\">"
		       "<thead><tr><th>test</th><th>ids</th><th>spec</th>", n_rows, n_cols);
	for (size_t k = 0; k < n_cols; k++) {
		ms_text_puts(t, "<th>");
		ms_text_xml(t, cols[k].fs && *cols[k].fs ? cols[k].fs : "none");
		if (cols[k].place && strcmp(cols[k].place, "host") != 0) {
			ms_text_puts(t, "<br><small>");
			ms_text_xml(t, cols[k].place);
			ms_text_puts(t, "</small>");
		}
		ms_text_puts(t, "</th>");
	}
	ms_text_puts(t, "</tr></thead><tbody>\n");
	for (size_t r = 0; r < n_rows; r++) {
		ms_text_puts(t, "<tr><td><code>");
		ms_text_xml(t, rows[r].suite);
		ms_text_puts(t, ".");
		ms_text_xml(t, rows[r].test);
		ms_text_puts(t, "</code></td><td>");
		ms_text_xml(t, rows[r].ids);
		ms_text_puts(t, "</td><td>");
		ms_text_xml(t, rows[r].spec);
		ms_text_puts(t, "</td>");
		for (size_t k = 0; k < n_cols; k++)
			cell(run, &rows[r], &cols[k], rows[r].cell[k], t);
		ms_text_puts(t, "</tr>\n");
		free(rows[r].cell);
	}
	ms_text_puts(t, "</tbody><tfoot><tr><th colspan=\"3\">pass / fail / skip / broken / xfail "
			"/ xpass</th>");
	for (size_t k = 0; k < n_cols; k++) {
		struct ms_counts c;
		ms_count_column(run, cols, n_cols, k, &c);
		ms_text_printf(t, "<td class=\"num\">%zu / %zu / %zu / %zu / %zu / %zu</td>",
			       c.n[MS_PASS], c.n[MS_FAIL], c.n[MS_SKIP], c.n[MS_BROKEN],
			       c.n[MS_XFAIL], c.n[MS_XPASS]);
	}
	ms_text_puts(t, "</tr></tfoot></table></section>\n");
	free(rows);
	free(cols);
}

/* ---- checklist coverage ---- */

struct id_state {
	char id[16];
	bool pass, fail, skip;
};

static struct id_state *find_id(struct id_state **ids, size_t *n, size_t *cap, const char *id)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*ids)[i].id, id) == 0)
			return &(*ids)[i];
	if (*n == *cap)
		*ids = ms_realloc(*ids, (*cap = *cap ? *cap * 2 : 64) * sizeof(**ids));
	struct id_state *s = &(*ids)[(*n)++];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	return s;
}

static size_t checklist_totals(size_t per_group[26])
{
	size_t total = 0;
	for (const struct ms_checklist_item *it = ms_checklist; it->id; it++) {
		char group = it->id[0];
		if (group >= 'a' && group <= 'z') {
			per_group[group - 'a']++;
			total++;
		}
	}
	return total;
}

static void coverage_html(const struct ms_report_input *in, void *model, struct ms_text *t)
{
	const struct ms_run *run = in->run;

	(void)model;
	struct id_state *ids = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		char *list = ms_strdup(c->ids ? c->ids : "");
		char *save;
		for (char *id = strtok_r(list, " ,", &save); id; id = strtok_r(NULL, " ,", &save)) {
			struct id_state *s = find_id(&ids, &n, &cap, id);
			s->pass |= c->outcome == MS_PASS || c->outcome == MS_XPASS;
			/* a known deviation still breaks the clause on this kernel */
			s->fail |= c->outcome == MS_FAIL || c->outcome == MS_BROKEN ||
				   c->outcome == MS_XFAIL;
			s->skip |= c->outcome == MS_SKIP;
		}
		free(list);
	}
	size_t in_checklist[26] = { 0 };
	size_t checklist = checklist_totals(in_checklist);
	ms_text_printf(t, "<section id=\"coverage\"><h2>Checklist coverage</h2>\n<p>%zu checklist "
		       "ids exercised%s", n, checklist ? "" : ".");
	if (checklist)
		ms_text_printf(t, " of %zu in the checklist.", checklist);
	ms_text_puts(t, " An id counts as passing when at least one of its tests passed and none "
			"failed; as only skipped when every test of it was skipped here.</p>\n"
			"<table id=\"coverage-table\"><thead><tr><th>group</th><th>ids exercised</th>"
			"<th>passing</th><th>failing</th><th>only skipped</th>");
	if (checklist)
		ms_text_puts(t, "<th>in checklist</th>");
	ms_text_puts(t, "</tr></thead><tbody>\n");
	size_t total[4] = { 0 };
	for (int g = 0; g < 26; g++) {
		size_t cnt[4] = { 0 };
		for (size_t i = 0; i < n; i++) {
			if (tolower((unsigned char)ids[i].id[0]) != 'a' + g)
				continue;
			cnt[0]++;
			cnt[1] += ids[i].pass && !ids[i].fail;
			cnt[2] += ids[i].fail;
			cnt[3] += !ids[i].pass && !ids[i].fail && ids[i].skip;
		}
		if (!cnt[0] && !in_checklist[g])
			continue;
		ms_text_printf(t, "<tr data-group=\"%c\"><td>(%c)</td><td class=\"num\">%zu</td>"
			       "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
			       "<td class=\"num\">%zu</td>", 'a' + g, 'a' + g, cnt[0], cnt[1], cnt[2],
			       cnt[3]);
		if (checklist)
			ms_text_printf(t, "<td class=\"num\">%zu</td>", in_checklist[g]);
		ms_text_puts(t, "</tr>\n");
		for (int k = 0; k < 4; k++)
			total[k] += cnt[k];
	}
	ms_text_printf(t, "</tbody><tfoot><tr><th>all</th><td class=\"num\">%zu</td>"
		       "<td class=\"num\">%zu</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>",
		       total[0], total[1], total[2], total[3]);
	if (checklist)
		ms_text_printf(t, "<td class=\"num\">%zu</td>", checklist);
	ms_text_puts(t, "</tr></tfoot></table></section>\n");
	free(ids);
}

const struct ms_section ms_section_coverage = {
	.id = "coverage", .title = "Coverage", .nav = true,
	.html = coverage_html,
};

/* summary.md: pass, fail, skip, broken (and xfail, xpass when any) per place and file
 * system, then the skips with their reasons, folded. */
static void totals_md(const struct ms_report_input *in, void *model, struct ms_text *t)
{
	const struct ms_run *run = in->run;

	(void)model;
	struct ms_counts all;
	ms_count_outcomes(run, &all);
	if (!all.total)
		return;
	ms_text_puts(t, "### Conformance\n\n");

	struct ms_column *cols;
	size_t n_cols = ms_columns(run, &cols);
	bool expected = all.n[MS_XFAIL] || all.n[MS_XPASS];
	ms_text_printf(t, "| place | file system | pass | fail | skip | broken |%s\n"
		       "|---|---|--:|--:|--:|--:|%s\n", expected ? " xfail | xpass |" : "",
		       expected ? "--:|--:|" : "");
	for (size_t k = 0; k < n_cols; k++) {
		struct ms_counts c;
		ms_count_column(run, cols, n_cols, k, &c);
		ms_text_puts(t, "| ");
		ms_text_md_cell(t, cols[k].place, 60);
		ms_text_puts(t, " | ");
		ms_text_md_cell(t, cols[k].fs, 60);
		ms_text_printf(t, " | %zu | %zu | %zu | %zu |", c.n[MS_PASS], c.n[MS_FAIL],
			       c.n[MS_SKIP], c.n[MS_BROKEN]);
		if (expected)
			ms_text_printf(t, " %zu | %zu |", c.n[MS_XFAIL], c.n[MS_XPASS]);
		ms_text_puts(t, "\n");
	}
	free(cols);
	ms_text_puts(t, "\n");
	if (!all.n[MS_SKIP])
		return;
	ms_text_printf(t, "<details><summary>%zu skipped, with reasons</summary>\n\n"
		       "| test | reason |\n|---|---|\n", all.n[MS_SKIP]);
	for (size_t i = 0; i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		if (c->outcome != MS_SKIP)
			continue;
		char *name = ms_conf_name(c);
		ms_text_printf(t, "| `%s` | ", name);
		ms_text_md_cell(t, c->message ? c->message : "(no reason given)", 200);
		ms_text_puts(t, " |\n");
		free(name);
	}
	ms_text_puts(t, "\n</details>\n\n");
}

const struct ms_section ms_section_conformance = {
	.id = "conformance", .title = "Conformance matrix", .nav = true,
	.markdown = totals_md, .html = matrix_html,
};
