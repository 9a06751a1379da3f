/* mmapsuite report --matrix RUN...: one page of test x place for a set of runs, the page a lab
 * publishes. A column is a place (host or guest, kernel, architecture, page size) and a file
 * system of one run; a row is a test. Rows whose outcomes differ across the columns come
 * first. matrix.c builds the model and writes the files, matrix_out.c renders it. */
#ifndef MMAPSUITE_REPORTS_MATRIX_H
#define MMAPSUITE_REPORTS_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "results.h"
#include "text.h"

struct ms_matrix_col {
	const struct ms_run *run;
	size_t run_index;         /* 0.. in the order the runs were given */
	const char *place, *fs;   /* of its results: "host", "guest:<kernel>"; "ext4" */
	char *kernel, *arch;      /* environment: kernel.release, architecture ("?" if absent) */
	char *page_size;          /* "4 KiB": environment.place.page_size, or .page_size before
				   * schema 2; "?" if absent */
	char *who;                /* the host's name (from the run id) or the guest or board label */
	struct ms_counts counts;  /* its outcomes */
	size_t not_run;           /* rows without a result in this column */
};

struct ms_matrix_row {
	const char *suite, *test, *ids, *spec;
	const struct ms_conformance **cell; /* per column; NULL: not run there */
	bool differs;             /* the outcomes (not run counting as one) differ across columns */
	bool ran_differs;         /* they differ among the columns that ran it */
	bool all_pass;            /* passed in every column */
};

struct ms_matrix {
	struct ms_matrix_col *cols;
	size_t n_cols;
	/* Rows whose outcomes differ where they ran first, then the rows that differ only in
	 * where they ran, then the rows the same everywhere but not passing everywhere, then
	 * those that pass everywhere; each group in the order the tests first appear. */
	struct ms_matrix_row *rows;
	size_t n_rows, n_differ, n_ran_differ, n_all_pass;
	size_t n_runs;
};

void ms_matrix_build(struct ms_matrix *m, struct ms_run *const *runs, size_t n_runs);
void ms_matrix_free(struct ms_matrix *m);

/* matrix.html: self-contained (inline CSS, no script, nothing fetched). */
void ms_matrix_html(const struct ms_matrix *m, struct ms_text *t);
/* matrix.md: the same tables and details in GitHub Markdown. */
void ms_matrix_markdown(const struct ms_matrix *m, struct ms_text *t);

/* The command: loads every input (a results directory or results.json), then writes
 * out_dir/matrix.html and matrix.md (out_dir NULL: ms_default_out_dir("matrix")). Nothing is
 * written when an input is bad. Returns an exit status (commands.h). */
int ms_matrix_command(char *const *inputs, size_t n, const char *out_dir);

#endif
