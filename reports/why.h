/* "Why" beside "how much": the per-operation counter metrics the benchmark runner derived
 * (results' counters.derived) for both sides of each mmap/read() pair. A column appears only
 * when some pair has its metric: a host without a PMU shows page faults and nothing empty. */
#ifndef MMAPSUITE_REPORTS_WHY_H
#define MMAPSUITE_REPORTS_WHY_H

#include "ratios.h"

#define MS_WHY_N 5

struct ms_why_cols {
	bool shown[MS_WHY_N];
	int n;
};

void ms_why_scan(const struct ms_pair_set *set, struct ms_why_cols *c);
void ms_why_md_header(const struct ms_why_cols *c, struct ms_text *t);  /* " x | y" */
void ms_why_md_rule(const struct ms_why_cols *c, struct ms_text *t);    /* "--:|--:" */
void ms_why_md_cells(const struct ms_why_cols *c, const struct ms_pair_set *set,
		     const struct ms_mmap_pair *p, struct ms_text *t);
void ms_why_html_header(const struct ms_why_cols *c, struct ms_text *t);
void ms_why_html_cells(const struct ms_why_cols *c, const struct ms_pair_set *set,
		       const struct ms_mmap_pair *p, struct ms_text *t);
/* One sentence on what the columns are, or nothing when there are none. */
void ms_why_note(const struct ms_why_cols *c, struct ms_text *t);

#endif
