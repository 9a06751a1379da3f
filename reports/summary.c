/* summary.md: what a CI job summary shows first. The run and the verdict, then the sections of
 * the table (sections.def) in the same order as index.html, in Markdown. Tables stay small:
 * long messages are cut (the full text is in index.html and junit.xml). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "render.h"
#include "section.h"
#include "util.h"

static void header(const struct ms_run *run, struct ms_text *t)
{
	char *kernel = ms_env_text(run, "kernel.release|kernel_release|uname.release|kernel");
	char *cpu = ms_env_text(run, "cpu.model|cpu_model|topology.cpu_model|cpu");
	char *page = ms_env_text(run, "place.page_size|page_size");
	ms_text_printf(t, "## mmapsuite run `%s`\n\n", run->id ? run->id : "?");
	ms_text_printf(t, "%s · place `%s`", run->time ? run->time : "?",
		       run->place ? run->place : "?");
	if (kernel)
		ms_text_printf(t, " · kernel `%s`", kernel);
	if (cpu)
		ms_text_printf(t, " · %s", cpu);
	if (page) {
		char b[32];
		ms_format_bytes(strtod(page, NULL), b, sizeof(b));
		ms_text_printf(t, " · %s pages", b);
	}
	if (ms_run_emulated(run))
		ms_text_puts(t, " · emulated CPU (QEMU TCG)");
	ms_text_puts(t, "\n\n");
	ms_free_all(kernel, cpu, page);
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
		ms_text_printf(t, "**Benchmarks**: %zu results%s%s.\n\n", run->n_benchmarks,
			       noisy ? ", some noisy (95% interval wider than the target)" : "",
			       ms_run_emulated(run) ? "; measured on an emulated CPU (QEMU TCG): smoke "
			       "figures, which time the emulator more than the kernel" : "");
}

void ms_summary_render(const struct ms_report_input *in, const struct ms_report_models *models,
		       struct ms_text *t)
{
	header(in->run, t);
	verdict(in->run, t);
	ms_sections_render(in, models, MS_MARKDOWN, t);
	ms_text_puts(t, "\nFull report: `index.html`; machine-readable: `junit.xml`, `ktap.txt`, "
			"`results.json`.\n");
}
