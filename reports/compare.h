/* mmapsuite compare: runs against a baseline (the first), metric by metric and test by test. */
#ifndef MMAPSUITE_REPORTS_COMPARE_H
#define MMAPSUITE_REPORTS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "results.h"
#include "stats.h"
#include "text.h"

struct ms_metric_cmp {
	size_t run;                       /* index of the compared run (1..) */
	const struct ms_benchmark *base, *other;
	bool fs_differs;                  /* matched only with the file system left out */
	struct ms_ratio ratio;            /* other / base, medians, 95% bootstrap interval */
	double p;                         /* Mann-Whitney U, two-sided */
	bool significant;                 /* p < 0.05, and not a smoke figure */
	bool smoke;                       /* places of different kinds (host, guest, board), or
					   * an emulated (TCG) CPU: the timing measures the
					   * emulator or the virtualisation, never called significant */
	double change_pct;                /* + is better, - is worse, in the metric's direction */
	bool regression;                  /* significant and worse than the threshold */
};

struct ms_conf_cmp {
	size_t run;
	const struct ms_conformance *base, *other;
	bool regression;                  /* passed (or failed as expected) in the baseline,
					   * fails or breaks here unexpectedly */
	bool deviation_change;            /* a known deviation (xfail/xpass) on either side:
					   * listed, never a regression by itself */
};

struct ms_env_diff {
	size_t run;
	char *path, *base, *other;        /* dotted path, values as text ("(absent)") */
	bool matters;                     /* decides results: kernel, CPU, fs, THP, sysctls */
};

struct ms_comparison {
	struct ms_run **runs;
	char **dirs;
	size_t n_runs;
	double threshold_pct;             /* < 0: no gate */
	struct ms_metric_cmp *metrics;
	size_t n_metrics;
	size_t *unmatched;                /* per run k: its records with no baseline counterpart */
	size_t *base_unmatched;           /* per run k: baseline records with none in run k */
	struct ms_conf_cmp *conf;         /* outcome changes only */
	size_t n_conf, conf_cap;
	/* Per run k (k >= 1): conformance results paired with the baseline's, its results with
	 * no baseline counterpart, and the baseline's with none in run k. */
	size_t *conf_paired, *conf_unmatched, *conf_base_unmatched;
	/* Per run k (0 = baseline): results read under today's names from earlier ones
	 * (renamed_from, lib/renames.def). */
	size_t *conf_renamed;
	struct ms_env_diff *env;
	size_t n_env;
	size_t n_regressions;
	bool *smoke_run;                  /* per run k: its timings against the baseline are smoke */
};

void ms_compare_runs(struct ms_comparison *c);
void ms_comparison_free(struct ms_comparison *c);

/* Renderers: Markdown (also what stdout shows) and a self-contained HTML page with the
 * ratio plot drawn by gnuplot into plots_dir. */
void ms_compare_markdown(const struct ms_comparison *c, struct ms_text *t);
/* "Run k is another place: page size 4 KiB vs 16 KiB, ...": the sizes, widths and byte order
 * in which run k's place differs from the baseline's (compare_place.c); nothing when none. */
void ms_compare_place_line(const struct ms_comparison *c, size_t k, struct ms_text *t);
int ms_compare_html(const struct ms_comparison *c, const char *dir, struct ms_text *t,
		    char *err, size_t errlen);

#endif
