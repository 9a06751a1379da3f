/* The "mmap against read()" and "fraction of the memory-read ceiling" tables, in Markdown
 * (summary.md) and HTML (index.html). data-* attributes carry the raw values so tests check
 * the page against results.json. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "ratios.h"
#include "util.h"
#include "why.h"

static const char *pair_role(const struct ms_mmap_pair *p)
{
	return p->best && p->same ? "best, like-for-like" : p->best ? "best" : "like-for-like";
}

static void ratio_text(const struct ms_mmap_pair *p, char *buf, size_t len)
{
	if (p->verdict == MS_VERDICT_UNKNOWN)
		snprintf(buf, len, "%.3g", p->r.ratio);
	else
		snprintf(buf, len, "%.3g [%.3g, %.3g]", p->r.ratio, p->r.low, p->r.high);
}

static void counts(const struct ms_pair_set *set, size_t n[4])
{
	memset(n, 0, 4 * sizeof(size_t));
	for (size_t i = 0; i < set->n; i++)
		n[set->pairs[i].verdict]++;
}

static const char intro[] =
	"Ratio of the medians, mmap over the system call, with a 95% percentile-bootstrap "
	"interval on the raw samples (2000 rounds); above 1 the mapping does more per second "
	"(for times per operation: below 1 it is quicker). Each mapping variant is set against "
	"the best system-call variant measured under the same conditions and, where there is "
	"one, the like-for-like one (same block size, same advice); a msync/fdatasync variant "
	"only against another durable one.";

static void value_with_unit(double v, const char *unit, char *buf, size_t len)
{
	char num[32];
	ms_format_value(v, num, sizeof(num));
	snprintf(buf, len, "%s %s", num, unit ? unit : "");
}

void ms_pairs_markdown(const struct ms_pair_set *set, struct ms_text *t)
{
	ms_text_puts(t, "### mmap against read()\n\n");
	if (!set->n) {
		ms_text_puts(t, "No case in this run measured a mapping and a system call under the "
				"same conditions.\n\n");
	} else {
		size_t n[4];
		struct ms_why_cols why;
		ms_why_scan(set, &why);
		counts(set, n);
		ms_text_printf(t, "%zu comparisons: **%zu mmap faster**, **%zu system call faster**, "
			       "%zu no significant difference%s.\n\n%s\n\n", set->n,
			       n[MS_VERDICT_MMAP], n[MS_VERDICT_SYSCALL], n[MS_VERDICT_NONE],
			       n[MS_VERDICT_UNKNOWN] ? ", some with too few samples" : "", intro);
		if (why.n) {
			ms_why_note(&why, t);
			ms_text_puts(t, "\n\n");
		}
		ms_text_puts(t, "| case | fs | conditions | mmap variant | median | system-call variant "
				"| median | against | mmap/syscall [95%] | verdict |");
		ms_why_md_header(&why, t);
		ms_text_puts(t, "\n|---|---|---|---|--:|---|--:|---|---|---|");
		ms_why_md_rule(&why, t);
		ms_text_puts(t, "\n");
		for (size_t i = 0; i < set->n; i++) {
			const struct ms_mmap_pair *p = &set->pairs[i];
			char mv[48], sv[48], ratio[96];
			value_with_unit(p->map_median, p->unit, mv, sizeof(mv));
			value_with_unit(p->sys_median, p->unit, sv, sizeof(sv));
			ratio_text(p, ratio, sizeof(ratio));
			ms_text_puts(t, "| ");
			ms_text_md_cell(t, p->bench_case, 40);
			ms_text_puts(t, " | ");
			ms_text_md_cell(t, p->fs, 30);
			ms_text_puts(t, " | ");
			ms_text_md_cell(t, p->conditions, 140);
			ms_text_puts(t, " | ");
			ms_text_md_cell(t, p->map_label, 60);
			ms_text_printf(t, " | %s | ", mv);
			ms_text_md_cell(t, p->sys_label, 60);
			ms_text_printf(t, " | %s | %s | %s | %s%s%s |", sv, pair_role(p), ratio,
				       p->verdict == MS_VERDICT_NONE ? "" : "**", p->verdict_text,
				       p->verdict == MS_VERDICT_NONE ? "" : "**");
			ms_why_md_cells(&why, set, p, t);
			ms_text_puts(t, "\n");
		}
		ms_text_puts(t, "\n");
	}
	ms_text_puts(t, "### Fraction of the memory-read ceiling (hot cache)\n\n");
	if (!set->n_ceiling) {
		ms_text_puts(t, "No hot-cache read in this run was compared with the memory-read "
				"ceiling.\n\n");
		return;
	}
	ms_text_puts(t, "Throughput over the single-thread read bandwidth of anonymous memory of the "
			"same working-set size (`ceiling` case), best variant of each kind; 1 is the "
			"machine's limit.\n\n| case | fs | conditions | ceiling | best mmap | fraction "
			"[95%] | best read() | fraction [95%] |\n|---|---|---|--:|---|---|---|---|\n");
	for (size_t i = 0; i < set->n_ceiling; i++) {
		const struct ms_ceiling_row *c = &set->ceiling[i];
		char lim[32], size[32];
		ms_format_value(c->ceiling_mbps, lim, sizeof(lim));
		ms_format_bytes(c->ceiling_size, size, sizeof(size));
		ms_text_puts(t, "| ");
		ms_text_md_cell(t, c->bench_case, 40);
		ms_text_puts(t, " | ");
		ms_text_md_cell(t, c->fs, 30);
		ms_text_puts(t, " | ");
		ms_text_md_cell(t, c->conditions, 140);
		ms_text_printf(t, " | %s MB/s at %s", lim, size);
		long idx[2] = { c->map_index, c->sys_index };
		const char *labels[2] = { c->map_label, c->sys_label };
		for (int k = 0; k < 2; k++) {
			if (idx[k] < 0) {
				ms_text_puts(t, " | - | -");
				continue;
			}
			const struct ms_benchmark *b = &set->run->benchmarks[idx[k]];
			ms_text_puts(t, " | ");
			ms_text_md_cell(t, labels[k], 60);
			ms_text_printf(t, " | %.3g [%.3g, %.3g]", b->median, b->ci_low, b->ci_high);
		}
		ms_text_puts(t, " |\n");
	}
	ms_text_puts(t, "\n");
}

static void html_cell(struct ms_text *t, const char *s)
{
	ms_text_puts(t, "<td>");
	ms_text_xml(t, s);
	ms_text_puts(t, "</td>");
}

void ms_pairs_html(const struct ms_pair_set *set, struct ms_text *t)
{
	ms_text_puts(t, "<section id=\"mmap-vs-read\"><h2>mmap against read()</h2>\n");
	if (!set->n) {
		ms_text_puts(t, "<p id=\"pairs-none\">No case in this run measured a mapping and a "
				"system call under the same conditions.</p>\n");
	} else {
		size_t n[4];
		struct ms_why_cols why;
		ms_why_scan(set, &why);
		counts(set, n);
		ms_text_printf(t, "<p class=\"pairs-verdict\" data-pairs=\"%zu\" data-mmap=\"%zu\" "
			       "data-syscall=\"%zu\" data-none=\"%zu\"><b>%zu comparisons: "
			       "<span class=\"v-mmap\">%zu mmap faster</span>, <span class=\"v-syscall\">"
			       "%zu system call faster</span>, %zu no significant difference</b>.</p>\n"
			       "<p>", set->n, n[MS_VERDICT_MMAP], n[MS_VERDICT_SYSCALL],
			       n[MS_VERDICT_NONE], set->n, n[MS_VERDICT_MMAP], n[MS_VERDICT_SYSCALL],
			       n[MS_VERDICT_NONE]);
		ms_text_xml(t, intro);
		if (why.n) {
			ms_text_puts(t, " ");
			ms_why_note(&why, t);
		}
		ms_text_puts(t, "</p>\n<table id=\"pairs-table\"><thead><tr><th>case</th><th>fs</th>"
				"<th>conditions</th><th>mmap variant</th><th>median</th><th>system-call "
				"variant</th><th>median</th><th>against</th><th>mmap/syscall [95%]</th>"
				"<th>verdict</th>");
		ms_why_html_header(&why, t);
		ms_text_puts(t, "</tr></thead><tbody>\n");
		for (size_t i = 0; i < set->n; i++) {
			const struct ms_mmap_pair *p = &set->pairs[i];
			char mv[48], sv[48], ratio[96];
			value_with_unit(p->map_median, p->unit, mv, sizeof(mv));
			value_with_unit(p->sys_median, p->unit, sv, sizeof(sv));
			ratio_text(p, ratio, sizeof(ratio));
			ms_text_printf(t, "<tr class=\"pair\" data-case=\"");
			ms_text_xml(t, p->bench_case);
			ms_text_puts(t, "\" data-fs=\"");
			ms_text_xml(t, p->fs);
			ms_text_printf(t, "\" data-map-index=\"%ld\" data-sys-index=\"%ld\" "
				       "data-best=\"%d\" data-same=\"%d\" data-ratio=\"%.17g\" "
				       "data-low=\"%.17g\" data-high=\"%.17g\" data-verdict=\"%s\">",
				       p->map_index, p->sys_index, p->best, p->same, p->r.ratio, p->r.low,
				       p->r.high, ms_verdict_word(p->verdict));
			html_cell(t, p->bench_case);
			html_cell(t, p->fs);
			html_cell(t, p->conditions);
			html_cell(t, p->map_label);
			ms_text_printf(t, "<td class=\"num\">%s</td>", mv);
			html_cell(t, p->sys_label);
			ms_text_printf(t, "<td class=\"num\">%s</td><td>%s</td><td class=\"num\">%s"
				       "</td><td class=\"v-%s\">", sv, pair_role(p), ratio,
				       ms_verdict_word(p->verdict));
			ms_text_xml(t, p->verdict_text);
			ms_text_puts(t, "</td>");
			ms_why_html_cells(&why, set, p, t);
			ms_text_puts(t, "</tr>\n");
		}
		ms_text_puts(t, "</tbody></table>\n");
	}
	ms_text_puts(t, "<h3 id=\"ceiling-fraction\">Fraction of the memory-read ceiling "
			"(hot cache)</h3>\n");
	if (!set->n_ceiling) {
		ms_text_puts(t, "<p>No hot-cache read in this run was compared with the memory-read "
				"ceiling.</p></section>\n");
		return;
	}
	ms_text_puts(t, "<p>Throughput over the single-thread read bandwidth of anonymous memory of "
			"the same working-set size (<code>ceiling</code> case), best variant of each "
			"kind; 1 is the machine's limit.</p>\n<table id=\"ceiling-table\"><thead><tr>"
			"<th>case</th><th>fs</th><th>conditions</th><th>ceiling</th><th>best mmap</th>"
			"<th>fraction [95%]</th><th>best read()</th><th>fraction [95%]</th></tr>"
			"</thead><tbody>\n");
	for (size_t i = 0; i < set->n_ceiling; i++) {
		const struct ms_ceiling_row *c = &set->ceiling[i];
		char lim[32], size[32];
		ms_format_value(c->ceiling_mbps, lim, sizeof(lim));
		ms_format_bytes(c->ceiling_size, size, sizeof(size));
		ms_text_printf(t, "<tr class=\"ceiling\" data-map-index=\"%ld\" data-sys-index=\"%ld\" "
			       "data-ceiling=\"%.17g\">", c->map_index, c->sys_index, c->ceiling_mbps);
		html_cell(t, c->bench_case);
		html_cell(t, c->fs);
		html_cell(t, c->conditions);
		ms_text_printf(t, "<td class=\"num\">%s MB/s at %s</td>", lim, size);
		long idx[2] = { c->map_index, c->sys_index };
		const char *labels[2] = { c->map_label, c->sys_label };
		for (int k = 0; k < 2; k++) {
			if (idx[k] < 0) {
				ms_text_puts(t, "<td>-</td><td>-</td>");
				continue;
			}
			const struct ms_benchmark *b = &set->run->benchmarks[idx[k]];
			html_cell(t, labels[k]);
			ms_text_printf(t, "<td class=\"num\" data-median=\"%.17g\">%.3g [%.3g, %.3g]"
				       "</td>", b->median, b->median, b->ci_low, b->ci_high);
		}
		ms_text_puts(t, "</tr>\n");
	}
	ms_text_puts(t, "</tbody></table></section>\n");
}
