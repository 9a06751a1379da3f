/* index.html, in parts. Self-contained: CSS and SVG inline, no script, nothing fetched. */
#ifndef MMAPSUITE_REPORTS_HTML_H
#define MMAPSUITE_REPORTS_HTML_H

#include "plots.h"
#include "results.h"
#include "text.h"

extern const char ms_html_css[];

void ms_html_page(const struct ms_run *run, const struct ms_plot_set *plots,
		  const char *topology_svg, const char *topology_note, struct ms_text *t);
void ms_html_conformance(const struct ms_run *run, struct ms_text *t);
void ms_html_coverage(const struct ms_run *run, struct ms_text *t);
void ms_html_environment(const struct ms_run *run, const char *topology_svg,
			 const char *topology_note, struct ms_text *t);

/* Draws the topology with lstopo: from env.topology.xml when the run recorded one (any
 * machine), else from the live machine when the run happened here; NULL and a note
 * otherwise. */
char *ms_topology_svg(const struct ms_run *run, const char *plots_dir, char **note);

#endif
