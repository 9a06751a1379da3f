/* junit.xml in the dialect CI systems (GitLab, Jenkins, GitHub test reporters) read: one
 * <testsuite> per (place, file system, suite), a <failure> for FAIL, an <error> for BROKEN
 * (the test's own set-up failed), <skipped message=reason> for SKIP, <skipped
 * message="XFAIL: reason"> for a known deviation (XFAIL). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "render.h"
#include "report.h"
#include "text.h"
#include "util.h"

struct junit_group {
	const char *place, *fs, *suite;
	struct ms_counts counts;
	double time_s;
};

static bool in_group(const struct junit_group *g, const struct ms_conformance *c)
{
	return ms_streq(g->place, c->place) && ms_streq(g->fs, c->fs) && ms_streq(g->suite, c->suite);
}

static void testcase(struct ms_text *t, const struct ms_conformance *c)
{
	ms_text_puts(t, "    <testcase classname=\"");
	ms_text_xml(t, c->fs && *c->fs ? c->fs : "none");
	ms_text_puts(t, ".");
	ms_text_xml(t, c->suite);
	ms_text_puts(t, "\" name=\"");
	ms_text_xml(t, c->test);
	ms_text_printf(t, "\" time=\"%.6f\">\n", c->duration_s);
	/* Properties first: pytest's order, which GitLab's parser expects. */
	ms_text_puts(t, "      <properties>\n        <property name=\"ids\" value=\"");
	ms_text_xml(t, c->ids);
	ms_text_puts(t, "\"/>\n        <property name=\"spec\" value=\"");
	ms_text_xml(t, c->spec);
	ms_text_puts(t, "\"/>\n      </properties>\n");
	if (c->outcome == MS_XFAIL) {
		/* A known deviation: skipped (CI stays green) with the expectation's reason; the
		 * failure it stands for is kept as the test's output. */
		char *reason = ms_first_line(c->expect_reason, 300);
		ms_text_puts(t, "      <skipped message=\"XFAIL: ");
		ms_text_xml(t, reason);
		ms_text_puts(t, " (");
		ms_text_xml(t, c->expect_file ? c->expect_file : "?");
		ms_text_printf(t, ":%d)\"/>\n", c->expect_line);
		if (c->message && *c->message) {
			ms_text_puts(t, "      <system-out>");
			ms_text_xml(t, c->message);
			ms_text_puts(t, "</system-out>\n");
		}
		free(reason);
	} else if (c->outcome == MS_XPASS) {
		/* A pass is a pass: said in the output so the expectation line can be pruned. */
		ms_text_puts(t, "      <system-out>XPASS: expected to fail (");
		ms_text_xml(t, c->expect_file ? c->expect_file : "?");
		ms_text_printf(t, ":%d: ", c->expect_line);
		ms_text_xml(t, c->expect_reason);
		ms_text_puts(t, ")</system-out>\n");
	} else if (c->outcome != MS_PASS) {
		char *first = ms_first_line(c->message, 300);
		const char *element = c->outcome == MS_FAIL ? "failure"
				    : c->outcome == MS_BROKEN ? "error" : "skipped";
		ms_text_printf(t, "      <%s message=\"", element);
		ms_text_xml(t, first);
		ms_text_puts(t, "\"");
		if (c->outcome != MS_SKIP)
			ms_text_printf(t, " type=\"%s\"", ms_outcome_name(c->outcome));
		if (c->message && *c->message && c->outcome != MS_SKIP) {
			ms_text_puts(t, ">");
			ms_text_xml(t, c->message);
			ms_text_printf(t, "</%s>\n", element);
		} else {
			ms_text_puts(t, "/>\n");
		}
		free(first);
	}
	ms_text_puts(t, "    </testcase>\n");
}

void ms_junit_render(const struct ms_run *run, struct ms_text *t)
{
	struct junit_group *groups = ms_calloc(run->n_conformance + 1, sizeof(*groups));
	size_t n_groups = 0;
	struct ms_counts all;
	double total_s = 0;
	ms_count_outcomes(run, &all);
	for (size_t i = 0; i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		size_t g = 0;
		while (g < n_groups && !in_group(&groups[g], c))
			g++;
		if (g == n_groups) {
			groups[g].place = c->place;
			groups[g].fs = c->fs;
			groups[g].suite = c->suite;
			n_groups++;
		}
		groups[g].counts.n[c->outcome]++;
		groups[g].counts.total++;
		groups[g].time_s += c->duration_s;
		total_s += c->duration_s;
	}

	ms_text_puts(t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mmapsuite ");
	ms_text_xml(t, run->id);
	ms_text_printf(t, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
		       "time=\"%.6f\">\n", all.total, all.n[MS_FAIL], all.n[MS_BROKEN],
		       all.n[MS_SKIP] + all.n[MS_XFAIL], total_s);
	for (size_t g = 0; g < n_groups; g++) {
		const struct junit_group *grp = &groups[g];
		ms_text_puts(t, "  <testsuite name=\"");
		if (grp->place && strcmp(grp->place, "host") != 0) {
			ms_text_xml(t, grp->place);
			ms_text_puts(t, "/");
		}
		ms_text_xml(t, grp->fs && *grp->fs ? grp->fs : "none");
		ms_text_puts(t, "/");
		ms_text_xml(t, grp->suite);
		ms_text_printf(t, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
			       "time=\"%.6f\" timestamp=\"", grp->counts.total, grp->counts.n[MS_FAIL],
			       grp->counts.n[MS_BROKEN], grp->counts.n[MS_SKIP] + grp->counts.n[MS_XFAIL],
			       grp->time_s);
		ms_text_xml(t, run->time);
		ms_text_puts(t, "\" hostname=\"");
		ms_text_xml(t, grp->place);
		ms_text_puts(t, "\">\n");
		for (size_t i = 0; i < run->n_conformance; i++)
			if (in_group(grp, &run->conformance[i]))
				testcase(t, &run->conformance[i]);
		ms_text_puts(t, "  </testsuite>\n");
	}
	ms_text_puts(t, "</testsuites>\n");
	free(groups);
}
