/* One table model for the tables summary.md and index.html both show (mmap against read(),
 * fraction of the read ceiling, every benchmark result): rows of cells under columns, built
 * once and rendered by ms_table_markdown and ms_table_html. Text is plain and each renderer
 * escapes it for its format; what only the page has (data-* attributes for the tests, rich
 * cells such as the counters) rides along as HTML and Markdown leaves it out. */
#ifndef MMAPSUITE_REPORTS_TABLE_H
#define MMAPSUITE_REPORTS_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "text.h"

struct ms_table_col {
	const char *title;      /* header text */
	const char *html_title; /* HTML in the page's header cell instead of title (NULL: title) */
	const char *th_attrs;   /* further attributes of the page's header cell, or NULL */
	bool right;             /* numbers: right-aligned in Markdown, class "num" in the page */
	size_t md_max;          /* Markdown cuts the cell's text at this many bytes; 0: never */
	bool html_only;         /* only the page has this column */
};

struct ms_cell {
	const char *text;       /* plain text */
	bool strong;            /* bold in Markdown; the page shows it through the cell's class */
	const char *note;       /* after the text: " (note)" in Markdown, " note" in the page */
	const char *tags[2];    /* flags after the text, e.g. "noisy": " (noisy)" in Markdown,
				 * <span class="noisy">noisy</span> in the page */
	const char *html;       /* the page's content instead of text (HTML), or NULL */
	const char *cls;        /* the page's class for the cell (NULL: "num" in a right column) */
	const char *attrs;      /* further attributes of the page's cell (data-*), or NULL */
};

struct ms_table;

/* A table whose page element has id html_id (NULL: none), with n columns. */
struct ms_table *ms_table_new(const char *html_id, const struct ms_table_col *cols, size_t n);
/* Starts a row; html_attrs are the attributes of its <tr> (class, data-*), or NULL. */
void ms_table_row(struct ms_table *tb, const char *html_attrs);
/* The next cell of the current row (strings are copied). */
void ms_table_cell(struct ms_table *tb, const struct ms_cell *cell);
/* Shorthand: a cell of plain text. */
void ms_table_text(struct ms_table *tb, const char *text);

/* "| a | b |" rows under a header and an alignment rule, each ending with a newline. */
void ms_table_markdown(const struct ms_table *tb, struct ms_text *t);
/* <table id=..><thead>..</thead><tbody>\n one <tr> a line </tbody></table> (no newline
 * after, so the caller may close what holds it on the same line). */
void ms_table_html(const struct ms_table *tb, struct ms_text *t);
void ms_table_free(struct ms_table *tb);

/* Every benchmark result: case, parameters, metric, median with its 95% interval, unit,
 * samples; the page adds each result's counters. */
struct ms_run;
struct ms_table *ms_bench_table(const struct ms_run *run);

#endif
