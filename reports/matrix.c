/* The matrix of test x place for a set of runs (matrix.h): its model, and the command that
 * loads the runs and writes matrix.html and matrix.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "matrix.h"
#include "report.h"
#include "util.h"

/* The host's name is the middle of the run id, "<UTC time>-<host>-<pid>" (ms_run_new); the
 * environment does not record it. */
static char *host_of(const struct ms_run *run)
{
	const char *id = run->id ? run->id : "";
	const char *first = strchr(id, '-'), *last = strrchr(id, '-');
	if (!first || last <= first + 1)
		return ms_strdup("host");
	return ms_asprintf("%.*s", (int)(last - first - 1), first + 1);
}

static char *page_size_of(const struct ms_run *run)
{
	char *text = ms_env_text(run, "place.page_size|page_size"); /* schema 1: top level */
	if (!text)
		return ms_strdup("?");
	char *end;
	double bytes = strtod(text, &end);
	if (end != text && !*end && bytes > 0) {
		char buf[32];
		ms_format_bytes(bytes, buf, sizeof(buf));
		free(text);
		return ms_strdup(buf);
	}
	return text;
}

static char *or_unknown(char *text)
{
	return text ? text : ms_strdup("?");
}

static void add_columns(struct ms_matrix *m, const struct ms_run *run, size_t run_index)
{
	struct ms_column *cols;
	size_t n = ms_columns(run, &cols);
	m->cols = ms_realloc(m->cols, (m->n_cols + n + 1) * sizeof(*m->cols));
	for (size_t k = 0; k < n; k++) {
		struct ms_matrix_col *c = &m->cols[m->n_cols++];
		memset(c, 0, sizeof(*c));
		c->run = run;
		c->run_index = run_index;
		c->place = cols[k].place && *cols[k].place ? cols[k].place : "host";
		c->fs = cols[k].fs && *cols[k].fs ? cols[k].fs : "none";
		c->kernel = or_unknown(ms_env_text(run, "kernel.release|kernel_release"));
		c->arch = or_unknown(ms_env_text(run, "architecture"));
		c->page_size = page_size_of(run);
		c->who = strcmp(c->place, "host") == 0 ? host_of(run) : ms_strdup(c->place);
		ms_count_column(run, cols, n, k, &c->counts);
	}
	free(cols);
}

static bool same_col(const struct ms_matrix_col *col, const struct ms_run *run,
		     const struct ms_conformance *c)
{
	return col->run == run && ms_streq(col->place, c->place && *c->place ? c->place : "host") &&
	       ms_streq(col->fs, c->fs && *c->fs ? c->fs : "none");
}

/* The row of (suite, test), appended when new. */
static struct ms_matrix_row *row_of(struct ms_matrix *m, size_t *cap,
				    const struct ms_conformance *c)
{
	for (size_t r = 0; r < m->n_rows; r++)
		if (ms_streq(m->rows[r].suite, c->suite) && ms_streq(m->rows[r].test, c->test))
			return &m->rows[r];
	if (m->n_rows == *cap)
		m->rows = ms_realloc(m->rows, (*cap = *cap ? *cap * 2 : 256) * sizeof(*m->rows));
	struct ms_matrix_row *row = &m->rows[m->n_rows++];
	*row = (struct ms_matrix_row){ .suite = c->suite, .test = c->test, .ids = c->ids,
				       .spec = c->spec };
	row->cell = ms_calloc(m->n_cols + 1, sizeof(*row->cell));
	return row;
}

static void judge(struct ms_matrix *m, struct ms_matrix_row *row)
{
	int first = -2, first_ran = -2; /* -1: not run */
	row->all_pass = true;
	for (size_t k = 0; k < m->n_cols; k++) {
		int o = row->cell[k] ? (int)row->cell[k]->outcome : -1;
		m->cols[k].not_run += !row->cell[k];
		row->all_pass &= o == MS_PASS;
		if (k == 0)
			first = o;
		else if (o != first)
			row->differs = true;
		if (o < 0)
			continue;
		if (first_ran == -2)
			first_ran = o;
		else if (o != first_ran)
			row->ran_differs = true;
	}
}

/* 0: differs where it ran, 1: differs only in where it ran, 2: the same everywhere but not
 * all passing, 3: passes everywhere. */
static int group_of(const struct ms_matrix_row *row)
{
	return row->ran_differs ? 0 : row->differs ? 1 : row->all_pass ? 3 : 2;
}

void ms_matrix_build(struct ms_matrix *m, struct ms_run *const *runs, size_t n_runs)
{
	memset(m, 0, sizeof(*m));
	m->n_runs = n_runs;
	for (size_t i = 0; i < n_runs; i++)
		add_columns(m, runs[i], i);
	size_t cap = 0;
	for (size_t i = 0; i < n_runs; i++) {
		for (size_t j = 0; j < runs[i]->n_conformance; j++) {
			const struct ms_conformance *c = &runs[i]->conformance[j];
			struct ms_matrix_row *row = row_of(m, &cap, c);
			for (size_t k = 0; k < m->n_cols; k++)
				if (same_col(&m->cols[k], runs[i], c) && !row->cell[k])
					row->cell[k] = c; /* the first result of a test in a column */
		}
	}
	struct ms_matrix_row *sorted = ms_calloc(m->n_rows + 1, sizeof(*sorted));
	size_t n = 0;
	for (size_t r = 0; r < m->n_rows; r++)
		judge(m, &m->rows[r]);
	for (int g = 0; g < 4; g++)
		for (size_t r = 0; r < m->n_rows; r++)
			if (group_of(&m->rows[r]) == g)
				sorted[n++] = m->rows[r];
	for (size_t r = 0; r < m->n_rows; r++) {
		m->n_differ += m->rows[r].differs;
		m->n_ran_differ += m->rows[r].ran_differs;
		m->n_all_pass += m->rows[r].all_pass;
	}
	free(m->rows);
	m->rows = sorted;
}

void ms_matrix_free(struct ms_matrix *m)
{
	for (size_t k = 0; k < m->n_cols; k++) {
		free(m->cols[k].kernel);
		free(m->cols[k].arch);
		free(m->cols[k].page_size);
		free(m->cols[k].who);
	}
	for (size_t r = 0; r < m->n_rows; r++)
		free(m->rows[r].cell);
	free(m->cols);
	free(m->rows);
	memset(m, 0, sizeof(*m));
}

static int save(const struct ms_text *t, const char *dir, const char *name)
{
	char *path = ms_asprintf("%s/%s", dir, name);
	int rc = ms_text_save(t, path);
	if (rc != 0)
		fprintf(stderr, "mmapsuite report --matrix: cannot write %s: %s\n", path,
			strerror(errno));
	else
		printf("matrix: %s\n", path);
	free(path);
	return rc;
}

int ms_matrix_command(char *const *inputs, size_t n, const char *out_dir)
{
	struct ms_run **runs = ms_calloc(n + 1, sizeof(*runs));
	int rc = MS_EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		char err[1024];
		runs[i] = ms_run_load_dir(inputs[i], err, sizeof(err));
		if (!runs[i]) {
			fprintf(stderr, "mmapsuite report --matrix: %s\n", err);
			rc = MS_EXIT_USAGE;
		} else if (!runs[i]->n_conformance) {
			fprintf(stderr, "mmapsuite report --matrix: %s: holds no conformance result "
				"(a benchmark-only run has no place in a test matrix)\n", inputs[i]);
			rc = MS_EXIT_USAGE;
		}
	}
	if (rc == MS_EXIT_OK) {
		struct ms_matrix m;
		struct ms_text html = { 0 }, md = { 0 };
		char *dir = out_dir ? ms_strdup(out_dir) : ms_default_out_dir("matrix");
		ms_matrix_build(&m, runs, n);
		ms_matrix_html(&m, &html);
		ms_matrix_markdown(&m, &md);
		if (ms_mkdir_p(dir, 0755) != 0) {
			fprintf(stderr, "mmapsuite report --matrix: cannot create %s: %s\n", dir,
				strerror(errno));
			rc = MS_EXIT_RECORDING;
		} else if (save(&html, dir, "matrix.html") || save(&md, dir, "matrix.md")) {
			rc = MS_EXIT_RECORDING;
		} else {
			printf("matrix: %zu tests x %zu columns from %zu runs, %zu differ\n", m.n_rows,
			       m.n_cols, n, m.n_differ);
		}
		ms_text_free(&html);
		ms_text_free(&md);
		ms_matrix_free(&m);
		free(dir);
	}
	for (size_t i = 0; i < n; i++)
		if (runs[i])
			ms_run_free(runs[i]);
	free(runs);
	return rc;
}
