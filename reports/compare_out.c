/* A comparison as Markdown (stdout and compare.md) and as a self-contained compare.html. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "html.h"
#include "model.h"
#include "plots.h"
#include "util.h"

/* Per compared run: the geometric mean of the speedups (ratio turned so > 1 is better) and,
 * for each rate unit, the harmonic means of both sides' medians over the paired records. */
struct run_means {
	double speedup_geo;
	size_t n;
};

/* Why run k's timings are smoke figures (c->smoke_run[k]): an emulated CPU, or a place of
 * another kind than the baseline's. */
static const char *smoke_why(const struct ms_comparison *c, size_t k)
{
	bool tcg = ms_run_emulated(c->runs[0]) || ms_run_emulated(c->runs[k]);
	return tcg ? "an emulated CPU under QEMU TCG, whose timings measure the emulator more than "
		     "the kernel"
		   : "different kinds of place";
}

static void run_means(const struct ms_comparison *c, size_t k, struct run_means *out)
{
	double *v = ms_calloc(c->n_metrics + 1, sizeof(double));
	size_t n = 0;
	for (size_t i = 0; i < c->n_metrics; i++) {
		const struct ms_metric_cmp *m = &c->metrics[i];
		if (m->run != k || !isfinite(m->ratio.ratio) || m->ratio.ratio <= 0)
			continue;
		v[n++] = m->base->higher_is_better ? m->ratio.ratio : 1 / m->ratio.ratio;
	}
	out->speedup_geo = ms_geometric_mean(v, n);
	out->n = n;
	free(v);
}

/* Harmonic means of the rate medians (per unit) of the baseline and run k, paired records. */
static void rate_means(const struct ms_comparison *c, size_t k, struct ms_text *t, bool html)
{
	const char *units[16];
	size_t n_units = 0;
	for (size_t i = 0; i < c->n_metrics && n_units < 16; i++) {
		const struct ms_metric_cmp *m = &c->metrics[i];
		if (m->run != k || !ms_unit_is_rate(m->base->unit))
			continue;
		size_t u = 0;
		while (u < n_units && strcmp(units[u], m->base->unit) != 0)
			u++;
		if (u == n_units)
			units[n_units++] = m->base->unit;
	}
	for (size_t u = 0; u < n_units; u++) {
		double *a = ms_calloc(c->n_metrics, sizeof(double));
		double *b = ms_calloc(c->n_metrics, sizeof(double));
		size_t n = 0;
		for (size_t i = 0; i < c->n_metrics; i++) {
			const struct ms_metric_cmp *m = &c->metrics[i];
			if (m->run == k && strcmp(m->base->unit, units[u]) == 0) {
				a[n] = m->base->median;
				b[n++] = m->other->median;
			}
		}
		char ha[32], hb[32];
		ms_format_value(ms_harmonic_mean(a, n), ha, sizeof(ha));
		ms_format_value(ms_harmonic_mean(b, n), hb, sizeof(hb));
		ms_text_printf(t, html ? "<li>harmonic mean of %zu rates in %s: %s → %s</li>\n"
				       : "- harmonic mean of %zu rates in %s: %s → %s\n",
			       n, units[u], ha, hb);
		free(a);
		free(b);
	}
}

static const char *verdict_word(const struct ms_metric_cmp *m)
{
	if (m->smoke)
		return "smoke";
	if (m->regression)
		return "REGRESSION";
	if (!m->significant)
		return "same";
	return m->change_pct >= 0 ? "better" : "worse";
}

void ms_compare_markdown(const struct ms_comparison *c, struct ms_text *t)
{
	ms_text_puts(t, "## mmapsuite comparison\n\n| | run | place | kernel | time |\n"
			"|---|---|---|---|---|\n");
	for (size_t k = 0; k < c->n_runs; k++) {
		char *kernel = ms_env_text(c->runs[k], "kernel.release");
		ms_text_printf(t, "| %s | `%s` | %s | %s | %s |\n", k ? "compared" : "baseline",
			       c->runs[k]->id, c->runs[k]->place, kernel ? kernel : "?",
			       c->runs[k]->time);
		free(kernel);
	}
	ms_text_puts(t, "\n");
	for (size_t k = 1; k < c->n_runs; k++)
		ms_compare_place_line(c, k, t);
	if (c->threshold_pct >= 0)
		ms_text_printf(t, "**%zu regression%s** beyond %.1f%% (significant at p < 0.05), "
			       "or conformance pass → fail.\n\n", c->n_regressions,
			       c->n_regressions == 1 ? "" : "s", c->threshold_pct);
	for (size_t k = 1; k < c->n_runs; k++) {
		struct run_means rm;
		run_means(c, k, &rm);
		ms_text_printf(t, "Run %zu: %zu metrics paired", k, rm.n);
		if (rm.n)
			ms_text_printf(t, ", geometric mean of speedups %.3f (> 1 is better)",
				       rm.speedup_geo);
		ms_text_printf(t, "; %zu of its records and %zu of the baseline's have no "
			       "counterpart.\n", c->unmatched[k], c->base_unmatched[k]);
		rate_means(c, k, t, false);
		if (c->smoke_run[k])
			ms_text_printf(t, "Run %zu: smoke figures only: %s against %s (%s); its timing "
				       "differences are never called significant.\n", k,
				       c->runs[k]->place, c->runs[0]->place, smoke_why(c, k));
	}
	size_t matters = 0;
	for (size_t i = 0; i < c->n_env; i++)
		matters += c->env[i].matters;
	if (c->n_env) {
		ms_text_printf(t, "\n### Environment differences (%zu, %zu that decide results)\n\n"
			       "| run | what | baseline | this run |\n|---|---|---|---|\n",
			       c->n_env, matters);
		for (size_t i = 0; i < c->n_env; i++) {
			const struct ms_env_diff *d = &c->env[i];
			ms_text_printf(t, "| %zu | %s%s%s | ", d->run, d->matters ? "**" : "", d->path,
				       d->matters ? "**" : "");
			ms_text_md_cell(t, d->base, 80);
			ms_text_puts(t, " | ");
			ms_text_md_cell(t, d->other, 80);
			ms_text_puts(t, " |\n");
		}
	}
	bool any_bench = false;
	for (size_t k = 0; k < c->n_runs; k++)
		any_bench |= c->runs[k]->n_benchmarks > 0;
	if (!c->n_metrics && any_bench)
		ms_text_puts(t, "\nNo benchmark metric was paired: no result has a counterpart of the "
				"same case, metric, unit and parameters in the baseline. Conformance "
				"and environment are compared above.\n");
	if (c->n_metrics) {
		ms_text_puts(t, "\n### Metrics (ratio = run / baseline, medians; 95% bootstrap "
				"interval; Mann-Whitney U; # = position in the ratio plot)\n\n"
				"| run | # | case | parameters | metric | baseline | run | ratio [95%] "
				"| change | p | verdict |\n|---|--:|---|---|---|--:|--:|---|--:|--:|---|\n");
		size_t *pos = ms_calloc(c->n_runs, sizeof(size_t));
		for (size_t i = 0; i < c->n_metrics; i++) {
			const struct ms_metric_cmp *m = &c->metrics[i];
			char a[32], b[32];
			char *params = ms_params_label(m->base, NULL);
			ms_format_value(m->base->median, a, sizeof(a));
			ms_format_value(m->other->median, b, sizeof(b));
			ms_text_printf(t, "| %zu | %zu | %s | ", m->run, pos[m->run]++, m->base->bench_case);
			ms_text_md_cell(t, params, 120);
			ms_text_printf(t, "%s | %s (%s) | %s | %s | %.3f [%.3f, %.3f] | %+.1f%% | "
				       "%.3g | %s |\n", m->fs_differs ? " (file system differs)" : "",
				       m->base->metric, m->base->unit, a, b, m->ratio.ratio,
				       m->ratio.low, m->ratio.high, m->change_pct, m->p,
				       verdict_word(m));
			free(params);
		}
		free(pos);
	}
	if (c->n_conf) {
		/* "pass → skip: zero page disabled by pvm_no_zero_page=1 (/proc/cmdline)": the
		 * change and why, in one cell (the message of the run that has one, this run's
		 * first: a skip's or failure's reason) */
		ms_text_puts(t, "\n### Conformance differences\n\n| run | test | file system | "
				"change |\n|---|---|---|---|\n");
		for (size_t i = 0; i < c->n_conf; i++) {
			const struct ms_conf_cmp *d = &c->conf[i];
			const char *why = d->other->message ? d->other->message : d->base->message;
			ms_text_printf(t, "| %zu | `%s.%s` | %s | %s → %s%s%s%s", d->run, d->base->suite,
				       d->base->test, d->other->fs, ms_outcome_name(d->base->outcome),
				       d->regression ? "**" : "", ms_outcome_name(d->other->outcome),
				       d->regression ? "**" : "",
				       why || d->deviation_change ? ": " : "");
			if (d->deviation_change) {
				/* fail → xfail, xfail → pass ...: a known deviation came or went */
				const struct ms_conformance *x = d->other->expect_reason ? d->other
								: d->base;
				ms_text_puts(t, "known deviation: ");
				ms_text_md_cell(t, x->expect_reason, 120);
				if (why)
					ms_text_puts(t, "; ");
			}
			if (why)
				ms_text_md_cell(t, why, 200);
			/* A result read from before a split stood for all its variants: a variant
			 * that passes where the old one failed may be a sibling of the one that did */
			const char *was = d->base->renamed_from ? d->base->renamed_from
					  : d->other->renamed_from;
			if (was) {
				ms_text_puts(t, why || d->deviation_change ? "; " : ": ");
				ms_text_printf(t, "recorded as `%s` in %s, one result for every test "
					       "it was split into or renamed to", was,
					       d->base->renamed_from ? "the baseline" : "this run");
			}
			ms_text_puts(t, " |\n");
		}
	} else {
		ms_text_puts(t, "\nConformance: no outcome differs.\n");
	}
	/* Which results were compared at all: a test only one run has is no difference, but a
	 * reader must see it; names from before a rename are paired through lib/renames.def. */
	for (size_t k = 1; k < c->n_runs; k++) {
		if (!c->runs[0]->n_conformance && !c->runs[k]->n_conformance)
			continue;
		ms_text_printf(t, "Conformance run %zu: %zu results paired; %zu of its and %zu of the "
			       "baseline's have no counterpart.\n", k, c->conf_paired[k],
			       c->conf_unmatched[k], c->conf_base_unmatched[k]);
	}
	for (size_t k = 0; k < c->n_runs; k++) {
		if (!c->conf_renamed[k])
			continue;
		if (k)
			ms_text_printf(t, "Run %zu: ", k);
		else
			ms_text_puts(t, "Baseline: ");
		ms_text_printf(t, "%zu results recorded under earlier test names are read under "
			       "today's (lib/renames.def).\n", c->conf_renamed[k]);
	}
}

/* ---- HTML, with a ratio plot ---- */

static const char *const run_colours[] = { "#0072b2", "#d55e00", "#009e73", "#cc79a7",
					   "#e69f00", "#56b4e9" };

static char *ratio_plot(const struct ms_comparison *c, const char *plots_dir, char *problem,
			size_t len)
{
	struct ms_text data = { 0 }, gp = { 0 };
	ms_text_puts(&data, "# position ratio low high label (one block per compared run)\n");
	size_t n_labels = 0;
	for (size_t k = 1; k < c->n_runs; k++) {
		ms_text_printf(&data, "%s# run %zu\n", k > 1 ? "\n\n" : "", k);
		size_t pos = 0;
		for (size_t i = 0; i < c->n_metrics; i++) {
			const struct ms_metric_cmp *m = &c->metrics[i];
			if (m->run != k)
				continue;
			ms_text_printf(&data, "%.3f %.17g %.17g %.17g\n",
				       (double)pos + 0.12 * ((double)k - 1), m->ratio.ratio, m->ratio.low,
				       m->ratio.high);
			pos++;
		}
		if (pos > n_labels)
			n_labels = pos;
	}
	ms_text_puts(&gp, "set termoption noenhanced\n");
	ms_gnuplot_set_text(&gp, "title", "Ratio to the baseline, 95% bootstrap interval (above "
			    "1: larger value)");
	ms_gnuplot_set_text(&gp, "ylabel", "ratio (run / baseline), no unit");
	ms_gnuplot_set_text(&gp, "xlabel", "paired metric (see the table, same order)");
	ms_text_printf(&gp, "set grid ytics\nset key outside right top\nset xrange [-1:%zu]\n"
			    "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2\n",
		       n_labels);
	for (size_t k = 1; k < c->n_runs; k++) {
		char title[32];
		snprintf(title, sizeof(title), "run %zu", k);
		ms_gnuplot_series(&gp, k - 1, &(struct ms_gnuplot_series){
			.data = "ratios.dat", .index = k - 1,
			.style = "using 1:2:3:4 with yerrorbars pt 7",
			.colour = run_colours[(k - 1) % 6], .title = title });
	}
	ms_gnuplot_plot_end(&gp);
	struct ms_text all = { 0 };
	ms_gnuplot_terminal(&all, MS_GNUPLOT_SVG, "900,420", "ratios.svg");
	ms_text_puts(&all, "load 'ratios.gp'\n");
	ms_gnuplot_terminal(&all, MS_GNUPLOT_PNG, "900,420", "ratios.png");
	ms_text_puts(&all, "replot\nunset output\n");
	char *dat = ms_asprintf("%s/ratios.dat", plots_dir), *script = ms_asprintf("%s/ratios.gp", plots_dir);
	char *draw = ms_asprintf("%s/draw.gp", plots_dir), *svg = ms_asprintf("%s/ratios.svg", plots_dir);
	char *result = NULL;
	if (ms_mkdir_p(plots_dir, 0755) || ms_text_save(&data, dat) || ms_text_save(&gp, script) ||
	    ms_text_save(&all, draw))
		snprintf(problem, len, "cannot write into %s: %s", plots_dir, strerror(errno));
	else if (ms_gnuplot_run(plots_dir, "draw.gp", problem, len) == 0)
		result = ms_svg_inline_file(svg, "ratios-", "class=\"plot\" data-plot=\"ratios\" "
						   "role=\"img\"");
	free(dat);
	free(script);
	free(draw);
	free(svg);
	ms_text_free(&data);
	ms_text_free(&gp);
	ms_text_free(&all);
	return result;
}

/* Inline Markdown of our own tables: **bold** and `code`, escaped for HTML. */
static void inline_md(struct ms_text *t, const char *s, size_t n)
{
	bool bold = false, code = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '|') {
			ms_text_puts(t, "|");
			i++;
		} else if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
			ms_text_puts(t, bold ? "</b>" : "<b>");
			bold = !bold;
			i++;
		} else if (s[i] == '`') {
			ms_text_puts(t, code ? "</code>" : "<code>");
			code = !code;
		} else if (s[i] == '&' && strncmp(s + i, "&lt;", 4) == 0) {
			ms_text_puts(t, "&lt;"); /* already escaped for Markdown */
			i += 3;
		} else {
			char one[2] = { s[i], 0 };
			ms_text_xml(t, one);
		}
	}
	if (bold)
		ms_text_puts(t, "</b>");
	if (code)
		ms_text_puts(t, "</code>");
}

static void table_row(struct ms_text *t, const char *line, bool header)
{
	const char *p = line + 1; /* past the leading '|' */
	ms_text_puts(t, "<tr>");
	while (*p) {
		const char *end = p;
		while (*end && !(*end == '|' && end[-1] != '\\'))
			end++;
		if (!*end)
			break;
		while (*p == ' ')
			p++;
		const char *last = end;
		while (last > p && last[-1] == ' ')
			last--;
		size_t n = (size_t)(last - p);
		const char *cls = "";
		if (!header && n == 10 && strncmp(p, "REGRESSION", 10) == 0)
			cls = " class=\"o-fail\"";
		else if (!header && n == 6 && strncmp(p, "better", 6) == 0)
			cls = " class=\"o-pass\"";
		ms_text_printf(t, "<%s%s>", header ? "th" : "td", cls);
		inline_md(t, p, n);
		ms_text_printf(t, "</%s>", header ? "th" : "td");
		p = end + 1;
	}
	ms_text_puts(t, "</tr>\n");
}

/* The Markdown this file writes (headings, paragraphs, lists, tables, <details> lines) as
 * HTML. Not a general Markdown renderer: it only needs to read its own output. */
static void markdown_to_html(const char *md, struct ms_text *t, bool skip_first_table)
{
	char *copy = ms_strdup(md);
	bool in_table = false, in_list = false, skipping = skip_first_table, seen_table = false;
	size_t table_line = 0;
	for (char *save, *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		bool is_table = line[0] == '|', is_item = line[0] == '-' && line[1] == ' ';
		/* The runs table: the page shows its own, with colours and means. */
		if (skipping && (is_table || !seen_table)) {
			seen_table |= is_table;
			continue;
		}
		skipping = false;
		if (in_table && !is_table) {
			ms_text_puts(t, "</tbody></table>\n");
			in_table = false;
		}
		if (in_list && !is_item) {
			ms_text_puts(t, "</ul>\n");
			in_list = false;
		}
		if (is_table) {
			if (!in_table) {
				ms_text_puts(t, "<table><thead>");
				in_table = true;
				table_line = 0;
			}
			if (table_line == 0)
				table_row(t, line, true);
			else if (table_line == 1)
				ms_text_puts(t, "</thead><tbody>\n");
			else
				table_row(t, line, false);
			table_line++;
		} else if (is_item) {
			if (!in_list)
				ms_text_puts(t, "<ul>");
			in_list = true;
			ms_text_puts(t, "<li>");
			inline_md(t, line + 2, strlen(line + 2));
			ms_text_puts(t, "</li>");
		} else if (strncmp(line, "## ", 3) == 0) {
			continue; /* the page has its own title */
		} else if (strncmp(line, "### ", 4) == 0) {
			ms_text_puts(t, "<h2>");
			inline_md(t, line + 4, strlen(line + 4));
			ms_text_puts(t, "</h2>\n");
		} else {
			ms_text_puts(t, "<p>");
			inline_md(t, line, strlen(line));
			ms_text_puts(t, "</p>\n");
		}
	}
	if (in_table)
		ms_text_puts(t, "</tbody></table>\n");
	if (in_list)
		ms_text_puts(t, "</ul>\n");
	free(copy);
}

int ms_compare_html(const struct ms_comparison *c, const char *dir, struct ms_text *t,
		    char *err, size_t errlen)
{
	char *plots_dir = ms_asprintf("%s/plots", dir);
	char problem[512] = "";
	char *svg = c->n_metrics ? ratio_plot(c, plots_dir, problem, sizeof(problem)) : NULL;
	ms_text_puts(t, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			"<title>mmapsuite comparison</title>\n<style>\n");
	ms_text_puts(t, ms_html_css);
	ms_text_printf(t, "</style></head><body>\n<h1>mmapsuite comparison</h1>\n"
		       "<div class=\"verdict %s\" id=\"verdict\" data-regressions=\"%zu\">",
		       c->n_regressions ? "fail" : "pass", c->n_regressions);
	if (c->threshold_pct >= 0)
		ms_text_printf(t, "%zu regressions beyond %.1f%% (significant at p &lt; 0.05), or "
			       "conformance pass → fail.", c->n_regressions, c->threshold_pct);
	else
		ms_text_printf(t, "%zu paired metrics, %zu conformance differences.", c->n_metrics,
			       c->n_conf);
	ms_text_puts(t, "</div>\n<table><thead><tr><th></th><th>run</th><th>place</th>"
			"<th>kernel</th><th>time</th><th>summary</th></tr></thead><tbody>\n");
	for (size_t k = 0; k < c->n_runs; k++) {
		char *kernel = ms_env_text(c->runs[k], "kernel.release");
		ms_text_printf(t, "<tr><td style=\"color:%s\">%s</td><td><code>",
			       k ? run_colours[(k - 1) % 6] : "#000", k ? "compared" : "baseline");
		ms_text_xml(t, c->runs[k]->id);
		ms_text_puts(t, "</code></td><td>");
		ms_text_xml(t, c->runs[k]->place);
		ms_text_puts(t, "</td><td>");
		ms_text_xml(t, kernel ? kernel : "?");
		ms_text_puts(t, "</td><td>");
		ms_text_xml(t, c->runs[k]->time);
		ms_text_puts(t, "</td><td>");
		if (k) {
			struct run_means rm;
			run_means(c, k, &rm);
			ms_text_printf(t, "%zu metrics paired", rm.n);
			if (rm.n)
				ms_text_printf(t, "; geometric mean of speedups %.3f", rm.speedup_geo);
			if (c->smoke_run[k])
				ms_text_html(t, "; <b>smoke figures</b>: %s, never called significant",
					     smoke_why(c, k));
			ms_text_puts(t, "<ul>");
			rate_means(c, k, t, true);
			ms_text_puts(t, "</ul>");
		}
		ms_text_puts(t, "</td></tr>\n");
		free(kernel);
	}
	ms_text_puts(t, "</tbody></table>\n");
	if (svg)
		ms_text_printf(t, "<figure>%s<figcaption>Ratios · <a href=\"plots/ratios.png\">PNG"
			       "</a></figcaption></figure>\n", svg);
	else if (c->n_metrics)
		ms_text_printf(t, "<p class=\"missing\">The ratio plot is missing: %s</p>\n", problem);

	/* The tables are the Markdown ones turned into HTML: one source for both renderings. */
	struct ms_text md = { 0 };
	ms_compare_markdown(c, &md);
	markdown_to_html(md.data, t, true);
	ms_text_puts(t, "</body></html>\n");
	ms_text_free(&md);
	free(svg);
	free(plots_dir);
	if (c->n_metrics && !svg && problem[0]) {
		snprintf(err, errlen, "%s", problem);
		return -1;
	}
	return 0;
}
