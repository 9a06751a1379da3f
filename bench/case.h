/* What a benchmark case is: a description, typed options with bounds and sweeps, and the
 * setup / run / teardown of one variant. The runner (runner.c) owns everything else:
 * warm-up, timing, repetitions, perf counters, pinning, statistics and output, so the run
 * hook holds nothing but the hot loop. */
#ifndef MMAPSUITE_BENCH_CASE_H
#define MMAPSUITE_BENCH_CASE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overview_role.h"

#define KiB (1024ULL)
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

enum bench_metric {
	BENCH_THROUGHPUT, /* bytes / s, reported in MB/s, higher is better */
	BENCH_LATENCY,    /* ns per operation, lower is better */
	BENCH_RATE,       /* operations / s, higher is better */
	BENCH_VALUE,      /* a quantity the case measures itself (value hook), in case->unit */
};

enum bench_opt_type { BENCH_BYTES, BENCH_COUNT };

/* One swept option. Sweep lists end at 0. The runner drops points outside [min, max] and
 * beyond what the machine holds (memory, free space), and says so. */
struct bench_opt {
	const char *name;
	enum bench_opt_type type;
	uint64_t min, max;
	uint64_t quick[6];
	uint64_t full[12];
	const char *help;
};

/* One measured point: the values a case's plan picked from its sweeps. */
struct bench_variant {
	const char *method;   /* "read", "mmap", "pread", "anon_thp" ... */
	const char *hint;     /* madvise / fadvise hint, "none" when none */
	uint64_t size;        /* file or region bytes */
	uint64_t block_size;  /* bytes per call or per copied block, 0 if not applicable */
	int threads;          /* workers; 1 runs inline in the pinned main thread */
	bool processes;       /* workers are processes instead of threads */
	bool cold;            /* page cache emptied before every sample */
	const char *numa;     /* anonymous memory bound to the pinned CPU's NUMA node
			       * ("local") or to another ("remote"); NULL: not bound */
};

struct bench_run; /* runner_internal.h */

struct bench_ctx {
	const struct bench_variant *v;
	const char *dir;      /* scratch directory on the file system under test */
	const char *fs_kind;  /* "tmpfs", "ext4", "dir" ... */
	void *priv;           /* the case's state: state_size zeroed bytes the runner allocates
			       * before setup and frees after teardown, one per variant */
	/* Work of one iteration of run(); the runner repeats run() iters times per sample
	 * when the case lets it calibrate. Per worker for multi-worker variants. */
	uint64_t ops, bytes;
	uint64_t iters;
	bool fixed_iters;     /* setup sets it when one run() is already a long sample */
	uint64_t max_iters;   /* 0, or the most iters a sample may hold and keep its state */
	/* Time series: keep sampling until this many bytes were moved (so the run gets past
	 * its transient), as well as for the budget; never beyond 4x the budget. */
	uint64_t series_bytes;
	json_t *params;       /* the case may add parameters (e.g. "cache_drop") */
	/* What every sample of the variant measures; setup must set both (the runner refuses
	 * a variant without them, and records them as params.state and params.timed).
	 * state: "first_touch" (a fresh mapping per operation or sample: its faults are in the
	 * timed region), "steady_state" (mapping kept, every page mapped before the timing;
	 * or no mapping at all, on a hot cache), "cold" (page cache emptied before each sample).
	 * timed: what the timed region holds, e.g. "map+fault+read+unmap", "read", "read()". */
	const char *state;
	const char *timed;
	/* The data is mapped by PMD-sized pages (bench_note_pages): its throughput is held to
	 * the read ceiling measured with huge pages, else to the one with base pages. */
	bool pmd_mapped;
	/* Setup asks for the read ceiling to be measured in step with this variant, one
	 * ceiling sample after each of its samples (a kept mapping read end to end, whose
	 * target is the ceiling itself); its fraction is then the per-sample ratio's median. */
	bool ceiling_in_step;
	struct bench_run *run; /* the runner's state, for bench_placement */
	char reason[256];     /* why setup skipped or failed */
	uint64_t sink;        /* results of the hot loop land here, so they are not optimised out */
};

#define BENCH_SKIP 1      /* setup return: not measurable here, reason in ctx->reason */

struct bench_plan;
void bench_plan_add(struct bench_plan *plan, const struct bench_variant *v);
/* The sweep of an option in the current profile, after bounds and machine limits. */
const uint64_t *bench_sweep(const struct bench_plan *plan, const char *opt, size_t *n);
/* Point i of that sweep in *value; false past its last point. */
bool bench_sweep_at(const struct bench_plan *plan, const char *opt, uint64_t i, uint64_t *value);
/* A plan's loop over its "size" sweep: the body sees each point, in order, as the uint64_t
 * named size. */
#define bench_for_each_size(plan, size)                                                     \
	for (uint64_t size, size##_i_ = 0; bench_sweep_at(plan, "size", size##_i_, &size);    \
	     size##_i_++)
int bench_plan_cpus(const struct bench_plan *plan);
bool bench_plan_is_full(const struct bench_plan *plan);
/* True on the first file system of the run: anonymous-memory variants of a file case are
 * planned once, not once per file system. */
bool bench_plan_first_fs(const struct bench_plan *plan);
/* PU os index of worker i's placement (for helper threads a case starts itself). */
int bench_placement(const struct bench_ctx *c, int i);
/* The variant runs on anonymous memory, not on the file system under test: its params
 * say so (fs and fs_kind "anon", cache "n/a"), for the skip list and the report. */
void bench_note_anonymous(struct bench_ctx *c);
/* Binds the calling thread to that PU. */
int bench_bind_to(int pu);

struct bench_case {
	const char *name;
	const char *description;
	enum bench_metric metric;
	const char *metric_name;     /* "throughput", "fault_cost", ... */
	bool needs_fs;               /* false: runs once, on anonymous memory */
	bool calibrate;              /* runner may raise iters so a sample lasts long enough */
	/* Samples are consecutive windows of one evolving run (throughput over time): the
	 * runner records when each ended (params.sample_times_s) and samples for the whole
	 * budget instead of stopping once the interval is tight. */
	bool time_series;
	double budget_scale;         /* share of the profile's per-variant budget (1 = normal) */
	bool no_ceiling;             /* not one core reading memory (two processes): no fraction */
	/* Its mapping variants are compared with its system-call variants: each is sampled in
	 * pairs with its declared partner (bench/partner.h), the partners with themselves. */
	bool paired;
	/* The overview row its results feed in the report (overview_role.h); zero: none. */
	enum ms_overview_role overview;
	/* Its "read", "mmap" (first touch) and "mmap_kept" variants give the break-even of a
	 * kept mapping against read() (break_even.h). */
	bool break_even;
	const struct bench_opt *opts; /* terminated by a zero entry */
	size_t state_size;           /* bytes of per-variant state in ctx->priv, 0 for none */
	void (*plan)(struct bench_plan *plan);
	int (*setup)(struct bench_ctx *c);       /* 0, BENCH_SKIP or -1, reason set */
	void (*prepare)(struct bench_ctx *c);    /* untimed, before every sample */
	int (*run)(struct bench_ctx *c, int worker); /* timed: the hot loop */
	void (*finish)(struct bench_ctx *c);     /* untimed, after every sample */
	void (*teardown)(struct bench_ctx *c);
	/* BENCH_VALUE cases: one sample, measured by the case (not timed by the runner);
	 * negative on failure. unit names what it returns. */
	double (*value)(struct bench_ctx *c);
	const char *unit;
	bool higher_is_better;
};

/* The hooks of a case, by the names its file gives them: a case X declares its options
 * X_opts (`{ { 0 } }` when it has none) and its plan X_plan, keeps its per-variant state in
 * struct X and measures with X_setup, X_run and X_teardown:
 *   const struct bench_case bench_case_X = {
 *           BENCH_HOOKS(X), .prepare = X_prepare,     (prepare and finish only if it has them)
 *           .description = "...",
 *           .metric = BENCH_THROUGHPUT, .metric_name = "throughput",
 *           .needs_fs = true, .calibrate = true,
 *   };
 * BENCH_HOOKS_FROM(X, impl): the state and setup / run / teardown come from a helper file
 * shared by several cases (struct impl, impl_setup ...: cases/seqio.c, cases/sharing.c).
 * BENCH_VALUE_HOOKS(X): a BENCH_VALUE case, X_value in place of X_run. */
#define BENCH_HOOKS_BASE_(X, impl) .name = #X, .opts = X##_opts, .plan = X##_plan,             \
	.state_size = sizeof(struct impl), .setup = impl##_setup, .teardown = impl##_teardown
#define BENCH_HOOKS(X) BENCH_HOOKS_BASE_(X, X), .run = X##_run
#define BENCH_HOOKS_FROM(X, impl) BENCH_HOOKS_BASE_(X, impl), .run = impl##_run
#define BENCH_VALUE_HOOKS(X) BENCH_HOOKS_BASE_(X, X), .value = X##_value

/* The case table, from cases.def. */
#define BENCH_CASE(name, file) extern const struct bench_case bench_case_##name;
#include "cases.def"
#undef BENCH_CASE

/* Helpers for cases (files.c). */
/* A file of c's size in c's directory, filled with non-zero data, clean and in the page
 * cache, opened read-only: the fd, or -1 with c->reason. Shared by cases on the same
 * directory and size (read-only users); removed by the runner. Its path goes to *path
 * when path is not NULL. */
int bench_open_shared_file(struct bench_ctx *c, const char **path);
/* A private file of size bytes (write cases), <dir>/<name>-<serial>.dat in c's directory,
 * filled and clean like a shared one, opened read-write: the fd, or -1 with c->reason. Its
 * path goes to path; the caller unlinks it. The serial (the run's) gives every context its
 * own file: a variant and its partner (partner.c) are set up side by side. */
int bench_create_private_file(struct bench_ctx *c, const char *name, uint64_t size,
			      char *path, size_t len);
/* The file at path, size bytes of non-zero data, clean (fsynced); removed on failure. */
int bench_create_file(const char *path, uint64_t size, char *reason, size_t len);
/* Reads the whole file with read(), so its pages are hot again (a DAMON-style reclaim of
 * idle pages may have taken them). */
int bench_warm_file(const char *path);
/* Empties the page cache of path: drop_caches as root, else fadvise DONTNEED. Returns the
 * method used ("drop_caches" or "fadvise_dontneed"), or NULL with reason. */
const char *bench_drop_cache(const char *path, char *reason, size_t len);
/* Sum of every byte's 16-byte word, read with independent vector accumulators. */
uint64_t bench_sum(const void *p, size_t len);
/* Sets c->pmd_mapped (and params.pages: "pmd" or "base") from /proc/self/smaps: true when
 * at least half of the faulted range is mapped by PMDs. */
void bench_note_pages(struct bench_ctx *c, const void *addr, size_t len);
void bench_fill(void *p, size_t len);

/* NUMA placement for variants with numa set (numa.c). bench_numa_setup, from setup: picks
 * the node (-1 when the variant has no numa) and records params.numa and numa_placement
 * {cpu_node, memory_node, membind, memory_node_found} (nodes by OS index); BENCH_SKIP on
 * one node for "remote", -1 when the kernel refuses the binding. bench_numa_bind binds a
 * fresh range before its first touch (0 or -1, reason set). bench_numa_check records the
 * node the touched pages were found on. */
int bench_numa_setup(struct bench_ctx *c, int *node);
int bench_numa_bind(struct bench_ctx *c, void *addr, size_t len, int node);
void bench_numa_check(struct bench_ctx *c, const void *addr, size_t len, int node);

#endif
