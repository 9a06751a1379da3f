/* The "mmap against read()" and "fraction of the memory-read ceiling" tables: built once as
 * table models (table.h), rendered to Markdown (summary.md) and HTML (index.html). data-*
 * attributes carry the raw values so tests check the page against results.json. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "ratios.h"
#include "section.h"
#include "table.h"
#include "util.h"
#include "why.h"

static const char *pair_role(const struct ms_mmap_pair *p)
{
	if (p->paired)
		return p->same ? "declared partner, like-for-like" : "declared partner";
	return p->best && p->same ? "best, like-for-like" : p->best ? "best" : "like-for-like";
}

static void ratio_text(const struct ms_mmap_pair *p, char *buf, size_t len)
{
	if (p->verdict == MS_VERDICT_UNKNOWN)
		snprintf(buf, len, "%.3g", p->r.ratio);
	else if (p->paired)
		snprintf(buf, len, "%.3g [%.3g, %.3g] paired, %zu pairs%s%s", p->r.ratio, p->r.low,
			 p->r.high, p->n_pairs, p->moved[0] ? "; " : "", p->moved);
	else
		snprintf(buf, len, "%.3g [%.3g, %.3g] unpaired", p->r.ratio, p->r.low, p->r.high);
}

static void counts(const struct ms_pair_set *set, size_t n[4])
{
	memset(n, 0, 4 * sizeof(size_t));
	for (size_t i = 0; i < set->n; i++)
		n[set->pairs[i].verdict]++;
}

static const char intro[] =
	"Ratio mmap over the system call; above 1 the mapping does more per second (for times "
	"per operation: below 1 it is quicker). Paired: the two variants were sampled in "
	"alternation (A B, B A, ...), the ratio is the geometric mean of the per-pair ratios "
	"with a 95% t interval on their logarithms, and a half-width above 2% names the side "
	"that moved. Each mapping variant is set against the system-call partner declared "
	"before measuring (same conditions, its advice and block size, else no advice and the "
	"largest block size) and, where there is one, the like-for-like one (same block size, "
	"same advice); a msync/fdatasync variant only against another durable one. Unpaired "
	"(older runs, or a variant that is not its partner): ratio of the medians with a 95% "
	"percentile-bootstrap interval (2000 rounds), against the best system-call variant.";

/* "A/A controls: 19 of 20 intervals hold 1." */
static void control_text(const struct ms_pair_set *set, struct ms_text *t)
{
	if (set->n_control)
		ms_text_printf(t, " A/A controls (a system-call variant paired with itself): %zu of "
			       "%zu 95%% intervals hold 1.", set->n_control_cover, set->n_control);
}

static void value_with_unit(double v, const char *unit, char *buf, size_t len)
{
	char num[32];
	ms_format_value(v, num, sizeof(num));
	snprintf(buf, len, "%s %s", num, unit ? unit : "");
}

/* Every pair: the variants, their medians, the ratio and the verdict, then the counter
 * columns that some pair has. */
static struct ms_table *pairs_table(const struct ms_pair_set *set, struct ms_why_cols *why)
{
	struct ms_table_col cols[10 + MS_WHY_N] = {
		{ .title = "case", .md_max = 40 },
		{ .title = "fs", .md_max = 30 },
		{ .title = "conditions", .md_max = 140 },
		{ .title = "mmap variant", .md_max = 60 },
		{ .title = "median", .right = true },
		{ .title = "system-call variant", .md_max = 60 },
		{ .title = "median", .right = true },
		{ .title = "against" },
		{ .title = "mmap/syscall [95%]" },
		{ .title = "verdict" },
	};
	size_t n_cols = 10 + ms_why_columns(why, cols + 10);
	struct ms_table *tb = ms_table_new("pairs-table", cols, n_cols);
	for (size_t i = 0; i < set->n; i++) {
		const struct ms_mmap_pair *p = &set->pairs[i];
		char mv[48], sv[48], ratio[256], verdict_class[32];
		struct ms_text attrs = { 0 };
		value_with_unit(p->map_median, p->unit, mv, sizeof(mv));
		value_with_unit(p->sys_median, p->unit, sv, sizeof(sv));
		ratio_text(p, ratio, sizeof(ratio));
		snprintf(verdict_class, sizeof(verdict_class), "v-%s", ms_verdict_word(p->verdict));
		ms_text_puts(&attrs, "class=\"pair\" data-case=\"");
		ms_text_xml(&attrs, p->bench_case);
		ms_text_puts(&attrs, "\" data-fs=\"");
		ms_text_xml(&attrs, p->fs);
		ms_text_printf(&attrs, "\" data-map-index=\"%ld\" data-sys-index=\"%ld\" "
			       "data-best=\"%d\" data-same=\"%d\" data-ratio=\"%.17g\" "
			       "data-low=\"%.17g\" data-high=\"%.17g\" data-verdict=\"%s\" "
			       "data-paired=\"%d\"",
			       p->map_index, p->sys_index, p->best, p->same, p->r.ratio, p->r.low,
			       p->r.high, ms_verdict_word(p->verdict), p->paired);
		ms_table_row(tb, attrs.data);
		ms_text_free(&attrs);
		ms_table_text(tb, p->bench_case);
		ms_table_text(tb, p->fs);
		ms_table_text(tb, p->conditions);
		ms_table_text(tb, p->map_label);
		ms_table_text(tb, mv);
		ms_table_text(tb, p->sys_label);
		ms_table_text(tb, sv);
		ms_table_text(tb, pair_role(p));
		ms_table_cell(tb, &(struct ms_cell){ .text = ratio, .cls = "num" });
		ms_table_cell(tb, &(struct ms_cell){ .text = p->verdict_text,
			.strong = p->verdict != MS_VERDICT_NONE, .cls = verdict_class });
		ms_why_cells(why, set, p, tb);
	}
	return tb;
}

/* The best mapping and the best read() of each hot-cache case against the ceiling. */
static struct ms_table *ceiling_table(const struct ms_pair_set *set)
{
	static const struct ms_table_col cols[] = {
		{ .title = "case", .md_max = 40 },
		{ .title = "fs", .md_max = 30 },
		{ .title = "conditions", .md_max = 140 },
		{ .title = "ceiling", .right = true },
		{ .title = "best mmap", .md_max = 60 },
		{ .title = "fraction [95%]" },
		{ .title = "best read()", .md_max = 60 },
		{ .title = "fraction [95%]" },
	};
	struct ms_table *tb = ms_table_new("ceiling-table", cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < set->n_ceiling; i++) {
		const struct ms_ceiling_row *c = &set->ceiling[i];
		char lim[32], size[32], text[128], attrs[160];
		ms_format_value(c->ceiling_mbps, lim, sizeof(lim));
		ms_format_bytes(c->ceiling_size, size, sizeof(size));
		char attrs_row[224];
		snprintf(attrs_row, sizeof(attrs_row), "class=\"ceiling\" data-map-index=\"%ld\" "
			 "data-sys-index=\"%ld\" data-ceiling=\"%.17g\" data-map-ceiling=\"%.17g\"",
			 c->map_index, c->sys_index, c->ceiling_mbps, c->map_ceiling_mbps);
		ms_table_row(tb, attrs_row);
		ms_table_text(tb, c->bench_case);
		ms_table_text(tb, c->fs);
		ms_table_text(tb, c->conditions);
		if (c->map_ceiling_mbps != c->ceiling_mbps && !isnan(c->map_ceiling_mbps)) {
			char mlim[32];
			ms_format_value(c->map_ceiling_mbps, mlim, sizeof(mlim));
			snprintf(text, sizeof(text), "%s MB/s at %s; the mapping's (%s pages): %s MB/s",
				 lim, size, c->map_ceiling_pages ? c->map_ceiling_pages : "other", mlim);
		} else {
			snprintf(text, sizeof(text), "%s MB/s at %s", lim, size);
		}
		ms_table_text(tb, text);
		long idx[2] = { c->map_index, c->sys_index };
		const char *labels[2] = { c->map_label, c->sys_label };
		for (int k = 0; k < 2; k++) {
			if (idx[k] < 0) {
				ms_table_text(tb, "-");
				ms_table_text(tb, "-");
				continue;
			}
			const struct ms_benchmark *b = &set->run->benchmarks[idx[k]];
			snprintf(text, sizeof(text), "%.3g [%.3g, %.3g]", b->median, b->ci_low,
				 b->ci_high);
			snprintf(attrs, sizeof(attrs), "data-median=\"%.17g\"", b->median);
			ms_table_text(tb, labels[k]);
			ms_table_cell(tb, &(struct ms_cell){ .text = text, .cls = "num",
							     .attrs = attrs });
		}
	}
	return tb;
}

static const char no_pairs[] =
	"No case in this run measured a mapping and a system call under the same conditions.";
static const char ceiling_title[] = "Fraction of the memory-read ceiling (hot cache)";
static const char no_ceiling[] =
	"No hot-cache read in this run was compared with the memory-read ceiling.";
static const char ceiling_intro[] =
	"Throughput over the single-thread read bandwidth of anonymous memory of the same "
	"working-set size (`ceiling` case), best variant of each kind; 1 is the machine's limit.";

/* "12 comparisons: 5 mmap faster, ...": in HTML with the counts as data-* attributes. */
static void verdict_line(const struct ms_pair_set *set, enum ms_format f, struct ms_text *t)
{
	size_t n[4];

	counts(set, n);
	if (f == MS_MARKDOWN) {
		ms_text_printf(t, "%zu comparisons: **%zu mmap faster**, **%zu system call faster**, "
			       "%zu no significant difference%s.\n\n", set->n, n[MS_VERDICT_MMAP],
			       n[MS_VERDICT_SYSCALL], n[MS_VERDICT_NONE],
			       n[MS_VERDICT_UNKNOWN] ? ", some with too few samples" : "");
		return;
	}
	ms_text_printf(t, "<p class=\"pairs-verdict\" data-pairs=\"%zu\" data-mmap=\"%zu\" "
		       "data-syscall=\"%zu\" data-none=\"%zu\"><b>%zu comparisons: "
		       "<span class=\"v-mmap\">%zu mmap faster</span>, <span class=\"v-syscall\">"
		       "%zu system call faster</span>, %zu no significant difference</b>.</p>\n",
		       set->n, n[MS_VERDICT_MMAP], n[MS_VERDICT_SYSCALL], n[MS_VERDICT_NONE], set->n,
		       n[MS_VERDICT_MMAP], n[MS_VERDICT_SYSCALL], n[MS_VERDICT_NONE]);
}

static void pairs_part(const struct ms_pair_set *set, enum ms_format f, struct ms_text *t)
{
	if (!set->n) {
		ms_section_prose(f, "id=\"pairs-none\"", no_pairs, t);
		return;
	}
	struct ms_why_cols why;
	struct ms_text note = { 0 };

	ms_why_scan(set, &why);
	verdict_line(set, f, t);
	/* The method, the A/A controls and the counters' note: one paragraph in HTML, the
	 * counters' note a paragraph of its own in Markdown. */
	ms_text_puts(&note, intro);
	control_text(set, &note);
	if (why.n && f == MS_HTML) {
		ms_text_puts(&note, " ");
		ms_why_note(&why, &note);
	}
	ms_section_prose(f, NULL, note.data, t);
	ms_text_free(&note);
	if (why.n && f == MS_MARKDOWN) {
		ms_why_note(&why, t);
		ms_text_puts(t, "\n\n");
	}
	struct ms_table *tb = pairs_table(set, &why);
	if (f == MS_MARKDOWN)
		ms_table_markdown(tb, t);
	else
		ms_table_html(tb, t);
	ms_table_free(tb);
	ms_text_puts(t, "\n");
}

static void ceiling_part(const struct ms_pair_set *set, enum ms_format f, struct ms_text *t)
{
	if (f == MS_MARKDOWN)
		ms_text_printf(t, "### %s\n\n", ceiling_title);
	else
		ms_text_printf(t, "<h3 id=\"ceiling-fraction\">%s</h3>\n", ceiling_title);
	if (!set->n_ceiling) {
		ms_section_prose(f, NULL, no_ceiling, t);
		return;
	}
	ms_section_prose(f, NULL, ceiling_intro, t);
	struct ms_table *tb = ceiling_table(set);
	if (f == MS_MARKDOWN) {
		ms_table_markdown(tb, t);
		ms_text_puts(t, "\n");
	} else {
		ms_table_html(tb, t);
	}
	ms_table_free(tb);
}

static void *pairs_build(const struct ms_report_input *in)
{
	const struct ms_run *run = in->run;

	if (!run->n_benchmarks && !(run->extra && json_object_get(run->extra, "fidelity")))
		return NULL;
	struct ms_pair_set *set = ms_calloc(1, sizeof(*set));
	ms_pairs_build(run, set);
	return set;
}

static void pairs_free(void *model)
{
	if (!model)
		return;
	ms_pairs_free(model);
	free(model);
}

/* In index.html the tables are folded under the overview's forest plot. */
static void pairs_render(const struct ms_report_input *in, void *model, enum ms_format f,
			 struct ms_text *t)
{
	const struct ms_pair_set *set = model;

	(void)in;
	if (!set)
		return;
	if (f == MS_HTML)
		ms_text_puts(t, "<details id=\"pairs-details\"><summary>Tables: every mmap/system-"
				"call pair, fraction of the read ceiling</summary>\n");
	ms_section_open(&ms_section_pairs, f, t);
	pairs_part(set, f, t);
	ceiling_part(set, f, t);
	ms_section_close(f, t);
	if (f == MS_HTML)
		ms_text_puts(t, "</details>\n");
}

const struct ms_section ms_section_pairs = {
	.id = "mmap-vs-read", .title = "mmap against read()", .nav = true,
	.build = pairs_build, .render = pairs_render, .free = pairs_free,
};
