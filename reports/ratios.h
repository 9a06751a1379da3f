/* mmap against read(): the question the suite exists to answer, read off results.json.
 *
 * A pair is a mapping method (params.method "mmap", "mmap_populate", "mmap_store_msync"...)
 * and a system-call method (read, pread, write, write_fdatasync, fio's psync) measured by the
 * same case with the same metric under the same conditions: every parameter equal except
 * the ones that say how the data is reached (method, hint, block size) and the runner's
 * bookkeeping (iterations per sample, placement). Durable methods (a msync, fsync or
 * fdatasync in the name) are only paired with durable ones. Per mapping variant the report
 * shows the ratio against the best system-call variant of its group and, where there is
 * exactly one, against the like-for-like one (same block size and the same advice:
 * MADV_SEQUENTIAL against POSIX_FADV_SEQUENTIAL, none against none). */
#ifndef MMAPSUITE_REPORTS_RATIOS_H
#define MMAPSUITE_REPORTS_RATIOS_H

#include <stdbool.h>
#include <stddef.h>

#include "paired.h"
#include "results.h"
#include "stats.h"
#include "text.h"

enum ms_verdict {
	MS_VERDICT_NONE,        /* the 95% interval of the ratio contains 1 */
	MS_VERDICT_MMAP,        /* mmap significantly faster */
	MS_VERDICT_SYSCALL,     /* the system call significantly faster */
	MS_VERDICT_UNKNOWN,     /* fewer than two samples on a side */
};

struct ms_mmap_pair {
	char *bench_case;       /* "seq_read"; "fidelity/mmapsuite", "fidelity/fio" */
	char *fs;
	char *conditions;       /* the group's parameters for people: "size=4 MiB threads=1" */
	char *map_label;        /* "mmap MADV_SEQUENTIAL", "mmap_store_msync bs=4 KiB" */
	char *sys_label;        /* "read bs=1 MiB", "pread POSIX_FADV_RANDOM bs=4 KiB" */
	char *sys_name;         /* for verdicts: "read()", "write()+fdatasync()" */
	long map_index, sys_index; /* into run->benchmarks; -1 for the fidelity section */
	bool best, same;        /* the best system-call variant; the like-for-like one */
	bool higher_is_better;
	double map_median, sys_median;
	const char *unit;
	size_t n_map, n_sys;
	struct ms_ratio r;      /* mmap / system call, medians, 95% bootstrap interval */
	enum ms_verdict verdict;
	bool drifting;          /* either side's samples trend: no verdict */
	char verdict_text[80];  /* "mmap 2.31x faster", "read() 1.42x faster" */
	/* Sampled in pairs (the mapping's "paired" record names this system-call variant):
	 * r is then the geometric mean of the per-pair ratios with its t interval. */
	bool paired;
	size_t n_pairs;
	double half_width;      /* relative, of r */
	char moved[120];        /* above the target half-width: which side moved, else "" */
};

/* Fraction of the memory-read ceiling reached by the best hot mapping variant and the best
 * hot read() variant of one group (fraction_of_read_ceiling records). */
struct ms_ceiling_row {
	char *bench_case, *fs, *conditions;
	double ceiling_mbps, ceiling_size; /* read()'s (base pages) */
	double map_ceiling_mbps;           /* the mapping's: differs where its data is PMD-mapped */
	char *map_ceiling_pages;           /* "pmd", "base", or NULL (older results) */
	long map_index, sys_index; /* best of each kind, -1 when the group has none */
	char *map_label, *sys_label;
};

struct ms_pair_set {
	const struct ms_run *run;
	struct ms_mmap_pair *pairs;
	size_t n;
	struct ms_ceiling_row *ceiling;
	size_t n_ceiling;
	/* A/A controls (a variant paired with itself): how many, and how many of their 95%
	 * intervals hold 1. */
	size_t n_control, n_control_cover;
};

/* Target of a paired ratio's relative half-width (the runner's). */
#define MS_PAIRED_TARGET 0.02

/* True when m was sampled in pairs with s (m's "paired" record names s's method, hint and
 * block size, and is not an A/A control): *out is then the paired ratio m/s. */
bool ms_paired_of(const struct ms_benchmark *m, const struct ms_benchmark *s,
		  struct ms_paired *out);

void ms_pairs_build(const struct ms_run *run, struct ms_pair_set *set);
void ms_pairs_free(struct ms_pair_set *set);

/* Verdict as a short word for data attributes and CSS: "mmap", "syscall", "none", "unknown". */
const char *ms_verdict_word(enum ms_verdict v);

#endif
