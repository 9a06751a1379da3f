/* The table model (table.h) and its two renderers. */
#include "table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

struct cell {
	char *text, *note, *html, *cls, *attrs;
	const char *tags[2];
	bool strong;
};

struct row {
	char *attrs;
	struct cell *cells;
	size_t n;
};

struct ms_table {
	char *id;
	struct ms_table_col *cols;
	size_t n_cols;
	struct row *rows;
	size_t n_rows;
};

static char *dup_or_null(const char *s)
{
	return s ? ms_strdup(s) : NULL;
}

struct ms_table *ms_table_new(const char *html_id, const struct ms_table_col *cols, size_t n)
{
	struct ms_table *tb = ms_calloc(1, sizeof(*tb));
	tb->id = dup_or_null(html_id);
	tb->cols = ms_calloc(n ? n : 1, sizeof(*cols));
	memcpy(tb->cols, cols, n * sizeof(*cols));
	tb->n_cols = n;
	return tb;
}

void ms_table_row(struct ms_table *tb, const char *html_attrs)
{
	tb->rows = ms_realloc(tb->rows, (tb->n_rows + 1) * sizeof(*tb->rows));
	tb->rows[tb->n_rows++] = (struct row){ .attrs = dup_or_null(html_attrs),
					       .cells = ms_calloc(tb->n_cols ? tb->n_cols : 1,
								  sizeof(struct cell)) };
}

void ms_table_cell(struct ms_table *tb, const struct ms_cell *c)
{
	struct row *r = &tb->rows[tb->n_rows - 1];
	if (r->n == tb->n_cols)
		ms_die(1, "report table %s: more cells than its %zu columns", tb->id ? tb->id : "",
		       tb->n_cols);
	r->cells[r->n++] = (struct cell){
		.text = dup_or_null(c->text), .note = dup_or_null(c->note),
		.html = dup_or_null(c->html), .cls = dup_or_null(c->cls),
		.attrs = dup_or_null(c->attrs), .tags = { c->tags[0], c->tags[1] },
		.strong = c->strong,
	};
}

void ms_table_text(struct ms_table *tb, const char *text)
{
	ms_table_cell(tb, &(struct ms_cell){ .text = text });
}

void ms_table_markdown(const struct ms_table *tb, struct ms_text *t)
{
	ms_text_puts(t, "|");
	for (size_t k = 0; k < tb->n_cols; k++) {
		if (tb->cols[k].html_only)
			continue;
		ms_text_puts(t, " ");
		ms_text_md_cell(t, tb->cols[k].title, SIZE_MAX);
		ms_text_puts(t, " |");
	}
	ms_text_puts(t, "\n|");
	for (size_t k = 0; k < tb->n_cols; k++)
		if (!tb->cols[k].html_only)
			ms_text_puts(t, tb->cols[k].right ? "--:|" : "---|");
	ms_text_puts(t, "\n");
	for (size_t i = 0; i < tb->n_rows; i++) {
		const struct row *r = &tb->rows[i];
		ms_text_puts(t, "|");
		for (size_t k = 0; k < r->n; k++) {
			const struct ms_table_col *col = &tb->cols[k];
			const struct cell *c = &r->cells[k];
			if (col->html_only)
				continue;
			ms_text_puts(t, c->strong ? " **" : " ");
			ms_text_md_cell(t, c->text, col->md_max ? col->md_max : SIZE_MAX);
			if (c->strong)
				ms_text_puts(t, "**");
			if (c->note) {
				ms_text_puts(t, " (");
				ms_text_md_cell(t, c->note, SIZE_MAX);
				ms_text_puts(t, ")");
			}
			for (int g = 0; g < 2; g++)
				if (c->tags[g])
					ms_text_printf(t, " (%s)", c->tags[g]);
			ms_text_puts(t, " |");
		}
		ms_text_puts(t, "\n");
	}
}

/* "<name attrs>", or "<name>" without attrs (HTML the caller wrote, not escaped). */
static void open_tag(struct ms_text *t, const char *name, const char *attrs)
{
	ms_text_printf(t, "<%s%s%s>", name, attrs ? " " : "", attrs ? attrs : "");
}

void ms_table_html(const struct ms_table *tb, struct ms_text *t)
{
	ms_text_puts(t, "<table");
	if (tb->id)
		ms_text_html(t, " id=\"%s\"", tb->id);
	ms_text_puts(t, "><thead><tr>");
	for (size_t k = 0; k < tb->n_cols; k++) {
		const struct ms_table_col *col = &tb->cols[k];
		open_tag(t, "th", col->th_attrs);
		if (col->html_title)
			ms_text_puts(t, col->html_title);
		else
			ms_text_xml(t, col->title);
		ms_text_puts(t, "</th>");
	}
	ms_text_puts(t, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < tb->n_rows; i++) {
		const struct row *r = &tb->rows[i];
		open_tag(t, "tr", r->attrs);
		for (size_t k = 0; k < r->n; k++) {
			const struct cell *c = &r->cells[k];
			const char *cls = c->cls ? c->cls : tb->cols[k].right ? "num" : NULL;
			ms_text_puts(t, "<td");
			if (cls)
				ms_text_printf(t, " class=\"%s\"", cls);
			if (c->attrs)
				ms_text_printf(t, " %s", c->attrs);
			ms_text_puts(t, ">");
			if (c->html) {
				ms_text_puts(t, c->html);
			} else {
				ms_text_xml(t, c->text);
				if (c->note) {
					ms_text_puts(t, " ");
					ms_text_xml(t, c->note);
				}
				for (int g = 0; g < 2; g++)
					if (c->tags[g])
						ms_text_printf(t, " <span class=\"%s\">%s</span>",
							       c->tags[g], c->tags[g]);
			}
			ms_text_puts(t, "</td>");
		}
		ms_text_puts(t, "</tr>\n");
	}
	ms_text_puts(t, "</tbody></table>");
}

void ms_table_free(struct ms_table *tb)
{
	if (!tb)
		return;
	for (size_t i = 0; i < tb->n_rows; i++) {
		struct row *r = &tb->rows[i];
		for (size_t k = 0; k < r->n; k++)
			ms_free_all(r->cells[k].text, r->cells[k].note, r->cells[k].html,
				    r->cells[k].cls, r->cells[k].attrs);
		ms_free_all(r->cells, r->attrs);
	}
	ms_free_all(tb->rows, tb->cols, tb->id, tb);
}

/* The page's counters cell: the result's counters as indented JSON, folded. */
static char *counters_html(const struct ms_benchmark *b)
{
	struct ms_text t = { 0 };
	ms_text_puts(&t, "");
	if (b->counters && json_object_size(b->counters)) {
		char *text = json_dumps(b->counters, JSON_INDENT(1) | JSON_SORT_KEYS);
		ms_text_puts(&t, "<details><summary>counters</summary><pre>");
		ms_text_xml(&t, text);
		ms_text_puts(&t, "</pre></details>");
		free(text);
	}
	return t.data;
}

struct ms_table *ms_bench_table(const struct ms_run *run)
{
	static const struct ms_table_col cols[] = {
		{ .title = "case", .md_max = 60 },
		{ .title = "parameters", .md_max = 160 },
		{ .title = "metric", .md_max = 60 },
		{ .title = "median", .right = true },
		{ .title = "95% interval" },
		{ .title = "unit", .md_max = 20 },
		{ .title = "n", .right = true },
		{ .title = "counters", .html_only = true },
	};
	struct ms_table *tb = ms_table_new("bench-table", cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < run->n_benchmarks; i++) {
		const struct ms_benchmark *b = &run->benchmarks[i];
		char med[32], lo[32], hi[32], interval[80], n[32];
		char *params = ms_params_label(b, NULL), *counters = counters_html(b);
		char *attrs = ms_asprintf("class=\"bench\" data-index=\"%zu\" data-median=\"%.17g\" "
					  "data-ci-low=\"%.17g\" data-ci-high=\"%.17g\" "
					  "data-n=\"%zu\"", i, b->median, b->ci_low, b->ci_high,
					  b->n_samples);
		ms_format_value(b->median, med, sizeof(med));
		ms_format_value(b->ci_low, lo, sizeof(lo));
		ms_format_value(b->ci_high, hi, sizeof(hi));
		snprintf(interval, sizeof(interval), "%s – %s", lo, hi);
		snprintf(n, sizeof(n), "%zu", b->n_samples);
		ms_table_row(tb, attrs);
		ms_table_text(tb, b->bench_case);
		ms_table_text(tb, params);
		ms_table_cell(tb, &(struct ms_cell){ .text = b->metric,
						     .note = b->higher_is_better ? "↑" : "↓" });
		ms_table_cell(tb, &(struct ms_cell){ .text = med, .tags = {
			b->noisy ? "noisy" : NULL, b->drifting ? "drifting" : NULL } });
		ms_table_text(tb, interval);
		ms_table_text(tb, b->unit);
		ms_table_text(tb, n);
		ms_table_cell(tb, &(struct ms_cell){ .html = counters });
		free(attrs);
		free(params);
		free(counters);
	}
	return tb;
}
