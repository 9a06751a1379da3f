/* Sequential whole-file reads, shared by seq_read (hot cache) and cold_read. */
#ifndef MMAPSUITE_BENCH_SEQIO_H
#define MMAPSUITE_BENCH_SEQIO_H

#include "case.h"

enum seqio_method { SEQ_READ, SEQ_MMAP, SEQ_MMAP_POPULATE, SEQ_MMAP_KEPT };

/* The state of one variant (bench_case.state_size of the cases that use seqio). */
struct seqio {
	int fd;
	char *buf;
	char *kept;           /* SEQ_MMAP_KEPT: the mapping, made and faulted in setup */
	const char *path;
	enum seqio_method method;
	int advice;           /* madvise advice, -1 for none */
	int map_flags;
};

/* method "read": read() into a block_size buffer; "mmap" / "mmap_populate": map, madvise
 * the hint, sum, unmap in every pass (first touch); "mmap_kept": mapped, advised and faulted
 * in setup, each pass sums it (steady state, lmbench's mmap_only). Every byte is consumed
 * (summed), as an application would. A cold variant (cold_read, whose prepare empties the
 * page cache) is skipped on tmpfs and takes one pass per sample. */
int seqio_setup(struct bench_ctx *c);
int seqio_run(struct bench_ctx *c, int worker);
void seqio_teardown(struct bench_ctx *c);

#endif
