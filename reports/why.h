/* "Why" beside "how much": the per-operation counter metrics the benchmark runner derived
 * (results' counters.derived) for both sides of each mmap/read() pair. A column appears only
 * when some pair has its metric: a host without a PMU shows page faults and nothing empty. */
#ifndef MMAPSUITE_REPORTS_WHY_H
#define MMAPSUITE_REPORTS_WHY_H

#include "ratios.h"
#include "table.h"

#define MS_WHY_N 5

struct ms_why_cols {
	bool shown[MS_WHY_N];
	int n;
	/* The column titles ms_why_columns hands out. */
	char title[MS_WHY_N][64], html_title[MS_WHY_N][64], th_attrs[MS_WHY_N][80];
};

void ms_why_scan(const struct ms_pair_set *set, struct ms_why_cols *c);
/* The shown columns into cols (room for MS_WHY_N); returns how many. Their titles live in
 * c. */
size_t ms_why_columns(struct ms_why_cols *c, struct ms_table_col *cols);
/* The row's cells of the shown columns: "mmap value / syscall value". */
void ms_why_cells(const struct ms_why_cols *c, const struct ms_pair_set *set,
		  const struct ms_mmap_pair *p, struct ms_table *tb);
/* One sentence on what the columns are, or nothing when there are none. */
void ms_why_note(const struct ms_why_cols *c, struct ms_text *t);

#endif
