/* The benchmark runner: plans each case's variants from its sweeps, then measures each one
 * the same way: set up, warm up (and calibrate), then samples until the median's 95%
 * interval is tight enough or the time budget is spent, with perf counters around the timed
 * region only, workers pinned through hwloc and started through one gate. */
#include "runner_internal.h"

#include "paired.h"
#include "partner.h"

#include "perf.h"
#include "results.h"
#include "stats.h"
#include "topo.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const struct bench_case *const all_cases[] = {
#define BENCH_CASE(name, file) &bench_case_##name,
#include "cases.def"
#undef BENCH_CASE
};
#define N_CASES (sizeof(all_cases) / sizeof(all_cases[0]))

static const struct bench_profile profiles[] = {
	{ "quick", 0.25, 5, 40, 0.002 },
	{ "full", 2.5, 10, 400, 0.010 },
	/* For emulated CPUs (QEMU TCG) with counters: small sizes (see pmu_sizes), three
	 * samples of one iteration each, so a sample's count is one pass over the data. */
	{ "pmu", 0.05, 3, 3, 0 },
};

/* The pmu profile's sizes: the same work and twice it. */
static const uint64_t pmu_sizes[] = { 4 * MiB, 8 * MiB, 0 };

#define MAX_VARIANTS 128
#define MAX_SWEEP 12
/* A paired variant samples two sides per pair: its own share of the run's shared paired
 * budget is this many budgets of its case (bench_pair_allowance), and it brings
 * PAIR_POOL_SHARE more into the pool, which only the comparisons that can reach the target
 * with it spend (bench_pair_goes_on): the time a partner no longer takes on its own. */
#define PAIR_BUDGET 1.0
#define PAIR_POOL_SHARE 0.5
/* A paired comparison may take this many times the profile's maximum number of samples in
 * pairs: the noisiest (the sub-microsecond ones, the smallest writes) need the most. */
#define PAIR_MAX_SCALE 2

struct bench_plan {
	const struct bench_case *bc;
	const struct bench_profile *profile;
	struct bench_variant variants[MAX_VARIANTS];
	int n;
	const char *opt_names[8];
	uint64_t sweeps[8][MAX_SWEEP];
	size_t sweep_n[8];
	int n_opts;
	int cpus;
	bool first_fs;
};

/* The machine's memory; the runner plans within a quarter of it. */
static uint64_t bench_memory_bytes(void)
{
	struct sysinfo si;

	if (sysinfo(&si))
		return 0;
	return (uint64_t)si.totalram * si.mem_unit;
}

uint64_t bench_free_bytes(const char *dir)
{
	struct statvfs sv;

	if (statvfs(dir, &sv))
		return 0;
	return (uint64_t)sv.f_bavail * sv.f_frsize;
}

void bench_plan_add(struct bench_plan *plan, const struct bench_variant *v)
{
	if (plan->n == MAX_VARIANTS)
		return;
	plan->variants[plan->n] = *v;
	if (!plan->variants[plan->n].hint)
		plan->variants[plan->n].hint = "none";
	if (plan->variants[plan->n].threads < 1)
		plan->variants[plan->n].threads = 1;
	plan->n++;
}

const uint64_t *bench_sweep(const struct bench_plan *plan, const char *opt, size_t *n)
{
	for (int i = 0; i < plan->n_opts; i++) {
		if (!strcmp(plan->opt_names[i], opt)) {
			*n = plan->sweep_n[i];
			return plan->sweeps[i];
		}
	}
	*n = 0;
	return NULL;
}

bool bench_sweep_at(const struct bench_plan *plan, const char *opt, uint64_t i, uint64_t *value)
{
	size_t n;
	const uint64_t *points = bench_sweep(plan, opt, &n);

	if (i >= n)
		return false;
	*value = points[i];
	return true;
}

int bench_plan_cpus(const struct bench_plan *plan)
{
	return plan->cpus;
}

bool bench_plan_first_fs(const struct bench_plan *plan)
{
	return plan->first_fs;
}

int bench_placement(const struct bench_ctx *c, int i)
{
	return c->run->placement[i % c->run->n_placement];
}

void bench_note_anonymous(struct bench_ctx *c)
{
	json_object_set_new(c->params, "fs", json_string("anon"));
	json_object_set_new(c->params, "fs_kind", json_string("anon"));
	json_object_set_new(c->params, "cache", json_string("n/a"));
}

int bench_bind_to(int pu)
{
	return ms_topo_bind_thread(pu);
}

bool bench_plan_is_full(const struct bench_plan *plan)
{
	return !strcmp(plan->profile->name, "full");
}

static const struct bench_case *find_case(const char *name)
{
	for (size_t i = 0; i < N_CASES; i++)
		if (!strcmp(all_cases[i]->name, name))
			return all_cases[i];
	return NULL;
}

static const struct bench_profile *find_profile(const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (!strcmp(profiles[i].name, name ? name : "quick"))
			return &profiles[i];
	return NULL;
}

static char *size_str(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= GiB && bytes % GiB == 0)
		snprintf(buf, len, "%lluG", (unsigned long long)(bytes / GiB));
	else if (bytes >= MiB && bytes % MiB == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(bytes / MiB));
	else if (bytes >= KiB && bytes % KiB == 0)
		snprintf(buf, len, "%lluK", (unsigned long long)(bytes / KiB));
	else
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
	return buf;
}

/* The sweeps of a case for one file system: profile points within the option's bounds,
 * and sizes within what memory and the file system hold. Dropped points are recorded. */
static void make_plan(struct bench_run *run, struct bench_plan *plan,
		      const struct bench_case *bc, const char *dir, const char *fs_label,
		      bool first_fs)
{
	uint64_t size_limit = bench_memory_bytes() / 4;

	memset(plan, 0, sizeof(*plan));
	plan->bc = bc;
	plan->profile = run->profile;
	plan->cpus = run->n_placement;
	plan->first_fs = first_fs;
	if (dir) {
		uint64_t free_bytes = bench_free_bytes(dir) / 10 * 9;

		if (free_bytes < size_limit)
			size_limit = free_bytes;
	}
	if (run->max_size && dir && run->max_size < size_limit)
		size_limit = run->max_size;
	for (const struct bench_opt *o = bc->opts; o && o->name && plan->n_opts < 8; o++) {
		const uint64_t *pts = bench_plan_is_full(plan) ? o->full : o->quick;

		if (!strcmp(run->profile->name, "pmu") && !strcmp(o->name, "size"))
			pts = pmu_sizes;
		int k = plan->n_opts++;

		plan->opt_names[k] = o->name;
		for (int i = 0; i < MAX_SWEEP && pts[i]; i++) {
			bool fits = pts[i] >= o->min && pts[i] <= o->max;
			char b[32];

			if (fits && !strcmp(o->name, "size") && pts[i] > size_limit) {
				json_array_append_new(run->dropped, json_pack("{s:s, s:s, s:s, s:s}",
					"case", bc->name, "fs", fs_label, "size",
					size_str(pts[i], b, sizeof(b)), "reason",
					"larger than a quarter of memory, the free space or --max-size"));
				fits = false;
			}
			if (fits && plan->sweep_n[k] < MAX_SWEEP)
				plan->sweeps[k][plan->sweep_n[k]++] = pts[i];
		}
	}
	bc->plan(plan);
}

/* ---- workers: threads or processes, pinned, started through one gate ---- */

struct gate {
	atomic_int ready;
	atomic_int open;
	atomic_int failed;
	double end[MAX_CPUS];
};

struct worker_arg {
	const struct bench_case *bc;
	struct bench_ctx *ctx;
	struct gate *gate;
	int index;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void worker_body(struct worker_arg *a)
{
	ms_topo_bind_thread(bench_placement(a->ctx, a->index));
	atomic_fetch_add(&a->gate->ready, 1);
	while (!atomic_load(&a->gate->open))
		sched_yield();
	for (uint64_t i = 0; i < a->ctx->iters; i++)
		if (a->bc->run(a->ctx, a->index))
			atomic_store(&a->gate->failed, 1);
	a->gate->end[a->index] = now_s();
}

static void *worker_thread(void *p)
{
	worker_body(p);
	return NULL;
}

/* One timed sample. Returns seconds, or -1 when run() failed. */
static double timed_sample(struct bench_ctx *ctx, const struct bench_case *bc)
{
	struct ms_perf_group *perf = &ctx->run->perf;
	int n = ctx->v->threads;
	struct gate *gate;
	double t0, t1;

	if (n == 1) {
		int failed = 0;

		ms_perf_start(perf);
		t0 = now_s();
		for (uint64_t i = 0; i < ctx->iters; i++)
			failed |= bc->run(ctx, 0);
		t1 = now_s();
		ms_perf_stop(perf);
		return failed ? -1 : t1 - t0;
	}
	/* Shared memory so the same gate serves forked workers. */
	gate = mmap(NULL, sizeof(*gate), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	if (gate == MAP_FAILED)
		return -1;
	memset(gate, 0, sizeof(*gate));
	pthread_t tids[MAX_CPUS];
	pid_t pids[MAX_CPUS];
	struct worker_arg args[MAX_CPUS];

	for (int i = 0; i < n; i++) {
		args[i] = (struct worker_arg){ bc, ctx, gate, i };
		if (ctx->v->processes) {
			pids[i] = fork();
			if (pids[i] == 0) {
				worker_body(&args[i]);
				_exit(atomic_load(&gate->failed) ? 1 : 0);
			}
			if (pids[i] < 0)
				atomic_store(&gate->failed, 1);
		} else if (pthread_create(&tids[i], NULL, worker_thread, &args[i])) {
			ms_die(1, "cannot create worker thread %d: %s", i, strerror(errno));
		}
	}
	while (atomic_load(&gate->ready) < n && !atomic_load(&gate->failed))
		sched_yield();
	ms_perf_start(perf);
	t0 = now_s();
	atomic_store(&gate->open, 1);
	for (int i = 0; i < n; i++) {
		int status;

		if (!ctx->v->processes)
			pthread_join(tids[i], NULL);
		else if (pids[i] > 0 && (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
					 WEXITSTATUS(status)))
			atomic_store(&gate->failed, 1);
	}
	ms_perf_stop(perf);
	t1 = t0;
	for (int i = 0; i < n; i++)
		if (gate->end[i] > t1)
			t1 = gate->end[i];
	int failed = atomic_load(&gate->failed);

	munmap(gate, sizeof(*gate));
	return failed ? -1 : t1 - t0;
}

/* ---- one variant ---- */

static const char *unit_of(const struct bench_case *bc)
{
	enum bench_metric m = bc->metric;

	return m == BENCH_VALUE ? bc->unit : m == BENCH_THROUGHPUT ? "MB/s" :
	       m == BENCH_LATENCY ? "ns/op" : "ops/s";
}

static bool higher_is_better(const struct bench_case *bc)
{
	return bc->metric == BENCH_VALUE ? bc->higher_is_better : bc->metric != BENCH_LATENCY;
}

static double sample_value(const struct bench_case *bc, const struct bench_ctx *ctx, double s)
{
	double work = (double)ctx->iters * ctx->v->threads;

	switch (bc->metric) {
	case BENCH_THROUGHPUT:
		return ctx->bytes * work / s / 1e6;
	case BENCH_LATENCY:
		return s * 1e9 / (ctx->ops * (double)ctx->iters);
	default:
		return ctx->ops * work / s;
	}
}

static json_t *variant_params(const struct bench_ctx *ctx, const char *fs_label)
{
	const struct bench_variant *v = ctx->v;
	json_t *p = json_object(), *place = json_array();

	json_object_set_new(p, "fs", json_string(fs_label));
	json_object_set_new(p, "fs_kind", json_string(ctx->fs_kind ? ctx->fs_kind : "anon"));
	json_object_set_new(p, "method", json_string(v->method));
	json_object_set_new(p, "hint", json_string(v->hint));
	json_object_set_new(p, "size", json_integer(v->size));
	if (v->block_size)
		json_object_set_new(p, "block_size", json_integer(v->block_size));
	json_object_set_new(p, "threads", json_integer(v->threads));
	json_object_set_new(p, "workers", json_string(v->processes ? "processes" : "threads"));
	if (ctx->fs_kind)
		json_object_set_new(p, "cache", json_string(v->cold ? "cold" : "hot"));
	for (int i = 0; i < v->threads; i++)
		json_array_append_new(place, json_integer(bench_placement(ctx, i)));
	json_object_set_new(p, "placement_pu", place);
	json_object_set_new(p, "profile", json_string(ctx->run->profile->name));
	json_object_set_new(p, "state", json_string(ctx->state));
	json_object_set_new(p, "timed", json_string(ctx->timed));
	json_object_update(p, ctx->params);
	return p;
}

static int event_index(const struct bench_run *run, const char *key)
{
	for (int i = 0; i < run->perf.n; i++)
		if (!strcmp(run->event_keys[i], key))
			return i;
	return -1;
}

/* An event's total over the samples, or -1 when it was not counted. */
static double counted_total(const struct bench_run *run, const struct ms_perf_total *totals,
			    const char *key)
{
	int i = event_index(run, key);

	if (i < 0 || run->perf.ev[i].fd < 0 || !ms_perf_total_counted(&totals[i]))
		return -1;
	return ms_perf_total_scaled(&totals[i]);
}

/* Why a result is what it is, per operation (per page for the fault cases): cycles,
 * instructions, IPC, dTLB misses per 4 KiB touched, and page faults, which always exist.
 * Only what was counted appears. */
static json_t *derived_json(const struct bench_run *run, const struct ms_perf_total *totals,
			    uint64_t ops, uint64_t bytes, const char *unit_of_op)
{
	json_t *d = json_object();
	double cyc = counted_total(run, totals, "cycles");
	double ins = counted_total(run, totals, "instructions");
	double insu = counted_total(run, totals, "instructions:u");
	double tlb = counted_total(run, totals, "dTLB-load-misses");
	double pf = counted_total(run, totals, "page-faults");

	if (!ops)
		return d;
	json_object_set_new(d, "per", json_string(unit_of_op ? unit_of_op : "op"));
	if (pf >= 0)
		json_object_set_new(d, "page_faults_per_op", json_real(pf / ops));
	if (cyc >= 0)
		json_object_set_new(d, "cycles_per_op", json_real(cyc / ops));
	if (ins >= 0)
		json_object_set_new(d, "instructions_per_op", json_real(ins / ops));
	if (cyc > 0 && ins >= 0)
		json_object_set_new(d, "ipc", json_real(ins / cyc));
	if (ins >= 0 && bytes)
		json_object_set_new(d, "instructions_per_byte", json_real(ins / bytes));
	if (insu >= 0 && bytes)
		json_object_set_new(d, "user_instructions_per_byte", json_real(insu / bytes));
	if (tlb >= 0 && bytes >= 4096)
		json_object_set_new(d, "dtlb_misses_per_4KiB", json_real(tlb / (bytes / 4096.0)));
	return d;
}

/* Every event: its encoding, and its count scaled to the time it was enabled with the
 * fraction of that time it was counted; "not_counted" when it never was (no value), or
 * "unavailable" with the reason when it did not open. */
static json_t *counters_json(const struct bench_run *run, const struct ms_perf_total *totals,
			     uint64_t ops, uint64_t bytes, const char *unit_of_op)
{
	json_t *c = json_object();

	for (int i = 0; i < run->perf.n; i++) {
		const struct ms_perf_event *ev = &run->perf.ev[i];
		const struct ms_perf_total *t = &totals[i];
		json_t *e;

		if (ev->fd < 0) {
			e = json_pack("{s:s}", "unavailable", ev->unavailable);
			if (ev->err)
				json_object_set_new(e, "errno", json_string(strerrorname_np(ev->err)));
		} else if (!ms_perf_total_counted(t)) {
			e = json_pack("{s:s, s:I}", "not_counted", "never on a counter while "
				      "enabled (more events than counters)", "enabled_ns",
				      (json_int_t)t->enabled);
		} else {
			double total = ms_perf_total_scaled(t);

			e = json_pack("{s:I, s:I, s:f, s:I, s:I, s:I, s:I}", "total",
				      (json_int_t)(total + 0.5), "raw", (json_int_t)t->raw,
				      "counted_fraction", ms_perf_total_fraction(t), "enabled_ns",
				      (json_int_t)t->enabled, "running_ns", (json_int_t)t->running,
				      "sample_min", (json_int_t)t->min, "sample_max",
				      (json_int_t)t->max);
			if (t->running < t->enabled)
				json_object_set_new(e, "scaled", json_true());
			if (ops)
				json_object_set_new(e, "per_op", json_real(total / ops));
			if (bytes)
				json_object_set_new(e, "per_byte", json_real(total / bytes));
		}
		json_object_set_new(e, "encoding", ms_perf_encoding_json(ev));
		json_object_set_new(c, run->event_keys[i], e);
	}
	json_object_set_new(c, "derived", derived_json(run, totals, ops, bytes, unit_of_op));
	return c;
}

/* params: what the case's setup recorded before it gave up; its "fs" and "cache" win (the
 * anonymous variants of a file case say fs=anon). */
static void record_skip(struct bench_run *run, const struct bench_case *bc,
			const char *fs_label, const struct bench_variant *v, const char *reason,
			json_t *params)
{
	const char *fs = json_string_value(json_object_get(params, "fs"));
	const char *cache = json_string_value(json_object_get(params, "cache"));
	char b[32];

	fs_label = fs ? fs : fs_label;

	fprintf(stderr, "  SKIP %s %s %s %s%s%s: %s\n", bc->name, fs_label, v->method,
		size_str(v->size, b, sizeof(b)), v->numa ? " numa=" : "", v->numa ? v->numa : "",
		reason);
	json_array_append_new(run->skipped, json_pack("{s:s, s:s, s:s, s:s, s:I, s:i, s:s, s:s*, "
		"s:s}", "case", bc->name, "fs", fs_label, "method", v->method, "hint", v->hint,
		"size", (json_int_t)v->size, "threads", v->threads, "cache",
		cache ? cache : v->cold ? "cold" : "hot", "numa", v->numa, "reason", reason));
}

void bench_add_result(struct bench_run *run, const struct bench_case *bc, const char *metric,
		      const char *unit, bool higher, json_t *params, double *samples, size_t n,
		      json_t *counters, bool drifting, json_t *paired)
{
	struct ms_summary s;
	struct ms_benchmark b = { 0 };

	ms_summarize(samples, n, &s);
	b.bench_case = (char *)bc->name;
	b.params = params;
	b.metric = (char *)metric;
	b.unit = (char *)unit;
	b.higher_is_better = higher;
	b.samples = samples;
	b.n_samples = n;
	b.median = s.median;
	b.ci_low = s.ci_low;
	b.ci_high = s.ci_high;
	b.noisy = !s.ci_exact || ms_relative_halfwidth(&s) >= HALFWIDTH_TARGET;
	b.drifting = drifting;
	b.counters = counters;
	b.paired = paired;
	b.place = (char *)(run->h->place ? run->h->place : "host");
	b.overview = (char *)ms_overview_role_name(bc->overview);
	ms_run_add_benchmark(run->h->run, &b);
	json_decref(paired);
}

/* One sample: value hook, or prepare / timed run() / finish. Returns the sample's value,
 * or -1 when the operation failed; *t gets the seconds (0 for a value hook). */
double bench_one_sample(const struct bench_case *bc, struct bench_ctx *ctx, double *t)
{
	double v;

	if (bc->value) {
		*t = 0;
		v = bc->value(ctx);
		return v < 0 ? -1 : v;
	}
	if (bc->prepare)
		bc->prepare(ctx);
	*t = timed_sample(ctx, bc);
	if (bc->finish)
		bc->finish(ctx);
	return *t <= 0 ? -1 : sample_value(bc, ctx, *t);
}

/* Warm-up, discarded; for calibrated cases, grow iters until a sample is long enough that
 * the clock's resolution and the call overhead do not matter. Returns the last sample's
 * time, -1 when the operation failed. */
double bench_warm_up(const struct bench_case *bc, struct bench_ctx *ctx)
{
	double t = -1;

	for (int round = 0; round < 24; round++) {
		if (bench_one_sample(bc, ctx, &t) < 0)
			return -1;
		if (!bc->calibrate || ctx->fixed_iters || t >= ctx->run->profile->min_sample_s)
			break;
		ctx->iters *= t > 0 && ctx->run->profile->min_sample_s / t < 2 ? 2 : 4;
		if (ctx->max_iters && ctx->iters >= ctx->max_iters) {
			ctx->iters = ctx->max_iters;
			break;
		}
	}
	return t;
}

/* Samples until the interval is tight or the budget is spent (a time series: the whole
 * budget), at most max samples. Returns the number of samples; perf totals and bytes moved
 * are accumulated. With a partner, every sample is one side of a pair (the partner first in
 * every other pair), and the interval that must be tight is the paired ratio's, within
 * pair_limit seconds (the comparison's allowance of the run's shared budget). */
static size_t sample_loop(const struct bench_case *bc, struct bench_ctx *ctx, double budget,
			  double pair_limit, size_t max, double *samples, json_t *sample_times,
			  double case_start, struct ms_perf_total *totals, struct ms_summary *s,
			  struct bench_companion *ceiling, struct bench_partner *partner)
{
	const struct bench_profile *p = ctx->run->profile;
	double start = now_s(), t, value;
	uint64_t moved = 0;
	size_t n = 0;

	while (n < max) {
		bool paired = partner && partner->on;

		if (paired && ms_paired_b_first(n))
			paired = bench_partner_sample(partner, n);
		value = bench_one_sample(bc, ctx, &t);
		if (value < 0)
			break;
		samples[n++] = value;
		moved += ctx->bytes * ctx->iters * ctx->v->threads;
		if (sample_times)
			json_array_append_new(sample_times, json_real(now_s() - case_start));
		ms_perf_accumulate(&ctx->run->perf, totals);
		if (ceiling && ceiling->c.priv) /* after the counters are read: not in them */
			bench_companion_sample(ceiling, n - 1);
		if (paired && !ms_paired_b_first(n - 1))
			paired = bench_partner_sample(partner, n - 1);
		if (paired)
			bench_partner_pair(partner, n - 1, value);
		ms_summarize(samples, n, s);
		double spent = now_s() - start;
		double tight = paired ? bench_partner_half_width(partner, n) :
			       ms_relative_halfwidth(s);

		/* A pair is two samples: a paired variant's minimum is half the profile's in
		 * pairs, so it takes no more samples than an unpaired one before it may stop. */
		size_t min_n = paired ? ((size_t)p->min_reps + 1) / 2 : (size_t)p->min_reps;

		/* A time series is not expected to settle: it runs for its whole budget, and
		 * until it has moved the bytes its case asked for. */
		if (n >= min_n && (sample_times ? spent > budget &&
						  moved >= ctx->series_bytes :
						  tight < HALFWIDTH_TARGET || (paired ?
						  !bench_pair_goes_on(spent, PAIR_BUDGET * budget,
								      pair_limit, n, max, tight,
								      HALFWIDTH_TARGET) :
						  spent > budget)))
			break;
		/* A slow variant still stops: three samples at four times the budget. */
		if (n >= 3 && spent > 4 * (paired && pair_limit > budget ? pair_limit : budget))
			break;
	}
	return n;
}

/* The paired ratio (results.json's "paired"), on stderr after the variant's line. */
static void print_paired(const struct bench_partner *partner, const json_t *pj)
{
	if (!pj)
		return;
	if (json_object_get(pj, "unpaired"))
		fprintf(stderr, " (unpaired: %s)", json_string_value(json_object_get(pj,
			"unpaired")));
	else
		fprintf(stderr, " (%s %s: x%.3f +-%.1f%% over %lld pairs%s)",
			partner->control ? "A/A control," : "paired with", partner->control ?
			"itself" : partner->v.method, json_real_value(json_object_get(pj, "ratio")),
			100 * json_real_value(json_object_get(pj, "half_width")),
			(long long)json_integer_value(json_object_get(pj, "n_pairs")),
			json_is_true(json_object_get(pj, "met")) ? "" : ", target missed");
}

/* The record of a partner sampled in its pairs with v (bench_partner_recorded_in_pairs):
 * its samples, counters and drift test are those of its side of the pairs, and its "paired"
 * object says so (sampled_as_partner_of; not in params, which say what was measured and
 * group a mapping with its system calls). */
static void record_partner(struct bench_run *run, const struct bench_case *bc,
			   struct bench_partner *partner, const struct bench_variant *v,
			   size_t n, const char *fs_label)
{
	const struct bench_variant *pv = &partner->v;
	json_t *params = variant_params(&partner->c, fs_label);
	uint64_t ops = partner->c.ops * partner->c.iters * pv->threads * n;
	uint64_t bytes = partner->c.bytes * partner->c.iters * pv->threads * n;
	struct ms_summary s;
	struct ms_drift drift = { 0 };
	char b[32];

	ms_summarize(partner->values, n, &s);
	ms_drift_test(partner->values, n, &drift);
	bool noisy = !s.ci_exact || ms_relative_halfwidth(&s) >= HALFWIDTH_TARGET;

	json_object_set_new(params, "iters_per_sample", json_integer(partner->c.iters));
	json_object_set_new(params, "drift", !drift.tested ?
		json_pack("{s:s}", "test", "too few samples (< 8)") :
		json_pack("{s:f, s:f, s:f, s:I, s:s}", "trend_z", drift.z, "split_z",
			  drift.split_z, "change", drift.change, "split", (json_int_t)drift.split,
			  "extra_warmup", "none: sampled in pairs"));
	bench_add_result(run, bc, bc->metric_name, unit_of(bc), higher_is_better(bc), params,
			 partner->values, n, counters_json(run, partner->totals, ops, bytes,
			 json_string_value(json_object_get(params, "unit_of_op"))), drift.drifting,
			 json_pack("{s:{s:s, s:s, s:I}}", "sampled_as_partner_of", "method", v->method,
				   "hint", v->hint, "block_size", (json_int_t)v->block_size));
	fprintf(stderr, "  %-13s %-6s %-18s %-16s %5s bs=%-4s %s%d%s: %10.1f %s [%.1f, %.1f] "
		"n=%zu%s%s (in its pairs with %s %s)", bc->name, fs_label, pv->method, pv->hint,
		size_str(pv->size, b, sizeof(b)), pv->block_size ?
		size_str(pv->block_size, b + 16, 16) : "-", pv->processes ? "p=" : "t=",
		pv->threads, pv->cold ? " cold" : "", s.median, unit_of(bc), s.ci_low, s.ci_high,
		n, noisy ? " noisy" : "", drift.drifting ? " drifting" : "", v->method, v->hint);
	bench_ceiling_fraction(run, bc, &partner->c, params, partner->values, n, NULL, -1,
			       drift.drifting);
	fputc('\n', stderr);
	bench_break_even_note(&run->break_even, bc, &partner->c, fs_label, &s,
			      noisy || drift.drifting, NULL);
}

/* Measures variant v (paired with partner_v when given, within pair_limit seconds of
 * sampling) and adds its record; with record_partner, also the partner's record from its
 * side of the pairs (*partner_recorded says whether it was). Returns the seconds spent
 * sampling. */
static double measure_variant(struct bench_run *run, const struct bench_case *bc,
			      const struct bench_variant *v, const struct bench_variant *partner_v,
			      const char *dir, const char *fs_kind, const char *fs_label,
			      double pair_limit, bool want_partner_record, bool *partner_recorded)
{
	struct bench_ctx ctx = { .v = v, .dir = dir, .fs_kind = fs_kind, .iters = 1, .run = run };
	const struct bench_profile *p = run->profile;
	double budget = p->budget_s * (bc->budget_scale > 0 ? bc->budget_scale : 1);
	size_t max = (size_t)p->max_reps * (partner_v ? PAIR_MAX_SCALE : 1);
	double *samples = ms_calloc(max, sizeof(double));
	double sampling = 0;
	json_t *sample_times = bc->time_series ? json_array() : NULL;
	struct ms_perf_total totals[MS_PERF_MAX] = { 0 };
	struct ms_summary s = { 0 };
	struct ms_drift drift = { 0 };
	double extra_warmup = 0;
	size_t n = 0;
	double case_start, t = 0;
	int ret;
	char b[32];

	ctx.params = json_object();
	/* The case's state is this variant's own: nothing carries over from the last one. */
	ctx.priv = bc->state_size ? ms_calloc(1, bc->state_size) : NULL;
	ret = bc->setup(&ctx);
	if (!ret && (!ctx.state || !ctx.timed)) {
		snprintf(ctx.reason, sizeof(ctx.reason), "case bug: setup did not say which state "
			 "it measures and what is timed");
		if (bc->teardown)
			bc->teardown(&ctx);
		ret = -1;
	}
	if (ret) {
		record_skip(run, bc, fs_label, v, ctx.reason[0] ? ctx.reason : "setup failed",
			    ctx.params);
		json_decref(ctx.params);
		json_decref(sample_times);
		free(ctx.priv);
		free(samples);
		return 0;
	}
	/* Warm-up, discarded; for calibrated cases, grow iters until a sample is long
	 * enough that the clock's resolution and the call overhead do not matter. A time
	 * series counts its time from here: the warm-up window is the first of the case.
	 * Every case keeps the state of its samples whatever iters becomes (params.state). */
	case_start = now_s();
	t = bench_warm_up(bc, &ctx);
	struct bench_companion ceiling = { 0 };
	if (t >= 0 && ctx.ceiling_in_step && v->threads <= 1)
		bench_companion_start(&ceiling, run, v->size, ctx.pmd_mapped, max);
	struct bench_partner partner = { 0 };
	if (t >= 0 && partner_v)
		bench_partner_start(&partner, bc, partner_v, &ctx, max, partner_v == v);
	double w0 = now_s();
	if (t >= 0)
		n = sample_loop(bc, &ctx, budget, pair_limit, max, samples, sample_times,
				case_start, totals, &s, &ceiling, &partner);
	sampling = now_s() - w0;
	/* Drift: the samples trend. Warm up longer (untimed samples for twice the budget),
	 * measure again; still drifting, the result is marked. A time series is expected to
	 * evolve and is not tested. */
	if (n && !sample_times) {
		ms_drift_test(samples, n, &drift);
		if (drift.drifting) {
			w0 = now_s();

			fprintf(stderr, "  %-13s %-6s %-18s drifting (x%.2f from sample %zu), warming "
				"up longer\n", bc->name, fs_label, v->method, drift.change, drift.split);
			while (now_s() - w0 < 2 * budget && bench_one_sample(bc, &ctx, &t) >= 0)
				;
			extra_warmup = now_s() - w0;
			memset(totals, 0, sizeof(totals));
			memset(partner.totals, 0, sizeof(partner.totals));
			w0 = now_s();
			n = sample_loop(bc, &ctx, budget, pair_limit, max, samples, NULL,
					case_start, totals, &s, &ceiling, &partner);
			sampling += now_s() - w0;
			ms_drift_test(samples, n, &drift);
		}
	}
	if (n == 0) {
		record_skip(run, bc, fs_label, v, "the measured operation failed (see run hook)",
			    ctx.params);
	} else {
		uint64_t ops = ctx.ops * ctx.iters * v->threads * n;
		uint64_t bytes = ctx.bytes * ctx.iters * v->threads * n;
		json_t *params = variant_params(&ctx, fs_label);
		bool noisy = !s.ci_exact || ms_relative_halfwidth(&s) >= HALFWIDTH_TARGET;

		json_object_set_new(params, "iters_per_sample", json_integer(ctx.iters));
		if (sample_times)
			json_object_set(params, "sample_times_s", sample_times);
		json_object_set_new(params, "drift", sample_times ?
			json_pack("{s:s}", "test", "not applied: a time series evolves") :
			!drift.tested ? json_pack("{s:s}", "test", "too few samples (< 8)") :
			json_pack("{s:f, s:f, s:f, s:I, s:f}", "trend_z", drift.z, "split_z",
				  drift.split_z, "change", drift.change, "split",
				  (json_int_t)drift.split, "extra_warmup_s", extra_warmup));
		json_t *pj = bench_partner_json(&partner, samples, n, HALFWIDTH_TARGET);
		bench_add_result(run, bc, bc->metric_name, unit_of(bc), higher_is_better(bc),
			   params, samples, n, counters_json(run, totals, ops, bytes,
			   json_string_value(json_object_get(params, "unit_of_op"))), drift.drifting,
			   pj ? json_incref(pj) : NULL);
		/* The ceiling samples taken in step with these (struct companion). */
		double in_step = -1;
		if (ceiling.on && n) {
			in_step = ms_median(ceiling.mbs, n);
			bench_ceiling_record(&run->ceilings, v->size, ctx.pmd_mapped, in_step);
			fprintf(stderr, "  %-13s anon   read (in step)     %-16s %5s: %10.1f MB/s\n",
				bench_case_ceiling.name, ceiling.v.hint, size_str(v->size, b, sizeof(b)),
				in_step);
		}
		fprintf(stderr, "  %-13s %-6s %-18s %-16s %5s bs=%-4s %s%d%s%s%s: %10.1f %s "
			"[%.1f, %.1f] n=%zu%s%s", bc->name, fs_label, v->method, v->hint,
			size_str(v->size, b, sizeof(b)), v->block_size ?
			size_str(v->block_size, b + 16, 16) : "-", v->processes ? "p=" : "t=",
			v->threads, v->cold ? " cold" : "", v->numa ? " numa=" : "",
			v->numa ? v->numa : "", s.median,
			unit_of(bc), s.ci_low, s.ci_high, n, noisy ? " noisy" : "",
			drift.drifting ? " drifting" : "");
		/* Local memory only: the ceiling is what the pinned CPU's own node gives. */
		if (bc == &bench_case_ceiling && !strcmp(v->method, "read") &&
		    (!v->numa || !strcmp(v->numa, "local")))
			bench_ceiling_record(&run->ceilings, v->size, ctx.pmd_mapped, s.median);
		bench_ceiling_fraction(run, bc, &ctx, params, samples, n, &ceiling, in_step,
				       drift.drifting);
		print_paired(&partner, pj);
		fputc('\n', stderr);
		bench_break_even_note(&run->break_even, bc, &ctx, fs_label, &s,
				      noisy || drift.drifting, pj);
		if (want_partner_record && partner.on && n >= 2 && !partner.control) {
			record_partner(run, bc, &partner, v, n, fs_label);
			*partner_recorded = true;
		}
		json_decref(pj);
	}
	bench_partner_stop(&partner);
	bench_companion_stop(&ceiling);
	if (bc->teardown)
		bc->teardown(&ctx);
	json_decref(ctx.params);
	json_decref(sample_times);
	free(ctx.priv);
	free(samples);
	return sampling;
}

static void run_case(struct bench_run *run, const struct bench_case *bc, const char *dir,
		     const char *fs_kind, const char *fs_label, bool first_fs)
{
	struct bench_plan *plan = ms_calloc(1, sizeof(*plan));
	const struct bench_profile *p = run->profile;
	double base = PAIR_BUDGET * p->budget_s * (bc->budget_scale > 0 ? bc->budget_scale : 1);
	int partner[MAX_VARIANTS];
	bool deferred[MAX_VARIANTS] = { false }, recorded[MAX_VARIANTS] = { false };

	make_plan(run, plan, bc, dir, fs_label, first_fs);
	for (int i = 0; i < plan->n; i++) {
		partner[i] = bc->paired ? bench_partner_of(plan->variants, plan->n, i) : -1;
		/* A partner's own record comes from its side of its first comparison's pairs,
		 * so it is not measured twice. */
		deferred[i] = bc->paired && strcmp(p->name, "pmu") &&
			      bench_partner_recorded_in_pairs(plan->variants, plan->n, i);
	}
	for (int i = 0; i < plan->n; i++) {
		int k = partner[i];

		if (deferred[i])
			continue;
		if (k < 0) {
			measure_variant(run, bc, &plan->variants[i], NULL, dir, fs_kind, fs_label, 0,
					false, NULL);
			continue;
		}
		run->pair_surplus += PAIR_POOL_SHARE * base;
		double allowance = bench_pair_allowance(base, run->pair_surplus);
		double spent = measure_variant(run, bc, &plan->variants[i], &plan->variants[k], dir,
					       fs_kind, fs_label, allowance,
					       deferred[k] && !recorded[k], &recorded[k]);

		run->pair_surplus += base - spent;
		run->pair_surplus = run->pair_surplus > 0 ? run->pair_surplus : 0;
	}
	/* A deferred partner whose comparisons all failed to pair is measured on its own. */
	for (int i = 0; i < plan->n; i++)
		if (deferred[i] && !recorded[i])
			measure_variant(run, bc, &plan->variants[i], NULL, dir, fs_kind, fs_label, 0,
					false, NULL);
	free(plan);
}

/* ---- entry points ---- */

int ms_bench_validate(const struct ms_bench_request *rq)
{
	uint64_t mem = bench_memory_bytes();

	if (!find_profile(rq->profile)) {
		fprintf(stderr, "mmapsuite bench: unknown profile '%s' (quick, full or pmu)\n",
			rq->profile);
		return MS_EXIT_USAGE;
	}
	if (rq->case_filter) {
		char *list = ms_strdup(rq->case_filter), *save = NULL;

		for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
			if (!find_case(c)) {
				fprintf(stderr, "mmapsuite bench: unknown case '%s' (see "
					"`mmapsuite bench --list`)\n", c);
				free(list);
				return MS_EXIT_USAGE;
			}
		}
		free(list);
	}
	if (rq->events) {
		int n = 0;
		size_t len = strlen(rq->events);

		for (const char *e = rq->events; *e; e++)
			n += *e == ',';
		if (!len || rq->events[0] == ',' || rq->events[len - 1] == ',' ||
		    strstr(rq->events, ",,") || n + 1 > MS_PERF_MAX - 6) {
			fprintf(stderr, "mmapsuite bench: --events '%s': give 1 to %d event names "
				"separated by commas\n", rq->events, MS_PERF_MAX - 6);
			return MS_EXIT_USAGE;
		}
	}
	if (rq->max_size && rq->max_size > mem / 4) {
		fprintf(stderr, "mmapsuite bench: --max-size %llu MiB is more than a quarter of "
			"this machine's memory (%llu MiB); the page cache could not hold it\n",
			(unsigned long long)(rq->max_size / MiB),
			(unsigned long long)(mem / MiB));
		return MS_EXIT_USAGE;
	}
	return 0;
}

static bool selected(const struct ms_bench_request *rq, const struct bench_case *bc)
{
	return !rq->case_filter || ms_str_in_list(bc->name, rq->case_filter);
}

int ms_bench_execute(const struct ms_bench_request *rq, struct ms_harness *h)
{
	const char *const *sw = ms_perf_software_events, *const *hw = ms_perf_hardware_events;
	const char *events[MS_PERF_MAX + 1];
	char *asked = rq->events ? ms_strdup(rq->events) : NULL, *save = NULL;
	char scratch[MS_MAX_FS][4200];
	int n_events = 0, ret = ms_bench_validate(rq);
	double t_start = now_s();
	json_t *summary;

	if (ret)
		return ret;
	/* Free space is known only now that the file systems exist: refuse before measuring. */
	for (int f = 0; f < h->n_fs && rq->max_size; f++) {
		uint64_t free_bytes = h->fs[f].available ? bench_free_bytes(h->fs[f].path) : 0;

		if (h->fs[f].available && rq->max_size > free_bytes / 10 * 9) {
			fprintf(stderr, "mmapsuite bench: --max-size %llu MiB does not fit on %s "
				"(%llu MiB free); give a smaller size or a larger --fs-size\n",
				(unsigned long long)(rq->max_size / MiB), h->fs[f].label,
				(unsigned long long)(free_bytes / MiB));
			return MS_EXIT_USAGE;
		}
	}
	bench_cgroup_reap();
	struct bench_run *run = ms_calloc(1, sizeof(*run));
	run->h = h;
	run->profile = find_profile(rq->profile);
	run->max_size = rq->max_size;
	run->skipped = json_array();
	run->dropped = json_array();
	run->n_placement = ms_topo_placement(ms_topo_pus() < MAX_CPUS ? ms_topo_pus() : MAX_CPUS,
					     run->placement);
	if (run->n_placement <= 0) {
		run->placement[0] = 0;
		run->n_placement = 1;
	}
	ms_topo_bind_thread(run->placement[0]);
	for (; *sw; sw++)
		events[n_events++] = *sw;
	if (asked) {
		for (char *e = strtok_r(asked, ",", &save); e && n_events < MS_PERF_MAX;
		     e = strtok_r(NULL, ",", &save))
			events[n_events++] = e;
	} else {
		for (; *hw && n_events < MS_PERF_MAX; hw++)
			events[n_events++] = *hw;
	}
	events[n_events] = NULL;
	/* Ungrouped: a group larger than the counters would never be scheduled at all;
	 * single events are rotated by the kernel and scaled here. */
	ms_perf_open(&run->perf, events, true);
	json_t *event_list = json_array();

	for (int i = 0; i < run->perf.n; i++) {
		int dup = 1;
		const struct ms_perf_event *ev = &run->perf.ev[i];

		for (int k = 0; k < i; k++)
			dup += !strcmp(run->perf.ev[k].name, ev->name);
		char *key = run->event_keys[i];

		if (dup > 1)
			snprintf(key, sizeof(run->event_keys[i]), "%s#%d", ev->name, dup);
		else
			snprintf(key, sizeof(run->event_keys[i]), "%s", ev->name);
		json_t *o = json_pack("{s:s, s:o}", "name", run->event_keys[i], "encoding",
				      ms_perf_encoding_json(ev));

		if (ev->fd < 0)
			json_object_set_new(o, "unavailable", json_string(ev->unavailable));
		json_array_append_new(event_list, o);
		fprintf(stderr, "mmapsuite bench: event %-18s %s%s%s%s\n", run->event_keys[i],
			ev->fd >= 0 ? "opened: " : "unavailable: ", ev->fd >= 0 ? ev->pfm :
			ev->unavailable, ev->fd >= 0 ? " on " : "", ev->fd >= 0 ? ev->kernel_pmu : "");
	}

	fprintf(stderr, "mmapsuite bench: profile %s, %d file system(s), hardware counters %s\n",
		run->profile->name, h->n_fs, ms_perf_hardware_available() ? "available" :
		"unavailable");
	for (size_t c = 0; c < N_CASES; c++) {
		const struct bench_case *bc = all_cases[c];

		/* The ceiling is always measured: every throughput is given as a fraction. */
		if (!selected(rq, bc) && bc != &bench_case_ceiling)
			continue;
		if (!bc->needs_fs) {
			run_case(run, bc, NULL, NULL, "anon", true);
			continue;
		}
		bool first_fs = true;

		for (int f = 0; f < h->n_fs; f++) {
			if (!h->fs[f].available)
				continue;
			snprintf(scratch[f], sizeof(scratch[f]), "%s/bench-%d", h->fs[f].path,
				 (int)getpid());
			if (mkdir(scratch[f], 0700) && errno != EEXIST) {
				ms_warn("cannot create %s: %s", scratch[f], strerror(errno));
				continue;
			}
			run_case(run, bc, scratch[f], h->fs[f].kind, h->fs[f].label, first_fs);
			first_fs = false;
			bench_files_release(&run->files);
			rmdir(scratch[f]);
		}
	}
	ms_perf_close(&run->perf);
	free(asked);

	json_t *ceilings = bench_ceilings_json(&run->ceilings);
	summary = json_pack("{s:s, s:f, s:o, s:o, s:o, s:o}", "profile", run->profile->name,
			    "wall_s", now_s() - t_start, "read_ceilings", ceilings,
			    "skipped", run->skipped, "dropped_points", run->dropped, "break_even",
			    bench_break_even_json(&run->break_even));
	json_object_set_new(summary, "perf_events", event_list);
	json_object_set_new(summary, "hardware_counters", json_string(
		ms_perf_hardware_available() ? "available" :
		"hardware counters unavailable: no PMU event opens on this machine"));
	if (!h->run->extra)
		h->run->extra = json_object();
	json_object_set_new(h->run->extra, "bench", summary);
	fprintf(stderr, "mmapsuite bench: %s profile took %.1f s\n", run->profile->name,
		now_s() - t_start);
	free(run);
	return 0;
}

void ms_bench_list(void)
{
	for (size_t c = 0; c < N_CASES; c++) {
		const struct bench_case *bc = all_cases[c];

		printf("%-14s %s\n", bc->name, bc->description);
		for (const struct bench_opt *o = bc->opts; o && o->name; o++) {
			char lo[32], hi[32];

			if (o->type == BENCH_BYTES)
				printf("    %-12s %s (%s .. %s)\n", o->name, o->help,
				       size_str(o->min, lo, sizeof(lo)),
				       size_str(o->max, hi, sizeof(hi)));
			else
				printf("    %-12s %s (%llu .. %llu)\n", o->name, o->help,
				       (unsigned long long)o->min, (unsigned long long)o->max);
		}
	}
}
