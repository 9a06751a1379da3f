/* The failures section (every FAIL and BROKEN with its message and kernel log, and whether
 * the kernel log was checked) and the known deviations (XFAIL, XPASS), in both formats.
 * summary.md keeps to tables with cut messages (the full text is in index.html and
 * junit.xml) and leaves a section out when it has nothing to say; index.html says "None". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "section.h"
#include "util.h"

/* The kernel log lines of each test a splat failed, first lines only (all in index.html). */
static void kernel_logs_md(const struct ms_run *run, struct ms_text *t)
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
static void kernel_health_md(const struct ms_run *run, struct ms_text *t)
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

static void failures_md(const struct ms_report_input *in, void *model, struct ms_text *t)
{
	const struct ms_run *run = in->run;
	struct ms_counts all;

	(void)model;
	if (!run->n_conformance)
		return;
	ms_count_outcomes(run, &all);
	if (all.n[MS_FAIL] || all.n[MS_BROKEN]) {
		ms_section_open(&ms_section_failures, MS_MARKDOWN, t);
		ms_text_puts(t, "| test | ids | outcome | message |\n|---|---|---|---|\n");
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
		kernel_logs_md(run, t);
	}
	kernel_health_md(run, t);
}

/* The start of a result's card, up to the parenthesis after its name: the card's class, the
 * outcome as label says it. */
static void card_head(struct ms_text *t, const struct ms_conformance *c, const char *cls,
		      const char *label)
{
	char *name = ms_conf_name(c);
	ms_text_printf(t, "<div class=\"%s\" ", cls);
	ms_text_html(t, "data-test=\"%s\">", name);
	ms_text_printf(t, "<b class=\"o-%s\">%s</b> ", ms_outcome_name(c->outcome), label);
	ms_text_html(t, "<code>%s</code> (", name);
	free(name);
}

/* Closes a section of cards, saying none (HTML) when the run has no result of outcome a or b:
 * no card was written. */
static void cards_end(struct ms_text *t, const struct ms_run *run, enum ms_outcome a,
		      enum ms_outcome b, const char *none)
{
	struct ms_counts all;
	ms_count_outcomes(run, &all);
	if (!all.n[a] && !all.n[b])
		ms_text_puts(t, none);
	ms_section_close(MS_HTML, t);
}

/* A failed or broken test: its name, ids, spec and message, and the kernel's log. */
static void failure_card(struct ms_text *t, const struct ms_conformance *c)
{
	card_head(t, c, "failure", c->outcome == MS_FAIL ? "FAIL" : "BROKEN (set-up failed)");
	ms_text_html(t, "%s, %s)<pre>%s</pre>", c->ids, c->spec,
		     c->message && *c->message ? c->message : "(no message recorded)");
	if (c->kernel_log)
		ms_text_html(t, "<p>Kernel log during the test:</p>"
			     "<pre class=\"kernel-log\">%s</pre>", c->kernel_log);
	ms_text_puts(t, "</div>\n");
}

static void failures_html(const struct ms_report_input *in, void *model, struct ms_text *t)
{
	const struct ms_run *run = in->run;

	(void)model;
	ms_section_open(&ms_section_failures, MS_HTML, t);
	json_t *health = json_object_get(run->environment, "kernel_health");
	if (run->n_conformance && json_is_false(json_object_get(health, "checked"))) {
		ms_text_puts(t, "<p class=\"missing\">Kernel health was <b>not checked</b> per test "
				"(a splat would not fail its test): ");
		ms_text_xml(t, json_string_value(json_object_get(health, "not_checked")));
		ms_text_puts(t, "</p>\n");
	}
	for (size_t i = 0; i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		if (c->outcome == MS_FAIL || c->outcome == MS_BROKEN)
			failure_card(t, c);
	}
	cards_end(t, run, MS_FAIL, MS_BROKEN,
		  "<p>None: no conformance test failed or broke.</p>\n");
}

const struct ms_section ms_section_failures = {
	.id = "failures", .title = "Failures", .nav = true,
	.markdown = failures_md, .html = failures_html,
};

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

static void expected_md(const struct ms_report_input *in, void *model, struct ms_text *t)
{
	const struct ms_run *run = in->run;

	(void)model;
	struct ms_counts all;
	ms_count_outcomes(run, &all);
	if (all.n[MS_XFAIL]) {
		ms_text_puts(t, "### Expected failures (known deviations)\n\n| test | ids | reason "
				"| expectation | message |\n|---|---|---|---|---|\n");
		for (size_t i = 0; i < run->n_conformance; i++)
			if (run->conformance[i].outcome == MS_XFAIL)
				expected_row(t, &run->conformance[i], true);
		ms_text_puts(t, "\n");
	}
	if (all.n[MS_XPASS]) {
		ms_text_puts(t, "### Expected to fail but passed (XPASS)\n\nThese lines of the "
				"expectation file no longer match a failure: remove or narrow them.\n\n"
				"| test | ids | reason | expectation |\n|---|---|---|---|\n");
		for (size_t i = 0; i < run->n_conformance; i++)
			if (run->conformance[i].outcome == MS_XPASS)
				expected_row(t, &run->conformance[i], false);
		ms_text_puts(t, "\n");
	}
}

/* A result that met an expectation line (XFAIL, or XPASS: the line can be pruned): the
 * test, the line's reason and place, and an XFAIL's message. */
static void expected_card(struct ms_text *t, const struct ms_conformance *c)
{
	bool xpass = c->outcome == MS_XPASS;
	card_head(t, c, ms_outcome_name(c->outcome),
		  xpass ? "XPASS (expected to fail, passed: prune the line)" : "XFAIL");
	ms_text_html(t, "%s)<p class=\"reason\">%s <small>(%s", c->ids, c->expect_reason,
		     c->expect_file ? c->expect_file : "?");
	ms_text_printf(t, ":%d)</small></p>", c->expect_line);
	if (!xpass && c->message && *c->message)
		ms_text_html(t, "<pre>%s</pre>", c->message);
	ms_text_puts(t, "</div>\n");
}

/* Known deviations: the failures an expectation file names (XFAIL), and the tests it
 * expected to fail that passed (XPASS: their lines can be pruned). */
static void expected_html(const struct ms_report_input *in, void *model, struct ms_text *t)
{
	const struct ms_run *run = in->run;

	(void)model;
	ms_section_open(&ms_section_expected, MS_HTML, t);
	for (int pass = 0; pass < 2; pass++) /* the XFAIL results first */
		for (size_t i = 0; i < run->n_conformance; i++)
			if (run->conformance[i].outcome == (pass ? MS_XPASS : MS_XFAIL))
				expected_card(t, &run->conformance[i]);
	cards_end(t, run, MS_XFAIL, MS_XPASS,
		  "<p>None: no result matched an expectation file.</p>\n");
}

const struct ms_section ms_section_expected = {
	.id = "expected", .title = "Known deviations", .nav = true,
	.markdown = expected_md, .html = expected_html,
};
