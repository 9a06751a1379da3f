/* matrix.html and matrix.md (matrix.h): the runs, the matrix of the tests whose outcomes
 * differ (and of those the same everywhere but not passing), the tests that pass everywhere
 * folded, then every non-pass cell's message and reason, each cell linked to its own. Both
 * formats render the same table models (table.c); data-* attributes carry the raw values so
 * the tests compare the page with the results files, not with a picture. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "matrix.h"
#include "table.h"
#include "util.h"

enum { INFO_COLS = 3 }; /* test, ids, spec */

/* name="value" with the value escaped, after a space. */
static void attr(struct ms_text *t, const char *name, const char *value)
{
	ms_text_printf(t, " %s=\"", name);
	ms_text_xml(t, value);
	ms_text_puts(t, "\"");
}

static char *column_label(const struct ms_matrix_col *c, const char *sep)
{
	return ms_asprintf("%s%s%s%s%s%s%s%s%s", c->fs, sep, c->kernel, sep, c->arch, sep,
			   c->page_size, sep, c->who);
}

/* The titles of the matrix's columns; they live as long as the tables built from them. */
struct titles {
	struct ms_table_col *cols;
	char **strings;
	size_t n_strings;
};

static const char *keep(struct titles *ti, char *s)
{
	ti->strings[ti->n_strings++] = s;
	return s;
}

static void titles_build(const struct ms_matrix *m, struct titles *ti)
{
	ti->cols = ms_calloc(INFO_COLS + m->n_cols, sizeof(*ti->cols));
	ti->strings = ms_calloc(3 * m->n_cols + 1, sizeof(*ti->strings));
	ti->n_strings = 0;
	ti->cols[0] = (struct ms_table_col){ .title = "test" };
	ti->cols[1] = (struct ms_table_col){ .title = "ids", .md_max = 40 };
	ti->cols[2] = (struct ms_table_col){ .title = "spec" };
	for (size_t k = 0; k < m->n_cols; k++) {
		const struct ms_matrix_col *c = &m->cols[k];
		struct ms_text html = { 0 }, attrs = { 0 };
		ms_text_puts(&html, "<b>");
		ms_text_xml(&html, c->fs);
		ms_text_puts(&html, "</b><br>");
		ms_text_xml(&html, c->kernel);
		ms_text_puts(&html, "<br>");
		ms_text_xml(&html, c->arch);
		ms_text_puts(&html, " · ");
		ms_text_xml(&html, c->page_size);
		ms_text_puts(&html, "<br><small>");
		ms_text_xml(&html, c->who);
		ms_text_puts(&html, "</small>");
		ms_text_printf(&attrs, "class=\"col\" data-col=\"%zu\"", k);
		attr(&attrs, "data-run", c->run->id);
		attr(&attrs, "data-place", c->place);
		attr(&attrs, "data-fs", c->fs);
		attr(&attrs, "data-kernel", c->kernel);
		attr(&attrs, "data-arch", c->arch);
		attr(&attrs, "data-page-size", c->page_size);
		attr(&attrs, "data-who", c->who);
		ti->cols[INFO_COLS + k] = (struct ms_table_col){
			.title = keep(ti, column_label(c, " · ")),
			.html_title = keep(ti, html.data), .th_attrs = keep(ti, attrs.data) };
	}
}

static void titles_free(struct titles *ti)
{
	for (size_t i = 0; i < ti->n_strings; i++)
		free(ti->strings[i]);
	free(ti->strings);
	free(ti->cols);
}

static void cell(struct ms_table *tb, const struct ms_matrix_row *row, size_t r, size_t k)
{
	const struct ms_conformance *c = row->cell[k];
	const char *o = c ? ms_outcome_name(c->outcome) : "none";
	struct ms_text attrs = { 0 };
	ms_text_printf(&attrs, "data-outcome=\"%s\" data-test=\"", o);
	ms_text_xml(&attrs, row->suite);
	ms_text_puts(&attrs, ".");
	ms_text_xml(&attrs, row->test);
	ms_text_printf(&attrs, "\" data-col=\"%zu\"", k);
	char *cls = ms_asprintf("cell o-%s", o);
	if (!c) {
		ms_table_cell(tb, &(struct ms_cell){ .text = "not run", .cls = cls,
						     .attrs = attrs.data });
	} else if (c->outcome == MS_PASS) {
		ms_table_cell(tb, &(struct ms_cell){ .text = o, .cls = cls, .attrs = attrs.data });
	} else {
		char *md = ms_asprintf("[%s](#m-%zu-%zu)", o, r, k);
		char *html = ms_asprintf("<a href=\"#m-%zu-%zu\">%s</a>", r, k, o);
		ms_table_cell(tb, &(struct ms_cell){ .text = md, .html = html, .cls = cls,
						     .attrs = attrs.data });
		free(md);
		free(html);
	}
	free(cls);
	ms_text_free(&attrs);
}

/* "148 pass, 2 fail, 4 skip": the outcomes a column has, then its tests not run. */
static void totals_row(const struct ms_matrix *m, struct ms_table *tb)
{
	ms_table_row(tb, "class=\"totals\"");
	ms_table_cell(tb, &(struct ms_cell){ .text = "per column", .strong = true });
	ms_table_text(tb, "");
	ms_table_text(tb, "");
	for (size_t k = 0; k < m->n_cols; k++) {
		const struct ms_matrix_col *c = &m->cols[k];
		struct ms_text text = { 0 }, attrs = { 0 };
		ms_text_puts(&text, "");
		ms_text_printf(&attrs, "data-col=\"%zu\"", k);
		for (int o = 0; o < MS_N_OUTCOMES; o++) {
			ms_text_printf(&attrs, " data-%s=\"%zu\"", ms_outcome_name(o), c->counts.n[o]);
			if (c->counts.n[o])
				ms_text_printf(&text, "%s%zu %s", text.len ? ", " : "", c->counts.n[o],
					       ms_outcome_name(o));
		}
		ms_text_printf(&attrs, " data-none=\"%zu\"", c->not_run);
		if (c->not_run)
			ms_text_printf(&text, "%s%zu not run", text.len ? ", " : "", c->not_run);
		ms_table_cell(tb, &(struct ms_cell){ .text = text.data, .cls = "num",
						     .attrs = attrs.data });
		ms_text_free(&text);
		ms_text_free(&attrs);
	}
}

/* Rows [from, to) of the matrix, in its order. */
static struct ms_table *rows_table(const struct ms_matrix *m, const struct titles *ti,
				   const char *id, size_t from, size_t to, bool totals)
{
	struct ms_table *tb = ms_table_new(id, ti->cols, INFO_COLS + m->n_cols);
	for (size_t r = from; r < to; r++) {
		const struct ms_matrix_row *row = &m->rows[r];
		char *name = ms_asprintf("%s.%s", row->suite, row->test);
		struct ms_text attrs = { 0 };
		ms_text_printf(&attrs, "class=\"mrow\" id=\"row-%zu\" data-differs=\"%d\" "
			       "data-ran-differs=\"%d\"", r, row->differs, row->ran_differs);
		attr(&attrs, "data-test", name);
		ms_table_row(tb, attrs.data);
		ms_table_cell(tb, &(struct ms_cell){ .text = name, .cls = "test" });
		ms_table_text(tb, row->ids);
		ms_table_cell(tb, &(struct ms_cell){ .text = row->spec, .cls = "spec" });
		for (size_t k = 0; k < m->n_cols; k++)
			cell(tb, row, r, k);
		ms_text_free(&attrs);
		free(name);
	}
	if (totals)
		totals_row(m, tb);
	return tb;
}

static struct ms_table *runs_table(const struct ms_matrix *m)
{
	static const struct ms_table_col cols[] = {
		{ .title = "run" }, { .title = "time" }, { .title = "place" },
		{ .title = "kernel" }, { .title = "architecture" }, { .title = "page size" },
		{ .title = "file systems (columns)" },
	};
	struct ms_table *tb = ms_table_new("matrix-runs", cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t k = 0; k < m->n_cols; k++) {
		const struct ms_matrix_col *c = &m->cols[k];
		if (k && m->cols[k - 1].run == c->run)
			continue;
		struct ms_text fs = { 0 };
		for (size_t j = k; j < m->n_cols && m->cols[j].run == c->run; j++)
			ms_text_printf(&fs, "%s%s@%s", j > k ? ", " : "", m->cols[j].fs, m->cols[j].who);
		ms_table_row(tb, "class=\"run\"");
		ms_table_cell(tb, &(struct ms_cell){ .text = c->run->id, .cls = "test" });
		ms_table_text(tb, c->run->time);
		ms_table_text(tb, c->run->place);
		ms_table_text(tb, c->kernel);
		ms_table_text(tb, c->arch);
		ms_table_text(tb, c->page_size);
		ms_table_text(tb, fs.data);
		ms_text_free(&fs);
	}
	return tb;
}

static void intro(const struct ms_matrix *m, enum ms_format f, struct ms_text *t)
{
	size_t shown = m->n_rows - m->n_all_pass;
	ms_text_printf(t, "%s%zu tests in %zu columns (the file systems of %zu run%s). %zu differ "
		       "across the columns and come first: %zu in their outcomes where they ran, "
		       "then %zu only in where they ran", f == MS_HTML ? "<p id=\"matrix-intro\">"
		       : "", m->n_rows, m->n_cols, m->n_runs, m->n_runs == 1 ? "" : "s", m->n_differ,
		       m->n_ran_differ, m->n_differ - m->n_ran_differ);
	if (shown > m->n_differ)
		ms_text_printf(t, ", then %zu with the same outcome everywhere that is not a pass",
			       shown - m->n_differ);
	ms_text_printf(t, "; %zu pass in every column%s. Every cell that is not a pass links to "
		       "its message and reason below.%s", m->n_all_pass,
		       m->n_all_pass ? " (folded)" : "", f == MS_HTML ? "</p>\n" : "\n\n");
}

/* Every non-pass cell of the shown rows: the test, the column, the outcome and what the run
 * recorded for it, under the anchor its cell links to. */
static void details(const struct ms_matrix *m, size_t shown, enum ms_format f, struct ms_text *t)
{
	ms_text_puts(t, f == MS_HTML ? "<section id=\"details\"><h2>Messages and reasons</h2>\n"
				     : "## Messages and reasons\n\n");
	size_t n = 0;
	for (size_t r = 0; r < shown; r++) {
		const struct ms_matrix_row *row = &m->rows[r];
		for (size_t k = 0; k < m->n_cols; k++) {
			const struct ms_conformance *c = row->cell[k];
			if (!c || c->outcome == MS_PASS)
				continue;
			const char *o = ms_outcome_name(c->outcome);
			char *label = column_label(&m->cols[k], " · ");
			char *text = ms_conf_has_detail(c) ? ms_conf_detail_text(c)
				: ms_strdup(c->outcome == MS_SKIP ? "(no reason given)"
								 : "(no message recorded)");
			n++;
			if (f == MS_HTML) {
				ms_text_printf(t, "<div class=\"detail\" id=\"m-%zu-%zu\" "
					       "data-outcome=\"%s\" data-col=\"%zu\"", r, k, o, k);
				ms_text_puts(t, " data-test=\"");
				ms_text_xml(t, row->suite);
				ms_text_puts(t, ".");
				ms_text_xml(t, row->test);
				ms_text_printf(t, "\"><p><b class=\"badge o-%s\">%s</b> <a href=\"#row-%zu\"><code>", o, o, r);
				ms_text_xml(t, row->suite);
				ms_text_puts(t, ".");
				ms_text_xml(t, row->test);
				ms_text_puts(t, "</code></a> on ");
				ms_text_xml(t, label);
				ms_text_puts(t, "</p><pre>");
				ms_text_xml(t, text);
				ms_text_puts(t, "</pre></div>\n");
			} else {
				ms_text_printf(t, "<a id=\"m-%zu-%zu\"></a>**%s** `%s.%s` on %s\n\n", r,
					       k, o, row->suite, row->test, label);
				/* an indented code block: the message as it is, nothing to escape */
				for (char *line = text, *end; line; line = end ? end + 1 : NULL) {
					end = strchr(line, '\n');
					ms_text_printf(t, "    %.*s\n", end ? (int)(end - line)
									: (int)strlen(line), line);
				}
				ms_text_puts(t, "\n");
			}
			free(label);
			free(text);
		}
	}
	if (!n)
		ms_text_puts(t, f == MS_HTML ? "<p>Every shown cell is a pass.</p>\n"
					     : "Every shown cell is a pass.\n\n");
	if (f == MS_HTML)
		ms_text_puts(t, "</section>\n");
}

static void render(const struct ms_matrix *m, enum ms_format f, struct ms_text *t)
{
	struct titles ti;
	titles_build(m, &ti);
	size_t shown = m->n_rows - m->n_all_pass;
	struct ms_table *runs = runs_table(m);
	struct ms_table *shown_tb = rows_table(m, &ti, "matrix-table", 0, shown, true);
	struct ms_table *same = rows_table(m, &ti, "matrix-same", shown, m->n_rows, false);
	void (*table)(const struct ms_table *, struct ms_text *) =
		f == MS_HTML ? ms_table_html : ms_table_markdown;

	intro(m, f, t);
	ms_text_puts(t, f == MS_HTML ? "<section id=\"runs\"><h2>Runs</h2>\n" : "## Runs\n\n");
	table(runs, t);
	ms_text_puts(t, f == MS_HTML ? "</section>\n<section id=\"matrix\"><h2>Matrix</h2>\n"
				     "<div class=\"matrix-wrap\">" : "\n## Matrix\n\n");
	table(shown_tb, t);
	ms_text_puts(t, f == MS_HTML ? "</div>\n" : "\n");
	if (m->n_all_pass) {
		ms_text_printf(t, "<details id=\"matrix-folded\"><summary>%zu tests pass in every "
			       "column</summary>\n%s", m->n_all_pass,
			       f == MS_HTML ? "<div class=\"matrix-wrap\">" : "\n");
		table(same, t);
		ms_text_puts(t, f == MS_HTML ? "</div></details>\n" : "\n</details>\n\n");
	}
	if (f == MS_HTML)
		ms_text_puts(t, "</section>\n");
	details(m, shown, f, t);
	ms_table_free(runs);
	ms_table_free(shown_tb);
	ms_table_free(same);
	titles_free(&ti);
}

void ms_matrix_html(const struct ms_matrix *m, struct ms_text *t)
{
	ms_text_printf(t, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<title>mmapsuite conformance matrix of %zu runs</title>\n<style>\n",
		       m->n_runs);
	ms_text_puts(t, ms_html_css);
	ms_text_puts(t, "</style></head>\n<body class=\"matrix-page\">\n<header><h1>Conformance "
			"matrix</h1>\n<nav><a href=\"#runs\">Runs</a><a href=\"#matrix\">Matrix"
			"</a><a href=\"#details\">Messages and reasons</a></nav></header>\n");
	render(m, MS_HTML, t);
	char *now = ms_utc_iso8601();
	ms_text_puts(t, "<footer><p class=\"meta\">Rendered ");
	ms_text_xml(t, now);
	ms_text_puts(t, " by <code>mmapsuite report --matrix</code> from the runs' results.json "
			"alone. Also as <a href=\"matrix.md\">matrix.md</a>.</p></footer>\n"
			"</body></html>\n");
	free(now);
}

void ms_matrix_markdown(const struct ms_matrix *m, struct ms_text *t)
{
	ms_text_puts(t, "# Conformance matrix\n\n");
	render(m, MS_MARKDOWN, t);
}
