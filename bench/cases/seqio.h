/* Sequential whole-file reads, shared by seq_read (hot cache) and cold_read. */
#ifndef MMAPSUITE_BENCH_SEQIO_H
#define MMAPSUITE_BENCH_SEQIO_H

#include "case.h"

/* method "read": read() into a block_size buffer; "mmap" / "mmap_populate": map, madvise
 * the hint, unmap. Every byte is consumed (summed) in both, as an application would. */
int seqio_setup(struct bench_ctx *c);
int seqio_run(struct bench_ctx *c, int worker);
void seqio_teardown(struct bench_ctx *c);
/* Applies the hint of the variant; returns 0 or -1 with errno. */
int seqio_madvise(const char *hint, void *p, size_t len);
int seqio_fadvise(const char *hint, int fd);

#endif
