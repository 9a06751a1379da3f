/* The benchmarks section: in index.html every plot with its legend and links, the variants
 * the runner skipped and every result folded; in summary.md the medians table, folded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "overview.h"
#include "section.h"
#include "table.h"
#include "util.h"

static void benchmark_table(const struct ms_run *run, struct ms_text *t)
{
	ms_text_puts(t, "<details><summary>All benchmark results (medians, 95% intervals, "
			"counters)</summary>");
	struct ms_table *tb = ms_bench_table(run);
	ms_table_html(tb, t);
	ms_table_free(tb);
	ms_text_puts(t, "</details>\n");
}

/* The variants the runner could not measure here (extra.bench.skipped), each with its reason:
 * a skipped variant (remote NUMA memory on a one-node machine, beyond_memory without root)
 * is listed, not silently absent from the plots. */
static void skipped_variants(const struct ms_run *run, struct ms_text *t)
{
	json_t *bench = run->extra ? json_object_get(run->extra, "bench") : NULL;
	json_t *skipped = bench ? json_object_get(bench, "skipped") : NULL;
	static const char *const keys[] = { "fs", "method", "hint", "size", "threads", "cache",
					    "numa" };
	size_t i;
	json_t *s;
	if (!json_is_array(skipped) || !json_array_size(skipped))
		return;
	ms_text_printf(t, "<details id=\"bench-skipped\" data-skipped=\"%zu\"><summary>%zu "
		       "benchmark variants skipped, with reasons</summary><table><thead><tr>"
		       "<th>case</th><th>variant</th><th>reason</th></tr></thead><tbody>\n",
		       json_array_size(skipped), json_array_size(skipped));
	json_array_foreach(skipped, i, s) {
		json_t *name = json_object_get(s, "case"), *reason = json_object_get(s, "reason");
		struct ms_text variant = { 0 };
		ms_text_puts(&variant, "");
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			json_t *v = json_object_get(s, keys[k]);
			char text[64];
			if (json_is_string(v))
				snprintf(text, sizeof(text), "%s", json_string_value(v));
			else if (json_is_integer(v) && !strcmp(keys[k], "size"))
				ms_format_bytes((double)json_integer_value(v), text, sizeof(text));
			else if (json_is_integer(v))
				snprintf(text, sizeof(text), "%lld",
					 (long long)json_integer_value(v));
			else
				continue;
			ms_text_printf(&variant, "%s%s=%s", variant.len ? " " : "", keys[k], text);
		}
		ms_text_puts(t, "<tr class=\"bench-skip\"><td>");
		ms_text_xml(t, json_is_string(name) ? json_string_value(name) : "?");
		ms_text_puts(t, "</td><td>");
		ms_text_xml(t, variant.data);
		ms_text_puts(t, "</td><td>");
		ms_text_xml(t, json_is_string(reason) ? json_string_value(reason)
						      : "(no reason given)");
		ms_text_puts(t, "</td></tr>\n");
		ms_text_free(&variant);
	}
	ms_text_puts(t, "</tbody></table></details>\n");
}

static void benchmarks_html(const struct ms_report_input *in, void *model, struct ms_text *t)
{
	const struct ms_run *run = in->run;
	const struct ms_plot_set *plots = in->plots;

	(void)model;
	ms_section_open(&ms_section_benchmarks, MS_HTML, t);
	if (!run->n_benchmarks) {
		ms_text_puts(t, "<p>No benchmark ran in this run.</p></section>\n");
		return;
	}
	if (plots->problem) {
		ms_text_puts(t, "<p class=\"missing\" id=\"plot-problem\">Plots are missing: ");
		ms_text_xml(t, plots->problem);
		ms_text_puts(t, "</p>\n");
	}
	ms_text_puts(t, "<p>Each point is the median of its samples; bars are the 95% interval "
			"of the median. The same method has the same colour in every plot; line "
			"dashes and bar fill patterns tell file systems apart. A plot over time (a "
			"case whose samples are consecutive windows of one run, such as "
			"beyond_memory) shows every sample instead, at the time its window ended, "
			"one plot per file system.</p>\n");
	for (size_t i = 0; i < plots->n; i++) {
		const struct ms_plot *p = &plots->plots[i];
		ms_text_printf(t, "<figure id=\"fig-%s\" data-plot=\"%s\" data-series=\"%zu\" "
			       "data-points=\"%zu\"", p->stem, p->stem, p->n_series, p->n_points);
		if (p->time_series) {
			ms_text_printf(t, " data-samples=\"%zu\" data-fs=\"", p->n_samples);
			ms_text_xml(t, p->fs ? p->fs : "");
			ms_text_puts(t, "\"");
		}
		ms_text_puts(t, ">\n");
		if (p->svg) {
			ms_text_puts(t, p->svg);
			ms_plot_legend_html(p, t);
		} else {
			ms_text_puts(t, "<p class=\"missing\">gnuplot did not draw this plot");
			if (plots->problem)
				ms_text_html(t, ": %s", plots->problem);
			ms_text_puts(t, "</p>");
		}
		ms_text_puts(t, "\n<figcaption>");
		ms_text_xml(t, p->title);
		if (p->time_series) {
			ms_text_puts(t, " over time, ");
			ms_text_xml(t, p->fs ? p->fs : "no file system");
		}
		ms_text_printf(t, " · <a href=\"plots/%s.png\">PNG</a> · <a href=\"plots/%s.dat\">"
			       "data</a> · <a href=\"plots/%s.gp\">gnuplot script</a></figcaption>"
			       "</figure>\n", p->stem, p->stem, p->stem);
	}
	skipped_variants(run, t);
	benchmark_table(run, t);
	ms_text_puts(t, "</section>\n");
}

static void benchmarks_md(const struct ms_report_input *in, void *model, struct ms_text *t)
{
	const struct ms_run *run = in->run;

	(void)model;
	if (!run->n_benchmarks)
		return;
	size_t noisy = 0;
	for (size_t i = 0; i < run->n_benchmarks; i++)
		noisy += run->benchmarks[i].noisy;
	ms_section_open(&ms_section_benchmarks, MS_MARKDOWN, t);
	ms_text_printf(t, "%zu results", run->n_benchmarks);
	if (noisy)
		ms_text_printf(t, ", %zu noisy (95%% interval wider than the target)", noisy);
	ms_text_puts(t, ".\n\n<details><summary>Medians with 95% intervals</summary>\n\n");
	struct ms_table *tb = ms_bench_table(run);
	ms_table_markdown(tb, t);
	ms_table_free(tb);
	ms_text_puts(t, "\n</details>\n");
}

const struct ms_section ms_section_benchmarks = {
	.id = "benchmarks", .title = "Benchmarks", .nav = true,
	.markdown = benchmarks_md, .html = benchmarks_html,
};
