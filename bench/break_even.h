/* The break-even of a kept mapping against read(): how many passes over a file a mapping
 * kept open needs before it has cost less than reading the file with read() each time. Taken
 * from the variants of the case that declares .break_even (seq_read): its best read(), its
 * plain first-touch mapping ("mmap") and its plain kept mapping ("mmap_kept"), per file system
 * and size. results.json: bench.break_even. */
#ifndef MMAPSUITE_BENCH_BREAK_EVEN_H
#define MMAPSUITE_BENCH_BREAK_EVEN_H

#include "case.h"
#include "stats.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* What the break-even is computed from: per fs and size, the best read(), the plain
 * first-touch mapping and the plain kept mapping. */
struct bench_pass_cost {
	char fs[64];
	uint64_t size;
	struct { double median, lo, hi; bool set, unsteady; } read, first, kept;
	/* The mappings' paired ratios to their declared read() partner (throughput
	 * mmap / read()): the break-even is taken from these when both exist. */
	struct { double ratio, lo, hi, block_size; bool set; } first_paired, kept_paired;
};

struct bench_break_even {
	struct bench_pass_cost pass[64];
	int n;
};

/* Notes a measured variant (s: its summary in MB/s; unsteady: noisy or drifting; paired: its
 * results.json "paired" object or NULL). Only variants of a case with .break_even count. */
void bench_break_even_note(struct bench_break_even *be, const struct bench_case *bc,
			   const struct bench_ctx *ctx, const char *fs_label,
			   const struct ms_summary *s, bool unsteady, const json_t *paired);

/* Passes N a kept mapping needs to beat read() per pass (seconds per pass of the first
 * mapping f, of the kept mapping k and of read() r): 1 when the first pass already wins, 0
 * (never) when a kept pass is not faster than a read() pass. */
double bench_break_even_passes(double f, double k, double r);

/* The break-even of every fs and size with all three noted, as results.json's array; each is
 * also printed on stderr. */
json_t *bench_break_even_json(const struct bench_break_even *be);

#endif
