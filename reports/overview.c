/* Benchmark overview (see overview.h). Everything is read from results.json: the pairs of
 * ratios.c, the records of the cases that declare an overview role (each record's
 * "overview", bench/include/overview_role.h: which case feeds which row is the case's word,
 * never a name matched here), and extra.bench.break_even. */
#include "overview.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "overview_role.h"
#include "ratios.h"
#include "section.h"
#include "util.h"

/* ---- helpers over records ---- */

static const char *pstr(const struct ms_benchmark *b, const char *key)
{
	json_t *v = b->params ? json_object_get(b->params, key) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static double pnum(const struct ms_benchmark *b, const char *key)
{
	json_t *v = b->params ? json_object_get(b->params, key) : NULL;
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The role recorded with the result; a file written before roles were recorded takes its
 * case's role from this build's case table. */
static bool has_role(const struct ms_benchmark *b, enum ms_overview_role role)
{
	return (b->overview ? ms_overview_role_named(b->overview) :
		ms_bench_overview_role(b->bench_case)) == role;
}

/* The record of a role, fs, method and metric with the largest size (or the given size). */
static const struct ms_benchmark *find(const struct ms_run *run, enum ms_overview_role role,
				       const char *fs, const char *method, const char *metric,
				       double size)
{
	const struct ms_benchmark *best = NULL;

	for (size_t i = 0; i < run->n_benchmarks; i++) {
		const struct ms_benchmark *b = &run->benchmarks[i];

		if (!has_role(b, role) || strcmp(b->metric, metric) ||
		    !ms_streq(ms_bench_method(b), method) || (fs && !ms_streq(pstr(b, "fs"), fs)) ||
		    pnum(b, "threads") > 1 || ms_streq(pstr(b, "cache"), "cold"))
			continue;
		if (!isnan(size) && pnum(b, "size") != size)
			continue;
		if (!best || pnum(b, "size") > pnum(best, "size"))
			best = b;
	}
	return best;
}

/* File systems of the run, in order of appearance, without "anon". */
static size_t fs_list(const struct ms_run *run, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < run->n_benchmarks && n < max; i++) {
		const char *fs = pstr(&run->benchmarks[i], "fs");
		bool seen = !fs || !strcmp(fs, "anon");

		for (size_t k = 0; k < n && !seen; k++)
			seen = !strcmp(out[k], fs);
		if (!seen)
			out[n++] = fs;
	}
	return n;
}

static void ordinal(long n, char *buf, size_t len)
{
	const char *suf = n % 100 >= 11 && n % 100 <= 13 ? "th" : n % 10 == 1 ? "st" :
			  n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";

	snprintf(buf, len, "%ld%s", n, suf);
}

static bool is_drifting(const struct ms_run *run, long idx)
{
	return idx >= 0 && run->benchmarks[idx].drifting;
}

static bool is_noisy(const struct ms_run *run, long idx)
{
	return idx >= 0 && run->benchmarks[idx].noisy;
}

/* "4 MiB", "t=2", "cold": the conditions that tell the pairs of one case and fs apart. */
static char *short_conditions(const struct ms_run *run, const struct ms_mmap_pair *p)
{
	struct ms_text t = { 0 };

	ms_text_puts(&t, "");
	if (p->map_index < 0) {
		ms_text_puts(&t, p->conditions ? p->conditions : "");
		return t.data;
	}
	const struct ms_benchmark *b = &run->benchmarks[p->map_index];
	double size = pnum(b, "size"), threads = pnum(b, "threads");
	char buf[32];

	if (!isnan(size) && !has_role(b, MS_OVERVIEW_SHARING)) {
		ms_format_bytes(size, buf, sizeof(buf));
		ms_text_puts(&t, buf);
	}
	if (threads > 1)
		ms_text_printf(&t, " t=%.0f", threads);
	if (ms_streq(pstr(b, "cache"), "cold"))
		ms_text_puts(&t, " cold");
	if (pstr(b, "numa"))
		ms_text_printf(&t, " numa=%s", pstr(b, "numa"));
	return t.data;
}

/* ---- forest plot ----
 *
 * Written as SVG here, not through the gnuplot layer (gnuplot.c) like every other plot, on
 * purpose:
 * - Each row is a <g class="fp-row"> whose data-ratio, data-low, data-high, data-noisy,
 *   data-drifting and data-map-index attributes are what check_report.py (on the file) and
 *   check-in-browser (on the DOM Chromium built) compare with results.json, row by row.
 *   gnuplot's svg terminal emits one path per plot, with no way to attach an attribute to a
 *   point; the other plots are checked through their .dat files instead.
 * - Each label carries an SVG <title> with all of the pair's conditions, shown on hover.
 *   gnuplot's only per-point hover text (svg "mouse" with hypertext labels) needs its
 *   JavaScript, and the page has no script (index.html is self-contained, and
 *   check-in-browser fails on any console message from the page).
 * - The picture at the top of the page must not depend on gnuplot: a board or a guest
 *   without it still gets the verdict's picture (the other plots are then reported missing). */

#define FP_W 1160
#define FP_LABEL 520
#define FP_PLOT 470
#define FP_ROW 17

struct fp_row {
	const struct ms_mmap_pair *p;
	bool header;
	char *text;
};

static double fp_x(double v, double lo, double hi)
{
	return FP_LABEL + (log10(v) - lo) / (hi - lo) * FP_PLOT;
}

static void forest(const struct ms_run *run, const struct ms_pair_set *set, struct ms_text *t)
{
	struct fp_row *rows = ms_calloc(2 * set->n + 1, sizeof(*rows));
	size_t n = 0, n_pairs = 0;
	double lo = 0, hi = 0;
	const char *last_case = NULL, *last_fs = NULL;

	for (size_t i = 0; i < set->n; i++) {
		const struct ms_mmap_pair *p = &set->pairs[i];

		if (!p->best || !isfinite(p->r.ratio) || p->r.ratio <= 0)
			continue;
		if (!ms_streq(p->bench_case, last_case) || !ms_streq(p->fs, last_fs)) {
			rows[n].header = true;
			rows[n++].text = ms_asprintf("%s · %s", p->bench_case, p->fs);
			last_case = p->bench_case;
			last_fs = p->fs;
		}
		char *cond = short_conditions(run, p);

		rows[n].p = p;
		rows[n++].text = ms_asprintf("%s%s%s vs %s", cond, *cond ? " · " : "", p->map_label,
					     p->sys_label);
		free(cond);
		n_pairs++;
		double l = log10(p->r.low > 0 ? p->r.low : p->r.ratio);
		double h = log10(p->r.high > 0 && isfinite(p->r.high) ? p->r.high : p->r.ratio);

		lo = fmin(lo, floor(l));
		hi = fmax(hi, ceil(h));
	}
	if (hi - lo < 1)
		hi = lo + 1;
	int height = (int)(n * FP_ROW) + 40;

	ms_text_printf(t, "<figure id=\"forest\" data-pairs=\"%zu\"><svg class=\"forest\" "
		       "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		       "role=\"img\" aria-label=\"mmap over system call, 95%% intervals\">\n",
		       n_pairs, FP_W, height);
	/* Decade grid and axis labels, at the bottom. */
	for (double d = lo; d <= hi + 1e-9; d++) {
		double x = fp_x(pow(10, d), lo, hi);

		ms_text_printf(t, "<line x1=\"%.1f\" y1=\"4\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
			       "stroke-width=\"%s\"/>", x, x, height - 26, d == 0 ? "#333" : "#ddd",
			       d == 0 ? "1.5" : "1");
		ms_text_printf(t, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">"
			       "%gx</text>\n", x, height - 12, pow(10, d));
	}
	ms_text_printf(t, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"start\" "
		       "fill=\"#d55e00\">&#8592; system call faster</text><text x=\"%d\" y=\"%d\" "
		       "font-size=\"11\" text-anchor=\"end\" fill=\"#0072b2\">mmap faster &#8594;"
		       "</text>\n", FP_LABEL, height - 1, FP_LABEL + FP_PLOT, height - 1);
	for (size_t i = 0; i < n; i++) {
		double y = 14 + i * FP_ROW;

		if (rows[i].header) {
			ms_text_printf(t, "<text class=\"fp-group\" x=\"0\" y=\"%.0f\" font-size=\"12\" "
				       "font-weight=\"700\">", y);
			ms_text_xml(t, rows[i].text);
			ms_text_puts(t, "</text>\n");
			free(rows[i].text);
			continue;
		}
		const struct ms_mmap_pair *p = rows[i].p;
		bool drift = p->drifting || is_drifting(run, p->map_index) ||
			     is_drifting(run, p->sys_index);
		bool noisy = is_noisy(run, p->map_index) || is_noisy(run, p->sys_index);
		double gain = p->higher_is_better ? p->r.ratio : 1 / p->r.ratio;
		double l = p->higher_is_better ? p->r.low : 1 / p->r.high;
		double h = p->higher_is_better ? p->r.high : 1 / p->r.low;
		const char *colour = drift ? "#999" : p->verdict == MS_VERDICT_MMAP ? "#0072b2" :
				     p->verdict == MS_VERDICT_SYSCALL ? "#d55e00" : "#555";

		if (!(l > 0) || !isfinite(l))
			l = gain;
		if (!(h > 0) || !isfinite(h))
			h = gain;
		ms_text_printf(t, "<g class=\"fp-row\" data-ratio=\"%.6g\" data-low=\"%.6g\" "
			       "data-high=\"%.6g\" data-noisy=\"%d\" data-drifting=\"%d\" "
			       "data-map-index=\"%ld\">", gain, l, h, noisy, drift, p->map_index);
		ms_text_printf(t, "<text x=\"12\" y=\"%.0f\" font-size=\"11\"><title>", y);
		ms_text_xml(t, p->conditions);
		ms_text_puts(t, "</title>");
		ms_text_xml(t, rows[i].text);
		ms_text_puts(t, "</text>");
		ms_text_printf(t, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"%s\" "
			       "stroke-width=\"2\"/>", fp_x(fmax(l, pow(10, lo)), lo, hi), y - 4,
			       fp_x(fmin(h, pow(10, hi)), lo, hi), y - 4, colour);
		if (drift)
			ms_text_printf(t, "<path d=\"M%.1f %.0f l6 6 m0 -6 l-6 6\" stroke=\"%s\" "
				       "stroke-width=\"2\"/>", fp_x(gain, lo, hi) - 3, y - 7, colour);
		else
			ms_text_printf(t, "<circle cx=\"%.1f\" cy=\"%.0f\" r=\"4\" fill=\"%s\" "
				       "stroke=\"%s\" stroke-width=\"1.5\"/>", fp_x(gain, lo, hi), y - 4,
				       noisy ? "#fff" : colour, colour);
		ms_text_printf(t, "<text x=\"%d\" y=\"%.0f\" font-size=\"11\" fill=\"%s\">%.3gx%s%s"
			       "</text></g>\n", FP_LABEL + FP_PLOT + 8, y, colour, gain,
			       noisy ? " noisy" : "", drift ? " drifting" : "");
		free(rows[i].text);
	}
	ms_text_puts(t, "</svg><figcaption>Every mmap/system-call pair of the run against its best "
			"system-call variant: how many times faster mmap is (above 1) or slower "
			"(below 1), whichever way the metric points, median ratio with its 95% "
			"bootstrap interval, log axis. Blue: mmap significantly faster; orange: the "
			"system call; grey: no significant difference. Hollow: noisy (interval wider "
			"than the target); a cross: drifting (samples trend, no verdict). Hover a "
			"label for all its conditions.</figcaption></figure>\n");
	free(rows);
}

/* ---- the four rows ---- */

struct cell {
	char text[480];
};

static void ratio_cell(const struct ms_benchmark *m, const struct ms_benchmark *s,
		       const char *what, char *out, size_t len)
{
	if (!m || !s || !(m->median > 0) || !(s->median > 0)) {
		snprintf(out, len, "%s: not measured", what);
		return;
	}
	struct ms_paired pr;

	if (ms_paired_of(m, s, &pr)) {
		/* Sampled in pairs: the geometric mean of the per-pair ratios, its t interval. */
		bool hi = m->higher_is_better;
		snprintf(out, len, "%s: mmap %.3gx [%.3g, %.3g] paired%s", what,
			 hi ? pr.ratio : 1 / pr.ratio, hi ? pr.low : 1 / pr.high,
			 hi ? pr.high : 1 / pr.low, m->drifting || s->drifting ? " (drifting)" :
			 pr.half_width > MS_PAIRED_TARGET ? " (wide)" : "");
		return;
	}
	double r = m->higher_is_better ? m->median / s->median : s->median / m->median;

	snprintf(out, len, "%s: mmap %.3gx%s", what, r,
		 m->drifting || s->drifting ? " (drifting)" : m->noisy || s->noisy ? " (noisy)" : "");
}

static void memory_cell(const struct ms_run *run, const char *fs, char *out, size_t len)
{
	const struct ms_benchmark *r = find(run, MS_OVERVIEW_MEMORY, fs, "read", "ram_per_byte", NAN);
	const struct ms_benchmark *m = find(run, MS_OVERVIEW_MEMORY, fs, "mmap", "ram_per_byte", NAN);
	char size[32];

	if (!r || !m) {
		snprintf(out, len, "not measured");
		return;
	}
	ms_format_bytes(pnum(m, "size"), size, sizeof(size));
	snprintf(out, len, "RAM per byte held (%s): read() into a buffer %.2f, mapping %.2f",
		 size, r->median, m->median);
}

static void break_even_text(const struct ms_run *run, const char *fs, double size, char *out,
			    size_t len)
{
	json_t *be = run->extra ? json_object_get(json_object_get(run->extra, "bench"),
						  "break_even") : NULL;
	size_t i;
	json_t *e;

	snprintf(out, len, "-");
	json_array_foreach(be, i, e) {
		json_t *p = json_object_get(e, "passes"), *pl = json_object_get(e, "passes_low");
		json_t *ph = json_object_get(e, "passes_high");
		char sz[32], nb[16], lb[16], hb[16];

		if (!ms_streq(json_string_value(json_object_get(e, "fs")), fs) ||
		    json_number_value(json_object_get(e, "size")) != size)
			continue;
		ms_format_bytes(size, sz, sizeof(sz));
		ordinal(json_integer_value(p), nb, sizeof(nb));
		snprintf(lb, sizeof(lb), "%lld", (long long)json_integer_value(pl));
		snprintf(hb, sizeof(hb), "%lld", (long long)json_integer_value(ph));
		if (json_is_null(p))
			snprintf(out, len, "on %s, a %s file mapped once never beats read() per pass "
				 "(a kept pass is not faster)", fs, sz);
		else
			snprintf(out, len, "on %s, a %s file mapped once wins from the %s read "
				 "(95%%: %s to %s)%s", fs, sz, nb, json_is_null(pl) ? "never" : lb,
				 json_is_null(ph) ? "never" : hb,
				 json_object_get(e, "paired") ? ", from the paired ratios" :
				 json_is_true(json_object_get(e, "unsteady")) ?
				 ", from noisy or drifting results" : "");
	}
}

static void perf_cell(const struct ms_run *run, const char *fs, char *out, size_t len)
{
	const struct ms_benchmark *kept = find(run, MS_OVERVIEW_PERFORMANCE, fs, "mmap_kept",
					       "throughput", NAN);
	double size = kept ? pnum(kept, "size") : NAN;
	const struct ms_benchmark *fresh = find(run, MS_OVERVIEW_PERFORMANCE, fs, "mmap",
						"throughput", size);
	const struct ms_benchmark *rd = NULL;
	char a[100], b[100], be[200], sz[32];

	for (size_t i = 0; i < run->n_benchmarks; i++) {
		const struct ms_benchmark *x = &run->benchmarks[i];

		struct ms_paired pr;

		if (has_role(x, MS_OVERVIEW_PERFORMANCE) && !strcmp(x->metric, "throughput") &&
		    ms_streq(ms_bench_method(x), "read") && ms_streq(pstr(x, "fs"), fs) &&
		    pnum(x, "size") == size && (!rd || x->median > rd->median ||
		    (kept && ms_paired_of(kept, x, &pr))) && !(rd && kept && ms_paired_of(kept, rd, &pr)))
			rd = x;
	}
	if (!kept) {
		snprintf(out, len, "not measured");
		return;
	}
	ms_format_bytes(size, sz, sizeof(sz));
	ratio_cell(kept, rd, "kept mapping", a, sizeof(a));
	ratio_cell(fresh, rd, "fresh mapping per pass", b, sizeof(b));
	break_even_text(run, fs, size, be, sizeof(be));
	snprintf(out, len, "sequential read of %s against %s: %s; %s; %s", sz,
		 rd && kept && ms_paired_of(kept, rd, &(struct ms_paired){ 0 }) ?
		 "its declared read() partner" : "the best read()", a, b, be);
}

static void sync_cell(const struct ms_run *run, const char *fs, char *out, size_t len)
{
	const struct ms_benchmark *w = find(run, MS_OVERVIEW_SYNCING, fs, "write_fdatasync",
					    "throughput", NAN);
	double size = w ? pnum(w, "size") : NAN;
	const struct ms_benchmark *ft = find(run, MS_OVERVIEW_SYNCING, fs, "mmap_store_msync",
					     "throughput", size);
	const struct ms_benchmark *st = find(run, MS_OVERVIEW_SYNCING, fs, "mmap_store_kept_msync",
					     "throughput", size);
	char a[100], b[100], sz[32];

	if (!w) {
		snprintf(out, len, "not measured");
		return;
	}
	ms_format_bytes(size, sz, sizeof(sz));
	ratio_cell(ft, w, "first touch", a, sizeof(a));
	ratio_cell(st, w, "kept mapping", b, sizeof(b));
	snprintf(out, len, "durable %s writes, stores + msync(MS_SYNC) against write() + "
		 "fdatasync(): %s; %s", sz, a, b);
}

static void share_cell(const struct ms_run *run, char *out, size_t len)
{
	const struct ms_benchmark *tp = find(run, MS_OVERVIEW_SHARING, NULL, "pipe", "throughput", NAN);
	const struct ms_benchmark *tm = find(run, MS_OVERVIEW_SHARING, NULL, "mmap_shared_futex",
					     "throughput", NAN);
	const struct ms_benchmark *lp = find(run, MS_OVERVIEW_SHARING, NULL, "pipe", "round_trip", NAN);
	const struct ms_benchmark *lm = find(run, MS_OVERVIEW_SHARING, NULL, "mmap_shared_futex",
					     "round_trip", NAN);
	char a[100], b[100];

	if (!tp && !lp) {
		snprintf(out, len, "not measured");
		return;
	}
	ratio_cell(tm, tp, "throughput", a, sizeof(a));
	ratio_cell(lm, lp, "round trip", b, sizeof(b));
	snprintf(out, len, "two processes, a MAP_SHARED region with a futex handshake against a "
		 "pipe: %s (%.0f against %.0f MB/s); %s (%.1f against %.1f µs)", a,
		 tm ? tm->median : NAN, tp ? tp->median : NAN, b, lm ? lm->median / 1e3 : NAN,
		 lp ? lp->median / 1e3 : NAN);
}

/* The seed's table: its title and the rows per file system, for both formats. */
static const char four_rows_title[] = "The seed's table, measured";
static const struct {
	const char *name;
	void (*cell)(const struct ms_run *run, const char *fs, char *out, size_t len);
} fs_rows[] = {
	{ "memory usage", memory_cell },
	{ "performance", perf_cell },
	{ "syncing", sync_cell },
};

static void four_rows_html(const struct ms_run *run, struct ms_text *t)
{
	const char *fs[8];
	size_t nfs = fs_list(run, fs, 8);
	char cell[600];

	ms_text_printf(t, "<h3 id=\"four-rows\">%s</h3>\n<table id=\"rows\" "
		       "class=\"rows\"><thead><tr><th></th>", four_rows_title);
	for (size_t f = 0; f < nfs; f++) {
		ms_text_puts(t, "<th>");
		ms_text_xml(t, fs[f]);
		ms_text_puts(t, "</th>");
	}
	ms_text_puts(t, "</tr></thead><tbody>\n");
	for (size_t r = 0; r < sizeof(fs_rows) / sizeof(fs_rows[0]); r++) {
		ms_text_printf(t, "<tr data-row=\"%s\"><th>%s</th>", fs_rows[r].name,
			       fs_rows[r].name);
		for (size_t f = 0; f < nfs; f++) {
			fs_rows[r].cell(run, fs[f], cell, sizeof(cell));
			ms_text_puts(t, "<td>");
			ms_text_xml(t, cell);
			ms_text_puts(t, "</td>");
		}
		ms_text_puts(t, "</tr>\n");
	}
	share_cell(run, cell, sizeof(cell));
	ms_text_printf(t, "<tr data-row=\"sharing\"><th>sharing</th><td colspan=\"%zu\">",
		       nfs ? nfs : 1);
	ms_text_xml(t, cell);
	ms_text_puts(t, " (anonymous memory: the same for every file system)</td></tr>\n"
			"</tbody></table>\n");
}

static void break_even_html(const struct ms_run *run, struct ms_text *t)
{
	json_t *be = run->extra ? json_object_get(json_object_get(run->extra, "bench"),
						  "break_even") : NULL;
	size_t i;
	json_t *e;

	if (!json_array_size(be))
		return;
	ms_text_puts(t, "<details id=\"break-even\"><summary>Break-even: passes a kept mapping "
			"needs to beat read() per pass</summary><p>First pass = mmap, faults, a sum "
			"of every byte (and one munmap); a kept pass = the sum alone; a read() pass = "
			"the fastest read() block size. The mapping wins from pass N when first + "
			"(N-1) kept &lt; N read(); the interval takes the ends of the three 95% "
			"intervals that favour each side.</p><table><thead><tr><th>fs</th><th>size"
			"</th><th>read() pass</th><th>first mapped pass</th><th>kept pass</th><th>"
			"wins from pass [95%]</th></tr></thead><tbody>\n");
	json_array_foreach(be, i, e) {
		char sz[32], nb[16], lb[16], hb[16];
		json_t *p = json_object_get(e, "passes"), *pl = json_object_get(e, "passes_low");
		json_t *ph = json_object_get(e, "passes_high");

		ms_format_bytes(json_number_value(json_object_get(e, "size")), sz, sizeof(sz));
		snprintf(nb, sizeof(nb), json_is_null(p) ? "never" : "%lld",
			 (long long)json_integer_value(p));
		snprintf(lb, sizeof(lb), json_is_null(pl) ? "never" : "%lld",
			 (long long)json_integer_value(pl));
		snprintf(hb, sizeof(hb), json_is_null(ph) ? "never" : "%lld",
			 (long long)json_integer_value(ph));
		ms_text_puts(t, "<tr class=\"break-even\"><td>");
		ms_text_xml(t, json_string_value(json_object_get(e, "fs")));
		ms_text_printf(t, "</td><td>%s</td><td class=\"num\">%.3g ms</td><td class=\"num\">"
			       "%.3g ms</td><td class=\"num\">%.3g ms</td><td class=\"num\" "
			       "data-passes=\"%s\">%s [%s, %s]</td></tr>\n", sz,
			       1e3 * json_number_value(json_object_get(e, "read_pass_s")),
			       1e3 * json_number_value(json_object_get(e, "first_pass_s")),
			       1e3 * json_number_value(json_object_get(e, "kept_pass_s")), nb, nb, lb,
			       hb);
	}
	ms_text_puts(t, "</tbody></table></details>\n");
}

static size_t drifting_count(const struct ms_run *run)
{
	size_t n = 0;

	for (size_t i = 0; i < run->n_benchmarks; i++)
		n += run->benchmarks[i].drifting;
	return n;
}

static void overview_html(const struct ms_report_input *in, void *model, struct ms_text *t)
{
	const struct ms_run *run = in->run;

	(void)model;
	struct ms_pair_set set;
	size_t drift = drifting_count(run);

	if (!run->n_benchmarks)
		return;
	ms_pairs_build(run, &set);
	ms_text_printf(t, "<section id=\"%s\" data-drifting=\"%zu\"><h2>%s</h2>\n",
		       ms_section_overview.id, drift, ms_section_overview.title);
	if (drift)
		ms_text_printf(t, "<p><span class=\"drifting\">%zu results drifting</span>: their "
			       "samples trended even after a longer warm-up; they take no "
			       "verdict.</p>\n", drift);
	if (set.n)
		forest(run, &set, t);
	four_rows_html(run, t);
	break_even_html(run, t);
	ms_text_puts(t, "</section>\n");
	ms_pairs_free(&set);
}

static void overview_markdown(const struct ms_report_input *in, void *model, struct ms_text *t)
{
	const struct ms_run *run = in->run;

	(void)model;
	const char *fs[8];
	size_t nfs = fs_list(run, fs, 8);
	char cell[600];
	size_t drift = drifting_count(run);

	if (!run->n_benchmarks)
		return;
	ms_text_printf(t, "### %s\n\n", four_rows_title);
	for (size_t f = 0; f < nfs; f++) {
		ms_text_printf(t, "- **%s**\n", fs[f]);
		for (size_t r = 0; r < sizeof(fs_rows) / sizeof(fs_rows[0]); r++) {
			fs_rows[r].cell(run, fs[f], cell, sizeof(cell));
			ms_text_printf(t, "  - %s: %s\n", fs_rows[r].name, cell);
		}
	}
	share_cell(run, cell, sizeof(cell));
	ms_text_printf(t, "- **sharing**: %s\n\n", cell);
	json_t *be = run->extra ? json_object_get(json_object_get(run->extra, "bench"),
						  "break_even") : NULL;
	size_t i;
	json_t *e;

	json_array_foreach(be, i, e) {
		break_even_text(run, json_string_value(json_object_get(e, "fs")),
				json_number_value(json_object_get(e, "size")), cell, sizeof(cell));
		ms_text_printf(t, "%s- %s.\n", i ? "" : "Break-even:\n\n", cell);
	}
	if (json_array_size(be))
		ms_text_puts(t, "\n");
	if (drift) {
		ms_text_printf(t, "**%zu results drifting** (samples trend after a longer warm-up; "
			       "no verdict):", drift);
		for (size_t k = 0; k < run->n_benchmarks; k++) {
			const struct ms_benchmark *b = &run->benchmarks[k];
			char *label;

			if (!b->drifting || !strcmp(b->metric, "fraction_of_read_ceiling"))
				continue;
			label = ms_params_label(b, "placement_pu,profile,iters_per_sample,timed,drift,"
						   "fs_kind,workers");
			ms_text_printf(t, " `%s` %s;", b->bench_case, label);
			free(label);
		}
		ms_text_puts(t, "\n\n");
	}
}

const struct ms_section ms_section_overview = {
	.id = "overview", .title = "mmap against read(), at a glance",
	.markdown = overview_markdown, .html = overview_html,
};

void ms_plot_legend_html(const struct ms_plot *p, struct ms_text *t)
{
	static const char *const dashes[] = { "", "8,4", "2,3", "8,3,2,3", "12,4,2,4" };
	bool panels = !p->time_series && p->n_panels > 1;

	ms_text_printf(t, "<ul class=\"legend\" data-plot=\"%s\">", p->stem);
	for (size_t s = 0; s < p->n_series; s++) {
		const struct ms_series *se = &p->series[s];
		const char *label = panels ? se->short_label : se->label;
		bool seen = false;

		for (size_t k = 0; k < s && panels; k++)
			seen |= ms_streq(p->series[k].short_label, label);
		if (seen)
			continue;
		ms_text_printf(t, "<li><svg width=\"28\" height=\"10\" aria-hidden=\"true\"><line "
			       "x1=\"1\" y1=\"5\" x2=\"27\" y2=\"5\" stroke=\"%s\" stroke-width=\"2.5\" "
			       "stroke-dasharray=\"%s\"/></svg>", ms_method_colour(se->method),
			       dashes[(se->dash - 1) % 5]);
		ms_text_xml(t, label);
		ms_text_puts(t, "</li>");
	}
	ms_text_puts(t, "</ul>\n");
}
