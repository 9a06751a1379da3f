/* ktap.txt: KTAP version 1, flat, as a kselftest binary prints it, so the tools that read
 * kselftest output (and kernelci) read ours. One line per conformance result; the file system
 * is part of the name because a test runs once per file system. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "render.h"
#include "report.h"
#include "text.h"
#include "util.h"

/* Every line of a message as a "# " diagnostic line. */
static void diagnostics(struct ms_text *t, const char *name, const char *message)
{
	if (!message || !*message)
		return;
	ms_text_printf(t, "# %s:", name);
	const char *p = message;
	bool first = true;
	while (*p) {
		size_t n = strcspn(p, "\n");
		if (first)
			ms_text_puts(t, " ");
		else
			ms_text_puts(t, "# ");
		for (size_t i = 0; i < n; i++) /* control characters would confuse KTAP parsers */
			ms_text_put(t, (unsigned char)p[i] < 0x20 && p[i] != '\t' ? "?" : &p[i], 1);
		ms_text_puts(t, "\n");
		first = false;
		p += n;
		if (*p == '\n')
			p++;
	}
}

void ms_ktap_render(const struct ms_run *run, struct ms_text *t)
{
	struct ms_counts counts;
	ms_count_outcomes(run, &counts);
	ms_text_puts(t, "KTAP version 1\n");
	ms_text_printf(t, "# mmapsuite run %s at %s on %s\n", run->id ? run->id : "?",
		       run->time ? run->time : "?", run->place ? run->place : "?");
	ms_text_printf(t, "1..%zu\n", counts.total);
	for (size_t i = 0; i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		char *name = ms_conf_name(c);
		size_t num = i + 1;
		switch (c->outcome) {
		case MS_PASS:
			ms_text_printf(t, "ok %zu %s\n", num, name);
			break;
		case MS_SKIP: {
			/* The reason's first line is the directive; the rest are diagnostics. */
			char *reason = ms_first_line(c->message, 200);
			const char *rest = c->message ? strchr(c->message, '\n') : NULL;
			if (rest)
				diagnostics(t, name, rest + 1);
			ms_text_printf(t, "ok %zu %s # SKIP %s\n", num, name, reason);
			free(reason);
			break;
		}
		case MS_FAIL:
			diagnostics(t, name, c->message);
			ms_text_printf(t, "not ok %zu %s\n", num, name);
			break;
		case MS_BROKEN:
			/* kselftest's ksft_test_result_error(): the test could not set itself up. */
			diagnostics(t, name, c->message);
			ms_text_printf(t, "not ok %zu %s # error\n", num, name);
			break;
		case MS_XFAIL: {
			/* kselftest's ksft_test_result_xfail() and ktap_test_xfail(): "ok" with the
			 * XFAIL directive; the reason is the expectation's, the failure a diagnostic. */
			char *reason = ms_first_line(c->expect_reason, 200);
			diagnostics(t, name, c->message);
			ms_text_printf(t, "ok %zu %s # XFAIL %s\n", num, name, reason);
			free(reason);
			break;
		}
		case MS_XPASS: {
			/* KTAP has no XPASS directive: a plain "ok", said in a diagnostic line, and
			 * counted in the totals as kselftest counts it. */
			const char *file = c->expect_file ? c->expect_file : "?";
			char *note = ms_asprintf("XPASS: expected to fail (%s:%d: %s)", file,
						 c->expect_line,
						 c->expect_reason ? c->expect_reason : "");
			diagnostics(t, name, note);
			ms_text_printf(t, "ok %zu %s\n", num, name);
			free(note);
			break;
		}
		}
		free(name);
	}
	ms_text_printf(t, "# Totals: pass:%zu fail:%zu xfail:%zu xpass:%zu skip:%zu error:%zu\n",
		       counts.n[MS_PASS], counts.n[MS_FAIL], counts.n[MS_XFAIL], counts.n[MS_XPASS],
		       counts.n[MS_SKIP], counts.n[MS_BROKEN]);
}
