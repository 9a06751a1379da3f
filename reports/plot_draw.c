/* Writing a plot's data file and gnuplot script, and drawing them all with one gnuplot. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "plots.h"
#include "util.h"


static char *x_label_text(const struct ms_run *run, const struct ms_plot *p, size_t rec)
{
	if (strcmp(p->x_key, "method") == 0 && !json_object_get(run->benchmarks[rec].params,
								"method"))
		return ms_strdup(ms_bench_method(&run->benchmarks[rec]));
	char *v = ms_param_text(&run->benchmarks[rec], p->x_key);
	return v ? v : ms_strdup("none");
}

/* A time series: one block per series, every sample at the time its window ended. */
static void write_time_data(const struct ms_run *run, const struct ms_plot *p,
			    struct ms_text *t)
{
	for (size_t s = 0; s < p->n_series; s++) {
		const struct ms_series *se = &p->series[s];
		ms_text_printf(t, "%s# series %zu: %s\n# seconds_since_case_start sample\n",
			       s ? "\n\n" : "", s, se->label);
		for (size_t i = 0; i < se->n; i++) {
			const struct ms_benchmark *b = &run->benchmarks[se->records[i]];
			json_t *times = json_object_get(b->params, "sample_times_s");
			for (size_t k = 0; k < b->n_samples; k++)
				ms_text_printf(t, "%.17g %.17g\n",
					       json_number_value(json_array_get(times, k)),
					       b->samples[k]);
			/* Two records in one series (a repeated variant) are not joined. */
			if (i + 1 < se->n)
				ms_text_puts(t, "\n");
		}
	}
}

/* One block per series ("index N" in gnuplot): x, median, 95% low, 95% high. For bars the
 * bar's position and width are decided here, so gnuplot only draws. */
static void write_data(const struct ms_run *run, const struct ms_plot *p, struct ms_text *t)
{
	ms_text_printf(t, "# %s\n# unit: %s\n", p->title, p->unit ? p->unit : "");
	if (p->time_series) {
		ms_text_printf(t, "# file system: %s\n", p->fs ? p->fs : "none");
		write_time_data(run, p, t);
		return;
	}
	double width = 0.8 / (double)p->n_series;
	for (size_t s = 0; s < p->n_series; s++) {
		const struct ms_series *se = &p->series[s];
		ms_text_printf(t, "%s# series %zu: %s\n", s ? "\n\n" : "", s, se->label);
		if (p->categorical)
			ms_text_puts(t, "# position label median ci_low ci_high half_width\n");
		else
			ms_text_printf(t, "# %s median ci_low ci_high\n", p->x_key);
		for (size_t i = 0; i < se->n; i++) {
			const struct ms_benchmark *b = &run->benchmarks[se->records[i]];
			if (p->categorical) {
				char *label = x_label_text(run, p, se->records[i]);
				size_t cat = 0;
				while (cat < p->n_categories && strcmp(p->categories[cat], label))
					cat++;
				for (char *c = label; *c; c++)
					if (*c == '"' || *c == '\n')
						*c = '\'';
				double pos = (double)cat + ((double)s - (double)(p->n_series - 1) / 2) *
								  width;
				ms_text_printf(t, "%.6f \"%s\" %.17g %.17g %.17g %.6f\n", pos, label,
					       b->median, b->ci_low, b->ci_high, width * 0.45);
				free(label);
			} else {
				json_t *x = json_object_get(b->params, p->x_key);
				ms_text_printf(t, "%.17g %.17g %.17g %.17g\n", json_number_value(x),
					       b->median, b->ci_low, b->ci_high);
			}
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Ticks at the measured x values (block sizes, thread counts) when there are few of them:
 * the reader sees exactly where the points are, with sizes as "4 KiB". */
static void explicit_xtics(const struct ms_run *run, const struct ms_plot *p, struct ms_text *t)
{
	double *xs = ms_calloc(p->n_points + 1, sizeof(double));
	size_t n = 0;
	for (size_t s = 0; s < p->n_series; s++)
		for (size_t i = 0; i < p->series[s].n; i++) {
			json_t *v = json_object_get(run->benchmarks[p->series[s].records[i]].params,
						    p->x_key);
			xs[n++] = json_number_value(v);
		}
	qsort(xs, n, sizeof(double), cmp_double);
	size_t distinct = 0;
	for (size_t i = 0; i < n; i++)
		if (!distinct || xs[i] != xs[distinct - 1])
			xs[distinct++] = xs[i];
	if (distinct <= 12) {
		ms_text_puts(t, "set xtics (");
		for (size_t i = 0; i < distinct; i++) {
			char label[64];
			if (p->x_bytes)
				ms_format_bytes(xs[i], label, sizeof(label));
			else
				snprintf(label, sizeof(label), "%g", xs[i]);
			ms_gnuplot_string(t, label);
			ms_text_printf(t, " %.17g%s", xs[i], i + 1 < distinct ? ", " : ")\n");
		}
	} else if (p->x_bytes) {
		ms_text_puts(t, "set format x '%.0b %BB'\n");
	}
	free(xs);
}

/* The plot command of one panel: the series of file system fs (all when fs_panel is
 * false). Labels are short in a panel: the panel's title is the file system. */
static void plot_command(const struct ms_plot *p, bool fs_panel, const char *fs,
			 struct ms_text *t)
{
	char *data = ms_asprintf("%s.dat", p->stem);
	size_t n = 0;

	for (size_t s = 0; s < p->n_series; s++) {
		const struct ms_series *se = &p->series[s];
		char style[96];
		if (fs_panel && !ms_streq(se->fs, fs))
			continue;
		if (p->time_series)
			snprintf(style, sizeof(style), "using 1:2 with linespoints pt %zu ps 0.6 lw 1.5",
				 5 + 2 * (s % 4));
		else if (p->categorical)
			/* Bars: the colour is the method; a fill pattern tells the rest apart. */
			snprintf(style, sizeof(style), "using 1:3:4:5:6 with boxerrorbars fs %s border "
				 "lw 1.5", se->dash == 1 ? "solid 0.85" : se->dash == 2 ? "pattern 2"
				 : se->dash == 3 ? "pattern 4" : "pattern 5");
		else
			snprintf(style, sizeof(style), "using 1:2:3:4 with yerrorlines pt %zu ps 0.8 "
				 "lw 1.5", 5 + 2 * (s % 4));
		ms_gnuplot_series(t, n++, &(struct ms_gnuplot_series){
			.data = data, .index = s, .style = style, .dash = se->dash,
			.colour = ms_method_colour(se->method),
			.title = fs_panel ? se->short_label : se->label });
	}
	ms_gnuplot_plot_end(t);
	free(data);
}

static void write_script(const struct ms_run *run, const struct ms_plot *p, struct ms_text *t)
{
	bool panels = !p->time_series && p->n_panels > 1;

	ms_text_printf(t, "# %s: drawn from %s.dat (%s from results.json)\n", p->title, p->stem,
		       p->time_series ? "every sample with its time" : "medians and 95% intervals");
	/* The page draws its own legend beside the picture (it can never cover the data);
	 * the PNG, which travels alone, has gnuplot's, below the plot. */
	ms_text_puts(t, "if (!exists('with_key')) with_key = 1\n"
			"set termoption noenhanced\n");
	char *title = p->time_series ? ms_asprintf("%s over time, %s", p->title,
						   p->fs ? p->fs : "no file system")
				     : ms_strdup(p->title);
	if (panels) {
		ms_text_printf(t, "set multiplot layout %zu,%zu title ", (p->n_panels + 2) / 3,
			       p->n_panels < 3 ? p->n_panels : 3);
		ms_gnuplot_string(t, title);
		ms_text_puts(t, "\n");
	} else {
		ms_gnuplot_set_text(t, "title", title);
	}
	free(title);
	char *ylabel = ms_asprintf("%s (%s), %s is better%s", p->metric,
				   p->unit && *p->unit ? p->unit : "no unit",
				   p->higher_is_better ? "higher" : "lower",
				   p->y_log ? ", log scale" : "");
	ms_gnuplot_set_text(t, "ylabel", ylabel);
	free(ylabel);
	if (p->y_log)
		ms_text_puts(t, "set logscale y 10\nset yrange [*:*]\n");
	else
		ms_text_puts(t, "set yrange [0:*]\n");
	ms_text_puts(t, "set grid ytics\nif (with_key) { set key below } else { unset key }\n"
			"set border 3\nset tics nomirror\n");
	if (p->time_series) {
		ms_gnuplot_set_text(t, "xlabel", "time since the case started (s), at the end of each sample");
		ms_text_puts(t, "set xrange [0:*]\nset grid xtics\n");
	} else if (p->categorical) {
		ms_gnuplot_set_text(t, "xlabel", p->x_key);
		ms_text_printf(t, "set xrange [-0.6:%zu.6]\nset xtics (", p->n_categories - 1);
		for (size_t c = 0; c < p->n_categories; c++) {
			ms_gnuplot_string(t, p->categories[c]);
			ms_text_printf(t, " %zu%s", c, c + 1 < p->n_categories ? ", " : ")\n");
		}
		if (p->n_categories > 3)
			ms_text_puts(t, "set xtics rotate by -30\n");
	} else {
		char *xlabel = ms_asprintf("%s (%s)", p->x_key, p->x_bytes ? "bytes" : "count");
		ms_gnuplot_set_text(t, "xlabel", xlabel);
		free(xlabel);
		if (p->x_log)
			ms_text_puts(t, "set logscale x 2\n");
		explicit_xtics(run, p, t);
		ms_text_puts(t, "set offsets graph 0.03, graph 0.03, 0, 0\n");
	}
	if (!panels) {
		plot_command(p, false, NULL, t);
		return;
	}
	for (size_t k = 0; k < p->n_panels; k++) {
		ms_gnuplot_set_text(t, "title", p->panels[k] ? p->panels[k] : "no file system");
		if (k)
			ms_text_puts(t, "unset ylabel\n");
		plot_command(p, true, p->panels[k], t);
	}
	ms_text_puts(t, "unset multiplot\n");
}

/* Canvas of a plot: wider for side-by-side panels. */
static void plot_size(const struct ms_plot *p, char *buf, size_t len)
{
	size_t cols = p->time_series || p->n_panels < 2 ? 1 : p->n_panels < 3 ? p->n_panels : 3;
	size_t rows = p->time_series || p->n_panels < 2 ? 1 : (p->n_panels + 2) / 3;

	snprintf(buf, len, "%zu,%zu", cols == 1 ? (size_t)760 : (size_t)1120, 380 * rows);
}

void ms_plots_draw(const struct ms_run *run, struct ms_plot_set *set, const char *plots_dir)
{
	if (!set->n)
		return;
	if (ms_mkdir_p(plots_dir, 0755) != 0) {
		set->problem = ms_asprintf("cannot create %s: %s", plots_dir, strerror(errno));
		return;
	}
	struct ms_text all = { 0 };
	ms_text_puts(&all, "# Draws every plot of this report: gnuplot all.gp\n");
	for (size_t i = 0; i < set->n; i++) {
		const struct ms_plot *p = &set->plots[i];
		struct ms_text data = { 0 }, script = { 0 };
		write_data(run, p, &data);
		write_script(run, p, &script);
		char *dat = ms_asprintf("%s/%s.dat", plots_dir, p->stem);
		char *gp = ms_asprintf("%s/%s.gp", plots_dir, p->stem);
		if (ms_text_save(&data, dat) != 0 || ms_text_save(&script, gp) != 0)
			set->problem = ms_asprintf("cannot write %s: %s", gp, strerror(errno));
		/* Both formats from one script: SVG for the page (its legend is the page's),
		 * PNG for mail and chat (with gnuplot's key, and taller for it). */
		char size[32], png_size[32];
		plot_size(p, size, sizeof(size));
		snprintf(png_size, sizeof(png_size), "%s", size);
		char *comma = strchr(png_size, ',');
		if (comma)
			snprintf(comma + 1, sizeof(png_size) - (comma + 1 - png_size), "%ld",
				 strtol(strchr(size, ',') + 1, NULL, 10) + 60 +
				 20 * (long)((p->n_series + 1) / 2));
		char *svg_name = ms_asprintf("%s.svg", p->stem), *png_name = ms_asprintf("%s.png", p->stem);
		ms_text_puts(&all, "reset\nwith_key = 0\n");
		ms_gnuplot_terminal(&all, MS_GNUPLOT_SVG, size, svg_name);
		ms_text_printf(&all, "load '%s.gp'\nunset output\n", p->stem);
		ms_text_puts(&all, "reset\nwith_key = 1\n");
		ms_gnuplot_terminal(&all, MS_GNUPLOT_PNG, png_size, png_name);
		ms_text_printf(&all, "load '%s.gp'\nunset output\n", p->stem);
		free(svg_name);
		free(png_name);
		free(dat);
		free(gp);
		ms_text_free(&data);
		ms_text_free(&script);
	}
	char *all_path = ms_asprintf("%s/all.gp", plots_dir);
	char err[512] = "";
	if (!set->problem && ms_text_save(&all, all_path) != 0)
		set->problem = ms_asprintf("cannot write %s: %s", all_path, strerror(errno));
	if (!set->problem && ms_gnuplot_run(plots_dir, "all.gp", err, sizeof(err)) != 0)
		set->problem = ms_strdup(err);
	for (size_t i = 0; i < set->n; i++) {
		struct ms_plot *p = &set->plots[i];
		char *svg = ms_asprintf("%s/%s.svg", plots_dir, p->stem);
		char *prefix = ms_asprintf("%s-", p->stem);
		char *attrs = ms_asprintf("class=\"plot\" data-plot=\"%s\" data-panels=\"%zu\" "
					  "role=\"img\"", p->stem, p->time_series || p->n_panels < 2 ?
					  (size_t)1 : p->n_panels);
		p->svg = ms_svg_inline_file(svg, prefix, attrs);
		if (!p->svg && !set->problem)
			set->problem = ms_asprintf("gnuplot did not draw %s", svg);
		free(svg);
		free(prefix);
		free(attrs);
	}
	free(all_path);
	ms_text_free(&all);
}
