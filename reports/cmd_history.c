/* mmapsuite history METRIC: one metric across every recorded run, as a table and a plot. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "history.h"
#include "options.h"
#include "model.h"
#include "plots.h"
#include "util.h"

#define MAX_SERIES 24

static const char history_synopsis[] =
	"usage: mmapsuite history [--db FILE] [--case CASE] [--out DIR] METRIC\n"
	"Shows METRIC (e.g. throughput) of every run recorded in the history database, oldest\n"
	"first, one series per case and parameters, and plots it (METRIC.svg, .png, .html in\n"
	"DIR, default: the database's directory/history).\n";
static const char history_exits[] =
	"Exit: 0 shown, 2 bad input, no database, a damaged one, or no run recorded METRIC.\n";

enum { OPT_DB = MS_OPT_OWN, OPT_CASE, OPT_OUT };

static const struct ms_option history_options[] = {
	{ "db", 'd', "FILE", "the database (default: $MMAPSUITE_OUT or reports/out,\n"
	  "/history.sqlite)", OPT_DB },
	{ "case", 'c', "CASE", "only this benchmark case", OPT_CASE },
	{ "out", 'o', "DIR", "write the plots into DIR (default: the database's\n"
	  "directory/history)", OPT_OUT },
	MS_OPTIONS_END
};
static const struct ms_option *const history_tables[] = { history_options, NULL };

struct point {
	char *time, *run, *kernel, *series, *method, *unit;
	double median, low, high;
	int higher_is_better;
};

static char *column(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return ms_strdup(s ? (const char *)s : "");
}

/* The method inside a params key ({"method":"mmap",...}), for the colour. */
static char *method_of(const char *params)
{
	json_t *o = json_loads(params, 0, NULL);
	json_t *m = o ? json_object_get(o, "method") : NULL;
	char *r = ms_strdup(json_is_string(m) ? json_string_value(m) : "");
	json_decref(o);
	return r;
}

static void known_metrics(sqlite3 *db)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT metric FROM metrics ORDER BY metric", -1, &st,
			       NULL) != SQLITE_OK)
		return;
	fprintf(stderr, "known metrics:");
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(stderr, " %s", sqlite3_column_text(st, 0));
	fprintf(stderr, "\n");
	sqlite3_finalize(st);
}

static int plot(const char *dir, const char *metric, struct point *pts, size_t n,
		char **runs, size_t n_runs, char **series, size_t n_series)
{
	struct ms_text data = { 0 }, gp = { 0 }, html = { 0 };
	size_t drawn = n_series > MAX_SERIES ? MAX_SERIES : n_series;
	for (size_t s = 0; s < drawn; s++) {
		ms_text_printf(&data, "%s# series %zu: %s\n# run_index median ci_low ci_high\n",
			       s ? "\n\n" : "", s, series[s]);
		for (size_t i = 0; i < n; i++) {
			if (strcmp(pts[i].series, series[s]) != 0)
				continue;
			size_t r = 0;
			while (r < n_runs && strcmp(runs[r], pts[i].run) != 0)
				r++;
			ms_text_printf(&data, "%zu %.17g %.17g %.17g\n", r, pts[i].median, pts[i].low,
				       pts[i].high);
		}
	}
	ms_gnuplot_terminal(&gp, MS_GNUPLOT_SVG, "900,460", "PLOT.svg");
	char *title = ms_asprintf("%s across runs (median, 95%% interval)", metric);
	char *ylabel = ms_asprintf("%s (%s), %s is better", metric, pts[0].unit,
				   pts[0].higher_is_better ? "higher" : "lower");
	ms_gnuplot_set_text(&gp, "title", title);
	ms_gnuplot_set_text(&gp, "ylabel", ylabel);
	ms_text_printf(&gp, "set xlabel 'run (time, kernel)'\nset yrange [0:*]\nset grid ytics\n"
			    "set key outside right top\nset xrange [-0.5:%zu.5]\nset xtics rotate by "
			    "-30 (", n_runs - 1);
	for (size_t r = 0; r < n_runs; r++) {
		const char *kernel = "";
		const char *time = "";
		for (size_t i = 0; i < n; i++)
			if (strcmp(pts[i].run, runs[r]) == 0) {
				kernel = pts[i].kernel;
				time = pts[i].time;
			}
		char *label = ms_asprintf("%.16s %s", time, kernel);
		ms_gnuplot_string(&gp, label);
		ms_text_printf(&gp, " %zu%s", r, r + 1 < n_runs ? ", " : ")\n");
		free(label);
	}
	for (size_t s = 0; s < drawn; s++) {
		char *method = NULL;
		for (size_t i = 0; i < n && !method; i++)
			if (strcmp(pts[i].series, series[s]) == 0)
				method = pts[i].method;
		ms_gnuplot_series(&gp, s, &(struct ms_gnuplot_series){
			.data = "PLOT.dat", .index = s, .style = "using 1:2:3:4 with yerrorlines pt 7",
			.dash = 1 + (int)(s % 5), .colour = ms_method_colour(method),
			.title = series[s] });
	}
	ms_gnuplot_plot_end(&gp);
	ms_gnuplot_terminal(&gp, MS_GNUPLOT_PNG, "900,460", "PLOT.png");
	ms_text_puts(&gp, "replot\nunset output\n");
	/* File names from the metric, made safe. */
	char *stem = ms_strdup(metric);
	for (char *c = stem; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
			*c = '_';
	char *script_text = ms_strdup(gp.data);
	ms_text_free(&gp);
	/* Replace the PLOT placeholder by the stem. */
	for (const char *p = script_text; *p;) {
		const char *q = strstr(p, "PLOT");
		if (!q) {
			ms_text_puts(&gp, p);
			break;
		}
		ms_text_put(&gp, p, (size_t)(q - p));
		ms_text_puts(&gp, stem);
		p = q + 4;
	}
	char err[512] = "";
	char *dat = ms_asprintf("%s/%s.dat", dir, stem), *gpp = ms_asprintf("%s/%s.gp", dir, stem);
	char *gpname = ms_asprintf("%s.gp", stem), *svg = ms_asprintf("%s/%s.svg", dir, stem);
	char *htmlp = ms_asprintf("%s/%s.html", dir, stem);
	int rc = -1;
	if (ms_mkdir_p(dir, 0755) || ms_text_save(&data, dat) || ms_text_save(&gp, gpp))
		fprintf(stderr, "mmapsuite history: cannot write into %s: %s\n", dir, strerror(errno));
	else if (ms_gnuplot_run(dir, gpname, err, sizeof(err)) != 0)
		fprintf(stderr, "mmapsuite history: %s\n", err);
	else
		rc = 0;
	char *inline_svg = rc ? NULL : ms_svg_inline_file(svg, "h-", "class=\"plot\" role=\"img\"");
	if (inline_svg) {
		ms_text_puts(&html, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
				    "<title>");
		ms_text_xml(&html, title);
		ms_text_puts(&html, "</title></head><body style=\"font-family:sans-serif\">\n");
		ms_text_puts(&html, inline_svg);
		ms_text_puts(&html, "</body></html>\n");
		ms_text_save(&html, htmlp);
		printf("plot: %s (and .png, .html)\n", svg);
		if (n_series > MAX_SERIES)
			printf("only the first %d of %zu series are drawn: narrow with --case\n",
			       MAX_SERIES, n_series);
	}
	free(inline_svg);
	free(dat);
	free(gpp);
	free(gpname);
	free(svg);
	free(htmlp);
	free(stem);
	free(script_text);
	free(title);
	free(ylabel);
	ms_text_free(&data);
	ms_text_free(&gp);
	ms_text_free(&html);
	return rc;
}

static size_t add_unique(char ***list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp((*list)[i], s) == 0)
			return n;
	*list = ms_realloc(*list, (n + 1) * sizeof(char *));
	(*list)[n] = (char *)s;
	return n + 1;
}

int cmd_history(int argc, char **argv)
{
	const char *db_arg = NULL, *case_filter = NULL, *out = NULL;
	struct ms_options p;
	ms_options_begin(&p, "history", history_tables, argc, argv);
	for (int id; (id = ms_options_next(&p)) != MS_OPT_DONE;) {
		switch (id) {
		case OPT_DB: db_arg = p.arg; break;
		case OPT_CASE: case_filter = p.arg; break;
		case OPT_OUT: out = p.arg; break;
		case MS_OPT_HELP:
			return ms_options_usage(history_synopsis, history_tables, history_exits);
		}
	}
	const char *metric = argv[ms_options_operands_between(&p, 1, 1, "expected one METRIC")];
	ms_options_out_dir(&p, out);
	char *db_path = db_arg ? ms_strdup(db_arg) : ms_history_default_path();
	char err[1024];
	struct stat st;
	if (stat(db_path, &st) != 0) {
		fprintf(stderr, "mmapsuite history: %s: %s (runs are recorded there by mmapsuite "
			"run; use --db FILE)\n", db_path, strerror(errno));
		free(db_path);
		return MS_EXIT_USAGE;
	}
	sqlite3 *db = ms_history_open(db_path, false, err, sizeof(err));
	if (!db) {
		fprintf(stderr, "mmapsuite history: %s\n", err);
		free(db_path);
		return MS_EXIT_USAGE;
	}
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(db,
		"SELECT r.time, r.id, coalesce(r.kernel, '?'), m.bench_case, m.params, m.unit, "
		"m.median, m.ci_low, m.ci_high, m.higher_is_better FROM metrics m JOIN runs r "
		"ON r.id = m.run_id WHERE m.metric = ?1 AND (?2 IS NULL OR m.bench_case = ?2) "
		"ORDER BY r.time, r.id, m.bench_case, m.params", -1, &q, NULL);
	if (rc != SQLITE_OK) {
		char why[768];
		if (strstr(sqlite3_errmsg(db), "no such table"))
			snprintf(why, sizeof(why), "%s (not an mmapsuite history database)",
				 sqlite3_errmsg(db));
		else
			ms_history_problem(db, rc, why, sizeof(why));
		fprintf(stderr, "mmapsuite history: %s: %s\n", db_path, why);
		sqlite3_close(db);
		free(db_path);
		return MS_EXIT_USAGE;
	}
	sqlite3_bind_text(q, 1, metric, -1, SQLITE_STATIC);
	if (case_filter)
		sqlite3_bind_text(q, 2, case_filter, -1, SQLITE_STATIC);
	struct point *pts = NULL;
	size_t n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		pts = ms_realloc(pts, (n + 1) * sizeof(*pts));
		struct point *p = &pts[n++];
		p->time = column(q, 0);
		p->run = column(q, 1);
		p->kernel = column(q, 2);
		char *bcase = column(q, 3), *params = column(q, 4);
		p->series = ms_asprintf("%s %s", bcase, params);
		p->method = method_of(params);
		p->unit = column(q, 5);
		p->median = sqlite3_column_double(q, 6);
		p->low = sqlite3_column_double(q, 7);
		p->high = sqlite3_column_double(q, 8);
		p->higher_is_better = sqlite3_column_int(q, 9);
		free(bcase);
		free(params);
	}
	sqlite3_finalize(q);
	int status = MS_EXIT_OK;
	if (rc != SQLITE_DONE) {
		char why[768];
		fprintf(stderr, "mmapsuite history: %s: reading it failed: %s\n", db_path,
			ms_history_problem(db, rc, why, sizeof(why)));
		status = MS_EXIT_USAGE;
	} else if (!n) {
		fprintf(stderr, "mmapsuite history: %s: no recorded run has metric '%s'%s%s\n",
			db_path, metric, case_filter ? " in case " : "", case_filter ? case_filter : "");
		known_metrics(db);
		status = MS_EXIT_USAGE;
	} else {
		char **runs = NULL, **series = NULL;
		size_t n_runs = 0, n_series = 0;
		printf("%-20s  %-36s  %-16s  %12s  %-25s  %s\n", "time", "run", "kernel", "median",
		       "95% interval", "case and parameters");
		for (size_t i = 0; i < n; i++) {
			n_runs = add_unique(&runs, n_runs, pts[i].run);
			n_series = add_unique(&series, n_series, pts[i].series);
			printf("%-20s  %-36s  %-16s  %12.4g  [%10.4g, %10.4g]  %s (%s)\n", pts[i].time,
			       pts[i].run, pts[i].kernel, pts[i].median, pts[i].low, pts[i].high,
			       pts[i].series, pts[i].unit);
		}
		char *dir = NULL;
		if (out) {
			dir = ms_strdup(out);
		} else {
			const char *slash = strrchr(db_path, '/');
			dir = slash ? ms_asprintf("%.*s/history", (int)(slash - db_path), db_path)
				    : ms_strdup("history");
		}
		if (plot(dir, metric, pts, n, runs, n_runs, series, n_series) != 0)
			status = MS_EXIT_FAILED;
		free(dir);
		free(runs);
		free(series);
	}
	for (size_t i = 0; i < n; i++) {
		free(pts[i].time);
		free(pts[i].run);
		free(pts[i].kernel);
		free(pts[i].series);
		free(pts[i].method);
		free(pts[i].unit);
	}
	free(pts);
	sqlite3_close(db);
	free(db_path);
	return status;
}
