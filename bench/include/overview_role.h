/* The row of the report's overview ("the seed's table, measured": memory usage, performance,
 * syncing, sharing) that a benchmark case feeds. Each case declares it in its own
 * declaration (`.overview` in struct bench_case, bench/case.h); the runner records it with
 * each result (results.json "overview"), reports/overview.c reads it there and never matches
 * case names. The methods and metrics each
 * row reads are part of the role's contract, listed here: a case that takes a role records
 * them under these names. */
#ifndef MMAPSUITE_BENCH_OVERVIEW_ROLE_H
#define MMAPSUITE_BENCH_OVERVIEW_ROLE_H

#include <string.h>

enum ms_overview_role {
	MS_OVERVIEW_NONE,        /* not in the overview (the default of a case) */
	MS_OVERVIEW_MEMORY,      /* ram_per_byte of methods read and mmap */
	MS_OVERVIEW_PERFORMANCE, /* throughput of mmap_kept, mmap and read (the break-even) */
	MS_OVERVIEW_SYNCING,     /* throughput of write_fdatasync, mmap_store_msync,
				  * mmap_store_kept_msync */
	MS_OVERVIEW_SHARING,     /* anonymous, no file system: throughput and round_trip of
				  * pipe and mmap_shared_futex */
};

/* The role's name in results.json (a benchmark's "overview"), and the role a name stands
 * for: MS_OVERVIEW_NONE for "none" and for a name this build does not know (a newer run's).
 * Here rather than in bench/, so the report reads them in a build without the runner. */
static inline const char *ms_overview_role_name(enum ms_overview_role role)
{
	static const char *const names[] = { "none", "memory", "performance", "syncing",
					      "sharing" };

	return (unsigned)role < sizeof(names) / sizeof(names[0]) ? names[role] : "none";
}

static inline enum ms_overview_role ms_overview_role_named(const char *name)
{
	for (int r = MS_OVERVIEW_NONE; r <= MS_OVERVIEW_SHARING; r++)
		if (!strcmp(name, ms_overview_role_name((enum ms_overview_role)r)))
			return (enum ms_overview_role)r;
	return MS_OVERVIEW_NONE;
}

/* The role the case named case_name declares in this build, for results that do not record
 * theirs; MS_OVERVIEW_NONE for a case this build does not know (an older or newer run's) or
 * when the benchmark runner is not built in. */
enum ms_overview_role ms_bench_overview_role(const char *case_name);

#endif
