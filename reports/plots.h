/* Plots: C writes the data files and the gnuplot scripts into DIR/plots/, gnuplot draws
 * them (SVG to inline, PNG beside it), and never computes: medians and intervals come from
 * results.json, positions are decided here. */
#ifndef MMAPSUITE_REPORTS_PLOTS_H
#define MMAPSUITE_REPORTS_PLOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "results.h"
#include "text.h"

struct ms_series {
	char *label;            /* "mmap ext4 cache=cold" */
	const char *method;     /* decides the colour */
	int dash;               /* gnuplot dash type: one per file system / other params */
	size_t *records;        /* indices into run->benchmarks, in x order */
	size_t n;
	const char *fs;         /* the file system of its records, NULL for none */
	char *short_label;      /* the label without the file system (its panel says it) */
};

struct ms_plot {
	char *stem;             /* file name stem in plots/: "p03-seq_read-throughput" */
	char *title;
	const char *bench_case, *metric, *unit;
	bool higher_is_better;
	char *x_key;            /* the parameter on the x axis */
	bool categorical;       /* x is a list of names (fault kinds, methods), drawn as bars */
	bool x_log, x_bytes;
	/* Samples against time (records with params.sample_times_s): one plot per file system
	 * (fs), one line per record, every sample a point. */
	bool time_series;
	const char *fs;
	size_t n_samples;
	char **categories;
	size_t n_categories;
	struct ms_series *series;
	size_t n_series;
	size_t n_points;
	char *svg;              /* inline-ready SVG once drawn, NULL if gnuplot did not draw it */
	/* Small multiples: one panel per file system (series fs), side by side. */
	const char *panels[8];
	size_t n_panels;
	bool y_log;             /* medians span more than a decade and a half: log y axis */
};

struct ms_plot_set {
	struct ms_plot *plots;
	size_t n;
	char *problem;          /* why plots are missing (no gnuplot, gnuplot failed), or NULL */
};

/* One plot per (case, metric, unit) of the run's benchmarks; records that are time series
 * get their own plot per (case, metric, unit, file system). */
void ms_plots_build(const struct ms_run *run, struct ms_plot_set *set);
/* Writes plots/<stem>.dat, .gp, all.gp, runs gnuplot once for all, reads the SVGs back.
 * A plot gnuplot did not draw keeps svg NULL and set->problem says why. */
void ms_plots_draw(const struct ms_run *run, struct ms_plot_set *set, const char *plots_dir);
void ms_plots_free(struct ms_plot_set *set);

/* Runs `gnuplot script` in dir (gnuplot from $MMAPSUITE_GNUPLOT, PATH, or the one found at
 * configure time), its stderr into dir/gnuplot.log. Returns 0, or -1 with a reason. */
int ms_gnuplot_run(const char *dir, const char *script, char *err, size_t errlen);
/* A gnuplot single-quoted string literal of s. */
void ms_gnuplot_string(struct ms_text *t, const char *s);

/* Writing gnuplot scripts. The report's plots, compare's ratio plot and history's plot all
 * go through these, so they share one terminal, one font and one way of naming series. */
/* "set <what> '<text>'": a title or an axis label ("title", "xlabel", "ylabel"). */
void ms_gnuplot_set_text(struct ms_text *t, const char *what, const char *text);
enum ms_gnuplot_term {
	MS_GNUPLOT_SVG, /* for the page: dynamic size, sans 11 */
	MS_GNUPLOT_PNG, /* to travel alone (mail, chat): pngcairo, sans 10 */
};
/* The terminal (size "W,H", noenhanced text, white background) and "set output". */
void ms_gnuplot_terminal(struct ms_text *t, enum ms_gnuplot_term term, const char *size,
			 const char *output);
/* One series of a plot command: "'data' index N <style> [dt D] [lc rgb 'C'] title 'T'". */
struct ms_gnuplot_series {
	const char *data;   /* the data file, relative to the script */
	size_t index;       /* its block in the data file */
	const char *style;  /* "using 1:2:3:4 with yerrorlines pt 7" ... */
	int dash;           /* dash type, 0 for gnuplot's default */
	const char *colour; /* "#rrggbb", NULL for gnuplot's default */
	const char *title;
};
/* Appends a series to the plot command; n is how many it holds already (0 begins it with
 * "plot"). ms_gnuplot_plot_end ends the command. */
void ms_gnuplot_series(struct ms_text *t, size_t n, const struct ms_gnuplot_series *s);
void ms_gnuplot_plot_end(struct ms_text *t);

/* SVG file at path made fit to inline in HTML: the XML prolog dropped, every id prefixed
 * (several plots on one page would otherwise share ids), lstopo's "px" in viewBox removed,
 * and attrs added to the root element. NULL if missing or not SVG. */
char *ms_svg_inline_file(const char *path, const char *id_prefix, const char *attrs);

#endif
