/* The benchmark overview that opens index.html and summary.md (ms_section_overview): a
 * forest plot of every mmap/system-call ratio, the four rows of the mmap-against-read()
 * comparison (memory usage, performance, syncing, sharing) per file system, and the
 * break-even pass counts. */
#ifndef MMAPSUITE_REPORTS_OVERVIEW_H
#define MMAPSUITE_REPORTS_OVERVIEW_H

#include "plots.h"
#include "results.h"
#include "text.h"

/* The legend of a plot, as HTML beside the picture (gnuplot's key is left out of the SVG):
 * one entry per series label, its colour and dash. */
void ms_plot_legend_html(const struct ms_plot *p, struct ms_text *t);

#endif
