/* Sequential whole-file reads, shared by seq_read (hot cache) and cold_read. */
#ifndef MMAPSUITE_BENCH_SEQIO_H
#define MMAPSUITE_BENCH_SEQIO_H

#include "case.h"

/* method "read": read() into a block_size buffer; "mmap" / "mmap_populate": map, madvise
 * the hint, sum, unmap in every pass (first touch); "mmap_kept": mapped, advised and faulted
 * in setup, each pass sums it (steady state, lmbench's mmap_only). Every byte is consumed
 * (summed), as an application would. */
int seqio_setup(struct bench_ctx *c);
int seqio_run(struct bench_ctx *c, int worker);
void seqio_teardown(struct bench_ctx *c);
/* The madvise advice a hint names, -1 for "none" (resolved in setup, never in run()). */
int seqio_advice(const char *hint);
int seqio_fadvise(const char *hint, int fd);

#endif
