/* index.html: the verdict first, then mmap against read(), then what failed and why, then the matrix, the plots, and
 * the machine. Every number on the page is read from results.json; data-* attributes carry
 * the raw values so tests compare the page with the results file, not with a picture. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "model.h"
#include "overview.h"
#include "ratios.h"
#include "table.h"
#include "util.h"

static void header(const struct ms_run *run, const struct ms_plot_set *plots, struct ms_text *t)
{
	char *kernel = ms_env_text(run, "kernel.release|kernel_release");
	char *cpu = ms_env_text(run, "cpu_model|cpu.model");
	char *arch = ms_env_text(run, "architecture");
	ms_text_puts(t, "<header><h1>mmapsuite run <code>");
	ms_text_xml(t, run->id);
	ms_text_puts(t, "</code></h1><p class=\"meta\">");
	ms_text_xml(t, run->time);
	ms_text_puts(t, " · place <b>");
	ms_text_xml(t, run->place);
	ms_text_puts(t, "</b>");
	if (kernel) {
		ms_text_puts(t, " · kernel <b>");
		ms_text_xml(t, kernel);
		ms_text_puts(t, "</b>");
	}
	if (arch) {
		ms_text_puts(t, " · ");
		ms_text_xml(t, arch);
	}
	if (cpu) {
		ms_text_puts(t, " · ");
		ms_text_xml(t, cpu);
	}
	ms_text_puts(t, "</p>\n");
	free(kernel);
	free(cpu);
	free(arch);

	struct ms_counts c;
	ms_count_outcomes(run, &c);
	size_t noisy = 0;
	for (size_t i = 0; i < run->n_benchmarks; i++)
		noisy += run->benchmarks[i].noisy;
	bool bad = c.n[MS_FAIL] || c.n[MS_BROKEN];
	ms_text_printf(t, "<div class=\"verdict %s\" id=\"verdict\" data-pass=\"%zu\" data-fail=\"%zu\" "
		       "data-skip=\"%zu\" data-broken=\"%zu\" data-xfail=\"%zu\" data-xpass=\"%zu\" "
		       "data-benchmarks=\"%zu\">",
		       bad ? "fail" : "pass", c.n[MS_PASS], c.n[MS_FAIL], c.n[MS_SKIP],
		       c.n[MS_BROKEN], c.n[MS_XFAIL], c.n[MS_XPASS], run->n_benchmarks);
	if (c.total) {
		ms_text_printf(t, "Conformance %s: %zu results, %zu pass, %zu fail, %zu skip, "
			       "%zu broken", bad ? "FAILED" : "passed", c.total, c.n[MS_PASS],
			       c.n[MS_FAIL], c.n[MS_SKIP], c.n[MS_BROKEN]);
		if (c.n[MS_XFAIL] || c.n[MS_XPASS])
			ms_text_printf(t, ", %zu xfail (known deviations), %zu xpass", c.n[MS_XFAIL],
				       c.n[MS_XPASS]);
		ms_text_puts(t, ".");
	} else
		ms_text_puts(t, "Conformance not run.");
	if (run->n_benchmarks)
		ms_text_printf(t, " Benchmarks: %zu results in %zu plots%s", run->n_benchmarks,
			       plots->n, noisy ? "" : ".");
	else
		ms_text_puts(t, " Benchmarks not run.");
	if (noisy)
		ms_text_printf(t, ", <span class=\"noisy\">%zu noisy</span>.", noisy);
	ms_text_puts(t, "</div>\n<nav><a href=\"#mmap-vs-read\">mmap against read()</a>"
			"<a href=\"#failures\">Failures</a><a href=\"#expected\">Known deviations</a>"
			"<a href=\"#conformance\">"
			"Conformance matrix</a><a href=\"#coverage\">Coverage</a><a href=\"#benchmarks\">"
			"Benchmarks</a><a href=\"#environment\">Environment</a></nav></header>\n");
}

/* Known deviations: the failures an expectation file names (XFAIL), and the tests it
 * expected to fail that passed (XPASS: their lines can be pruned). */
static void expected(const struct ms_run *run, struct ms_text *t)
{
	ms_text_puts(t, "<section id=\"expected\"><h2>Known deviations</h2>\n");
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		enum ms_outcome want = pass ? MS_XPASS : MS_XFAIL;
		for (size_t i = 0; i < run->n_conformance; i++) {
			const struct ms_conformance *c = &run->conformance[i];
			if (c->outcome != want)
				continue;
			char *name = ms_conf_name(c);
			ms_text_printf(t, "<div class=\"%s\" data-test=\"", ms_outcome_name(want));
			ms_text_xml(t, name);
			ms_text_printf(t, "\"><b class=\"o-%s\">%s</b> <code>", ms_outcome_name(want),
				       pass ? "XPASS (expected to fail, passed: prune the line)"
					    : "XFAIL");
			ms_text_xml(t, name);
			ms_text_puts(t, "</code> (");
			ms_text_xml(t, c->ids);
			ms_text_puts(t, ")<p class=\"reason\">");
			ms_text_xml(t, c->expect_reason);
			ms_text_puts(t, " <small>(");
			ms_text_xml(t, c->expect_file ? c->expect_file : "?");
			ms_text_printf(t, ":%d)</small></p>", c->expect_line);
			if (!pass && c->message && *c->message) {
				ms_text_puts(t, "<pre>");
				ms_text_xml(t, c->message);
				ms_text_puts(t, "</pre>");
			}
			ms_text_puts(t, "</div>\n");
			free(name);
			n++;
		}
	}
	if (!n)
		ms_text_puts(t, "<p>None: no result matched an expectation file.</p>\n");
	ms_text_puts(t, "</section>\n");
}

static void failures(const struct ms_run *run, struct ms_text *t)
{
	ms_text_puts(t, "<section id=\"failures\"><h2>Failures</h2>\n");
	json_t *health = json_object_get(run->environment, "kernel_health");
	if (run->n_conformance && json_is_false(json_object_get(health, "checked"))) {
		ms_text_puts(t, "<p class=\"missing\">Kernel health was <b>not checked</b> per test "
				"(a splat would not fail its test): ");
		ms_text_xml(t, json_string_value(json_object_get(health, "not_checked")));
		ms_text_puts(t, "</p>\n");
	}
	size_t n = 0;
	for (size_t i = 0; i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		if (c->outcome != MS_FAIL && c->outcome != MS_BROKEN)
			continue;
		char *name = ms_conf_name(c);
		ms_text_printf(t, "<div class=\"failure\" data-test=\"");
		ms_text_xml(t, name);
		ms_text_printf(t, "\"><b class=\"o-%s\">%s</b> <code>", ms_outcome_name(c->outcome),
			       c->outcome == MS_FAIL ? "FAIL" : "BROKEN (set-up failed)");
		ms_text_xml(t, name);
		ms_text_puts(t, "</code> (");
		ms_text_xml(t, c->ids);
		ms_text_puts(t, ", ");
		ms_text_xml(t, c->spec);
		ms_text_puts(t, ")<pre>");
		ms_text_xml(t, c->message && *c->message ? c->message : "(no message recorded)");
		ms_text_puts(t, "</pre>");
		if (c->kernel_log) {
			ms_text_puts(t, "<p>Kernel log during the test:</p><pre class=\"kernel-log\">");
			ms_text_xml(t, c->kernel_log);
			ms_text_puts(t, "</pre>");
		}
		ms_text_puts(t, "</div>\n");
		free(name);
		n++;
	}
	if (!n)
		ms_text_puts(t, "<p>None: no conformance test failed or broke.</p>\n");
	ms_text_puts(t, "</section>\n");
	expected(run, t);
}

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

static void benchmarks(const struct ms_run *run, const struct ms_plot_set *plots,
		       struct ms_text *t)
{
	ms_text_puts(t, "<section id=\"benchmarks\"><h2>Benchmarks</h2>\n");
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
			if (plots->problem) {
				ms_text_puts(t, ": ");
				ms_text_xml(t, plots->problem);
			}
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

void ms_html_page(const struct ms_run *run, const struct ms_plot_set *plots,
		  const char *topology_svg, const char *topology_note, struct ms_text *t)
{
	ms_text_puts(t, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			"<title>mmapsuite ");
	ms_text_xml(t, run->id);
	ms_text_puts(t, "</title>\n<style>\n");
	ms_text_puts(t, ms_html_css);
	ms_text_puts(t, "</style></head>\n<body>\n");
	header(run, plots, t);
	ms_overview_html(run, t);
	if (run->n_benchmarks || (run->extra && json_object_get(run->extra, "fidelity"))) {
		struct ms_pair_set pairs;
		ms_pairs_build(run, &pairs);
		ms_text_puts(t, "<details id=\"pairs-details\"><summary>Tables: every mmap/system-"
				"call pair, fraction of the read ceiling</summary>\n");
		ms_pairs_html(&pairs, t);
		ms_text_puts(t, "</details>\n");
		ms_pairs_free(&pairs);
	}
	failures(run, t);
	ms_html_conformance(run, t);
	ms_html_coverage(run, t);
	benchmarks(run, plots, t);
	ms_html_environment(run, topology_svg, topology_note, t);
	char *now = ms_utc_iso8601();
	ms_text_puts(t, "<footer><p class=\"meta\">Rendered ");
	ms_text_xml(t, now);
	ms_text_puts(t, " by <code>mmapsuite report</code> from results.json alone. "
			"Machine-readable: <a href=\"results.json\">results.json</a>, "
			"<a href=\"junit.xml\">junit.xml</a>, <a href=\"ktap.txt\">ktap.txt</a>, "
			"<a href=\"summary.md\">summary.md</a>.</p></footer>\n</body></html>\n");
	free(now);
}
