/* summary.md: what a CI job summary shows first. The verdict, then mmap against read() (the
 * question the benchmarks answer), then the per-file-system totals, every failure with its
 * message, and the benchmark medians. Tables stay small:
 * long messages are cut (the full text is in index.html and junit.xml). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "overview.h"
#include "ratios.h"
#include "render.h"
#include "table.h"
#include "util.h"

static void kernel_logs(const struct ms_run *run, struct ms_text *t);
static void kernel_health(const struct ms_run *run, struct ms_text *t);

static void header(const struct ms_run *run, struct ms_text *t)
{
	char *kernel = ms_env_text(run, "kernel.release|kernel_release|uname.release|kernel");
	char *cpu = ms_env_text(run, "cpu.model|cpu_model|topology.cpu_model|cpu");
	ms_text_printf(t, "## mmapsuite run `%s`\n\n", run->id ? run->id : "?");
	ms_text_printf(t, "%s · place `%s`", run->time ? run->time : "?",
		       run->place ? run->place : "?");
	if (kernel)
		ms_text_printf(t, " · kernel `%s`", kernel);
	if (cpu)
		ms_text_printf(t, " · %s", cpu);
	ms_text_puts(t, "\n\n");
	free(kernel);
	free(cpu);
}

/* The verdict: one line for conformance, one for the benchmarks. */
static void verdict(const struct ms_run *run, struct ms_text *t)
{
	struct ms_counts all;
	ms_count_outcomes(run, &all);
	if (!all.total) {
		ms_text_puts(t, "**Conformance**: not run.\n\n");
	} else {
		bool bad = all.n[MS_FAIL] || all.n[MS_BROKEN];
		ms_text_printf(t, "**Conformance %s**: %zu results: %zu pass, %zu fail, %zu skip, "
			       "%zu broken", bad ? "FAILED" : "passed", all.total,
			       all.n[MS_PASS], all.n[MS_FAIL], all.n[MS_SKIP], all.n[MS_BROKEN]);
		if (all.n[MS_XFAIL] || all.n[MS_XPASS])
			ms_text_printf(t, "; %zu expected failures (xfail), %zu expected to fail but "
				       "passed (xpass)", all.n[MS_XFAIL], all.n[MS_XPASS]);
		ms_text_puts(t, ".\n\n");
	}
	size_t noisy = 0;
	for (size_t i = 0; i < run->n_benchmarks; i++)
		noisy += run->benchmarks[i].noisy;
	if (!run->n_benchmarks)
		ms_text_puts(t, "**Benchmarks**: not run.\n\n");
	else
		ms_text_printf(t, "**Benchmarks**: %zu results%s.\n\n", run->n_benchmarks,
			       noisy ? ", some noisy (95% interval wider than the target)" : "");
}

/* One row of the xfail or xpass table: the test, the expectation's reason and line. */
static void expected_row(struct ms_text *t, const struct ms_conformance *c, bool message)
{
	char *name = ms_conf_name(c);
	char where[300];
	snprintf(where, sizeof(where), "%s:%d", c->expect_file ? c->expect_file : "?",
		 c->expect_line);
	ms_text_printf(t, "| `%s` | ", name);
	ms_text_md_cell(t, c->ids, 40);
	ms_text_puts(t, " | ");
	ms_text_md_cell(t, c->expect_reason, 200);
	ms_text_puts(t, " | ");
	ms_text_md_cell(t, where, 120);
	if (message) {
		ms_text_puts(t, " | ");
		ms_text_md_cell(t, c->message, 200);
	}
	ms_text_puts(t, " |\n");
	free(name);
}

static void conformance(const struct ms_run *run, struct ms_text *t)
{
	struct ms_counts all;
	ms_count_outcomes(run, &all);
	if (!all.total)
		return;
	bool bad = all.n[MS_FAIL] || all.n[MS_BROKEN];
	ms_text_puts(t, "### Conformance\n\n");

	struct ms_column *cols;
	size_t n_cols = ms_columns(run, &cols);
	bool expected = all.n[MS_XFAIL] || all.n[MS_XPASS];
	ms_text_printf(t, "| place | file system | pass | fail | skip | broken |%s\n"
		       "|---|---|--:|--:|--:|--:|%s\n", expected ? " xfail | xpass |" : "",
		       expected ? "--:|--:|" : "");
	for (size_t k = 0; k < n_cols; k++) {
		struct ms_counts c = { 0 };
		for (size_t i = 0; i < run->n_conformance; i++)
			if (ms_column_of(cols, n_cols, &run->conformance[i]) == k)
				c.n[run->conformance[i].outcome]++;
		ms_text_puts(t, "| ");
		ms_text_md_cell(t, cols[k].place, 60);
		ms_text_puts(t, " | ");
		ms_text_md_cell(t, cols[k].fs, 60);
		ms_text_printf(t, " | %zu | %zu | %zu | %zu |", c.n[MS_PASS], c.n[MS_FAIL],
			       c.n[MS_SKIP], c.n[MS_BROKEN]);
		if (expected)
			ms_text_printf(t, " %zu | %zu |", c.n[MS_XFAIL], c.n[MS_XPASS]);
		ms_text_puts(t, "\n");
	}
	free(cols);
	ms_text_puts(t, "\n");

	if (bad) {
		ms_text_puts(t, "### Failures\n\n| test | ids | outcome | message |\n|---|---|---|---|\n");
		for (size_t i = 0; i < run->n_conformance; i++) {
			const struct ms_conformance *c = &run->conformance[i];
			if (c->outcome != MS_FAIL && c->outcome != MS_BROKEN)
				continue;
			char *name = ms_conf_name(c);
			ms_text_printf(t, "| `%s` | ", name);
			ms_text_md_cell(t, c->ids, 40);
			ms_text_printf(t, " | %s | ", ms_outcome_name(c->outcome));
			ms_text_md_cell(t, c->message, 300);
			ms_text_puts(t, " |\n");
			free(name);
		}
		ms_text_puts(t, "\n");
		kernel_logs(run, t);
	}
	if (all.n[MS_XFAIL]) {
		ms_text_puts(t, "### Expected failures (known deviations)\n\n| test | ids | reason "
				"| expectation | message |\n|---|---|---|---|---|\n");
		for (size_t i = 0; i < run->n_conformance; i++) {
			const struct ms_conformance *c = &run->conformance[i];
			if (c->outcome != MS_XFAIL)
				continue;
			expected_row(t, c, true);
		}
		ms_text_puts(t, "\n");
	}
	if (all.n[MS_XPASS]) {
		ms_text_puts(t, "### Expected to fail but passed (XPASS)\n\nThese lines of the "
				"expectation file no longer match a failure: remove or narrow them.\n\n"
				"| test | ids | reason | expectation |\n|---|---|---|---|\n");
		for (size_t i = 0; i < run->n_conformance; i++) {
			const struct ms_conformance *c = &run->conformance[i];
			if (c->outcome != MS_XPASS)
				continue;
			expected_row(t, c, false);
		}
		ms_text_puts(t, "\n");
	}
	kernel_health(run, t);
	if (all.n[MS_SKIP]) {
		ms_text_printf(t, "<details><summary>%zu skipped, with reasons</summary>\n\n"
			       "| test | reason |\n|---|---|\n", all.n[MS_SKIP]);
		for (size_t i = 0; i < run->n_conformance; i++) {
			const struct ms_conformance *c = &run->conformance[i];
			if (c->outcome != MS_SKIP)
				continue;
			char *name = ms_conf_name(c);
			ms_text_printf(t, "| `%s` | ", name);
			ms_text_md_cell(t, c->message ? c->message : "(no reason given)", 200);
			ms_text_puts(t, " |\n");
			free(name);
		}
		ms_text_puts(t, "\n</details>\n\n");
	}
}

/* The kernel log lines of each test a splat failed, first lines only (all in index.html). */
static void kernel_logs(const struct ms_run *run, struct ms_text *t)
{
	for (size_t i = 0; i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		if (!c->kernel_log)
			continue;
		char *name = ms_conf_name(c);
		ms_text_printf(t, "Kernel log during `%s`:\n\n```text\n", name);
		const char *p = c->kernel_log;
		for (int line = 0; *p && line < 20; line++) {
			size_t len = strcspn(p, "\n");
			for (size_t k = 0; k < len; k++) /* a fence inside would end the block */
				ms_text_put(t, p[k] == '`' ? "'" : &p[k], 1);
			ms_text_puts(t, "\n");
			p += len + (p[len] == '\n');
		}
		ms_text_puts(t, *p ? "...\n```\n\n" : "```\n\n");
		free(name);
	}
}

/* Whether the kernel log was checked around each test, never left unsaid. */
static void kernel_health(const struct ms_run *run, struct ms_text *t)
{
	json_t *k = json_object_get(run->environment, "kernel_health");
	if (!json_is_object(k))
		return;
	if (json_is_true(json_object_get(k, "checked"))) {
		ms_text_printf(t, "Kernel health: checked %s (%s).\n\n",
			       json_string_value(json_object_get(k, "granularity")),
			       json_string_value(json_object_get(k, "source")));
	} else {
		ms_text_puts(t, "Kernel health: **not checked** per test: ");
		ms_text_md_cell(t, json_string_value(json_object_get(k, "not_checked")), 300);
		ms_text_puts(t, ".\n\n");
	}
}

static void benchmarks(const struct ms_run *run, struct ms_text *t)
{
	if (!run->n_benchmarks)
		return;
	size_t noisy = 0;
	for (size_t i = 0; i < run->n_benchmarks; i++)
		noisy += run->benchmarks[i].noisy;
	ms_text_printf(t, "### Benchmarks\n\n%zu results", run->n_benchmarks);
	if (noisy)
		ms_text_printf(t, ", %zu noisy (95%% interval wider than the target)", noisy);
	ms_text_puts(t, ".\n\n<details><summary>Medians with 95% intervals</summary>\n\n");
	struct ms_table *tb = ms_bench_table(run);
	ms_table_markdown(tb, t);
	ms_table_free(tb);
	ms_text_puts(t, "\n</details>\n");
}

void ms_summary_render(const struct ms_run *run, struct ms_text *t)
{
	header(run, t);
	verdict(run, t);
	ms_overview_markdown(run, t);
	if (run->n_benchmarks || (run->extra && json_object_get(run->extra, "fidelity"))) {
		struct ms_pair_set pairs;
		ms_pairs_build(run, &pairs);
		ms_pairs_markdown(&pairs, t);
		ms_pairs_free(&pairs);
	}
	conformance(run, t);
	benchmarks(run, t);
	ms_text_puts(t, "\nFull report: `index.html`; machine-readable: `junit.xml`, `ktap.txt`, "
			"`results.json`.\n");
}
