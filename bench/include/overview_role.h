/* The row of the report's overview ("the seed's table, measured": memory usage, performance,
 * syncing, sharing) that a benchmark case feeds. Each case declares it in its own
 * declaration (`.overview` in struct bench_case, bench/case.h); reports/overview.c asks for
 * the role of a record's case and never matches case names. The methods and metrics each
 * row reads are part of the role's contract, listed here: a case that takes a role records
 * them under these names. */
#ifndef MMAPSUITE_BENCH_OVERVIEW_ROLE_H
#define MMAPSUITE_BENCH_OVERVIEW_ROLE_H

enum ms_overview_role {
	MS_OVERVIEW_NONE,        /* not in the overview (the default of a case) */
	MS_OVERVIEW_MEMORY,      /* ram_per_byte of methods read and mmap */
	MS_OVERVIEW_PERFORMANCE, /* throughput of mmap_kept, mmap and read (the break-even) */
	MS_OVERVIEW_SYNCING,     /* throughput of write_fdatasync, mmap_store_msync,
				  * mmap_store_kept_msync */
	MS_OVERVIEW_SHARING,     /* anonymous, no file system: throughput and round_trip of
				  * pipe and mmap_shared_futex */
};

/* The role the case named case_name declares; MS_OVERVIEW_NONE for a case this build does
 * not know (an older or newer run's) or when the benchmark runner is not built in. */
enum ms_overview_role ms_bench_overview_role(const char *case_name);

#endif
