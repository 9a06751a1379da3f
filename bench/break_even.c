#include "break_even.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Remembers the throughputs (MB/s) a break-even needs. read(): the block size that reads
 * fastest; mapping: no hint. */
void bench_break_even_note(struct bench_break_even *be, const struct bench_case *bc,
			   const struct bench_ctx *ctx, const char *fs_label,
			   const struct ms_summary *s, bool unsteady, const json_t *paired)
{
	const struct bench_variant *v = ctx->v;
	struct bench_pass_cost *pc = NULL;
	bool read = !strcmp(v->method, "read");

	if (!bc->break_even || (!read && strcmp(v->hint, "none")))
		return;
	for (int i = 0; i < be->n; i++)
		if (!strcmp(be->pass[i].fs, fs_label) && be->pass[i].size == v->size)
			pc = &be->pass[i];
	if (!pc) {
		if (be->n == (int)(sizeof(be->pass) / sizeof(be->pass[0])))
			return;
		pc = &be->pass[be->n++];
		memset(pc, 0, sizeof(*pc));
		snprintf(pc->fs, sizeof(pc->fs), "%s", fs_label);
		pc->size = v->size;
	}
	if (read && pc->read.set && pc->read.median >= s->median)
		return;
	if (!read && strcmp(v->method, "mmap") && strcmp(v->method, "mmap_kept"))
		return;
	if (!read && json_is_number(json_object_get(paired, "ratio")) &&
	    !json_is_true(json_object_get(paired, "control"))) {
		json_t *partner = json_object_get(paired, "partner");
		__typeof__(pc->first_paired) *pr = !strcmp(v->method, "mmap") ?
						   &pc->first_paired : &pc->kept_paired;

		pr->ratio = json_number_value(json_object_get(paired, "ratio"));
		pr->lo = json_number_value(json_object_get(paired, "ci_low"));
		pr->hi = json_number_value(json_object_get(paired, "ci_high"));
		pr->block_size = json_number_value(json_object_get(partner, "block_size"));
		pr->set = true;
	}
	if (read) {
		pc->read.median = s->median, pc->read.lo = s->ci_low, pc->read.hi = s->ci_high;
		pc->read.set = true, pc->read.unsteady = unsteady;
	} else if (!strcmp(v->method, "mmap")) {
		pc->first.median = s->median, pc->first.lo = s->ci_low, pc->first.hi = s->ci_high;
		pc->first.set = true, pc->first.unsteady = unsteady;
	} else {
		pc->kept.median = s->median, pc->kept.lo = s->ci_low, pc->kept.hi = s->ci_high;
		pc->kept.set = true, pc->kept.unsteady = unsteady;
	}
}

/* f + (N-1) k < N r, with f the first pass through a fresh mapping (mmap, faults, sum; its
 * munmap too, so once), k a pass over the kept mapping and r a read() pass. */
double bench_break_even_passes(double f, double k, double r)
{
	if (f <= r)
		return 1;
	if (k >= r)
		return 0;
	return floor((f - k) / (r - k)) + 1;
}

static const char *pass_str(double n, char *buf, size_t len)
{
	if (!n)
		return "never";
	snprintf(buf, len, "%.0f", n);
	return buf;
}

json_t *bench_break_even_json(const struct bench_break_even *be)
{
	json_t *a = json_array();

	for (int i = 0; i < be->n; i++) {
		const struct bench_pass_cost *pc = &be->pass[i];
		double mb = pc->size / 1e6;

		if (!pc->read.set || !pc->first.set || !pc->kept.set)
			continue;
		/* Seconds per pass from MB/s; the interval takes the ends of the three
		 * throughputs' 95% intervals that favour each side. Paired: in read() passes,
		 * from the two mappings' paired ratios to the same read() variant and the ends
		 * of their intervals. */
		bool paired = pc->first_paired.set && pc->kept_paired.set &&
			      pc->first_paired.block_size == pc->kept_paired.block_size;
		double n, best, worst;
		if (paired) {
			n = bench_break_even_passes(1 / pc->first_paired.ratio,
						    1 / pc->kept_paired.ratio, 1);
			best = bench_break_even_passes(1 / pc->first_paired.hi,
						       1 / pc->kept_paired.hi, 1);
			worst = bench_break_even_passes(1 / pc->first_paired.lo,
							1 / pc->kept_paired.lo, 1);
		} else {
			n = bench_break_even_passes(mb / pc->first.median, mb / pc->kept.median,
						    mb / pc->read.median);
			best = bench_break_even_passes(mb / pc->first.hi, mb / pc->kept.hi,
						       mb / pc->read.lo);
			worst = bench_break_even_passes(mb / pc->first.lo, mb / pc->kept.lo,
							mb / pc->read.hi);
		}
		json_t *e = json_pack("{s:s, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:b}", "fs", pc->fs,
			"size", (json_int_t)pc->size, "read_MBps", pc->read.median,
			"first_pass_MBps", pc->first.median, "kept_pass_MBps", pc->kept.median,
			"first_pass_s", mb / pc->first.median, "kept_pass_s", mb / pc->kept.median,
			"read_pass_s", mb / pc->read.median, "unsteady", pc->read.unsteady ||
			pc->first.unsteady || pc->kept.unsteady);

		if (paired)
			json_object_set_new(e, "paired", json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, "
				"s:f}", "read_block_size", (json_int_t)pc->first_paired.block_size,
				"first_over_read", pc->first_paired.ratio, "first_low",
				pc->first_paired.lo, "first_high", pc->first_paired.hi,
				"kept_over_read", pc->kept_paired.ratio, "kept_low",
				pc->kept_paired.lo, "kept_high", pc->kept_paired.hi));
		/* 0 = never; null where an end of the interval is never. */
		json_object_set_new(e, "passes", n ? json_integer((json_int_t)n) : json_null());
		json_object_set_new(e, "passes_low", best ? json_integer((json_int_t)best) :
				    json_null());
		json_object_set_new(e, "passes_high", worst ? json_integer((json_int_t)worst) :
				    json_null());
		json_array_append_new(a, e);
		char nb[24], bb[24], wb[24];

		fprintf(stderr, "  break-even    %-6s %6.0f MiB: a kept mapping beats read() per pass "
			"%s%s, 95%% [%s, %s]%s\n", pc->fs, pc->size / (double)MiB,
			n ? "from pass " : "", pass_str(n, nb, sizeof(nb)), pass_str(best, bb, sizeof(bb)),
			pass_str(worst, wb, sizeof(wb)), json_is_true(json_object_get(e,
			"unsteady")) ? " (from noisy or drifting results)" : "");
	}
	return a;
}
