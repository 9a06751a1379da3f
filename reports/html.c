/* index.html: the header with the verdict and the navigation, then the sections of the
 * table (sections.def) in its order, then the footer. Every number on the page is read from results.json; data-* attributes carry
 * the raw values so tests compare the page with the results file, not with a picture. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "model.h"
#include "section.h"
#include "util.h"

static void header(const struct ms_run *run, const struct ms_plot_set *plots, struct ms_text *t)
{
	char *kernel = ms_env_text(run, "kernel.release|kernel_release");
	char *cpu = ms_env_text(run, "cpu_model|cpu.model");
	char *arch = ms_env_text(run, "architecture");
	char *page = ms_env_text(run, "place.page_size|page_size");
	ms_text_html(t, "<header><h1>mmapsuite run <code>%s</code></h1><p class=\"meta\">%s · "
		     "place <b>%s</b>", run->id, run->time, run->place);
	if (kernel)
		ms_text_html(t, " · kernel <b>%s</b>", kernel);
	if (arch)
		ms_text_html(t, " · %s", arch);
	if (cpu)
		ms_text_html(t, " · %s", cpu);
	if (page) {
		char b[32];
		ms_format_bytes(strtod(page, NULL), b, sizeof(b));
		ms_text_html(t, " · %s pages", b);
	}
	bool tcg = ms_run_emulated(run);
	if (tcg)
		ms_text_puts(t, " · <b>emulated CPU</b> (QEMU TCG)");
	ms_text_puts(t, "</p>\n");
	ms_free_all(kernel, cpu, arch, page);

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
	if (run->n_benchmarks && tcg)
		ms_text_puts(t, " Measured on an emulated CPU (QEMU TCG): smoke figures, which time "
			     "the emulator more than the kernel.");
	ms_text_puts(t, "</div>\n");
	ms_sections_nav(t);
	ms_text_puts(t, "</header>\n");
}

/* Known deviations: the failures an expectation file names (XFAIL), and the tests it
 * expected to fail that passed (XPASS: their lines can be pruned). */
void ms_html_page(const struct ms_report_input *in, const struct ms_report_models *models,
		  struct ms_text *t)
{
	const struct ms_run *run = in->run;

	ms_text_puts(t, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			"<title>mmapsuite ");
	ms_text_xml(t, run->id);
	ms_text_puts(t, "</title>\n<style>\n");
	ms_text_puts(t, ms_html_css);
	ms_text_puts(t, "</style></head>\n<body>\n");
	header(in->run, in->plots, t);
	ms_sections_render(in, models, MS_HTML, t);
	char *now = ms_utc_iso8601();
	ms_text_puts(t, "<footer><p class=\"meta\">Rendered ");
	ms_text_xml(t, now);
	ms_text_puts(t, " by <code>mmapsuite report</code> from results.json alone. "
			"Machine-readable: <a href=\"results.json\">results.json</a>, "
			"<a href=\"junit.xml\">junit.xml</a>, <a href=\"ktap.txt\">ktap.txt</a>, "
			"<a href=\"summary.md\">summary.md</a>.</p></footer>\n</body></html>\n");
	free(now);
}
