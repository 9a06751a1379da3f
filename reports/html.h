/* index.html, in parts. Self-contained: CSS and SVG inline, no script, nothing fetched. */
#ifndef MMAPSUITE_REPORTS_HTML_H
#define MMAPSUITE_REPORTS_HTML_H

#include "plots.h"
#include "results.h"
#include "section.h"
#include "text.h"

extern const char ms_html_css[];

/* The page: header, verdict and navigation, every section of sections.def, footer. */
void ms_html_page(const struct ms_report_input *in, const struct ms_report_models *models,
		  struct ms_text *t);

/* A result has something to show beside its outcome: a message (failure, skip reason), an
 * expectation's reason or kernel log lines. */
bool ms_conf_has_detail(const struct ms_conformance *c);
/* That detail as plain text (escape it for a page): the expectation's reason and line, the
 * message, the kernel log, and for a failure the specification clauses the test checks
 * (conformance.c). Caller frees. */
char *ms_conf_detail_text(const struct ms_conformance *c);

/* Draws the topology with lstopo: from env.topology.xml when the run recorded one (any
 * machine), else from the live machine when the run happened here; NULL and a note
 * otherwise. */
char *ms_topology_svg(const struct ms_run *run, const char *plots_dir, char **note);

#endif
