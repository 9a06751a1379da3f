/* Running mmapsuite-conform for `mmapsuite selftest`: cleanly, under the placebo and under
 * each faulty library, every run in two parts.
 *
 * Most tests may run beside another run of the suite: their processes share nothing with it
 * but the CPUs. These parts run side by side (--side-by-side, 2 by default: a test process
 * mostly waits on fork, exec and the kernel, so two runs fill two CPUs). The tests of
 * alone_tests[] hold a machine-wide lock (a setting, the hugetlb pool, a device) or count
 * faults exactly; another run beside them would make them wait for the lock or take faults
 * that are not theirs. They run afterwards, one run at a time, as every test did before.
 * Each run's two parts write into one result file, so the judging sees one run. */
#include "selftest.h"

#include "conform_runner.h"
#include "contain.h"
#include "install_dirs.h"
#include "scratch.h"
#include "settings_guard.h"
#include "trusted_env.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* The tests that run only while no other run does (Criterion patterns, suite/test). */
static const char *const alone_tests[] = {
	/* the hugetlb pool's lock, held while they use the pool (hugetlb.c) */
	"hugetlb_ops/*", "hugetlbfs/*", "mmap_hugetlb/*",
	/* the settings lock: vm.overcommit_memory (mmap.c), ksm (multiprocess.c) */
	"mmap_noreserve/*", "multiprocess_ksm/*",
	/* a device's flock until the test ends (media_alsa.c, media_vivid.c) */
	"media_*/*",
	/* exact fault counts */
	"fault_counts/*", "driver_lazy/mmap_faults_nothing", "driver_lazy/fault_once_per_touched_page",
	"madvise_dontneed/private_anon_refaults_zero",
	"residency/willneed_avoids_major_faults", "thp/madv_hugepage_first_touch_maps_pmd",
	"thp/madv_nohugepage_stays_on_base_pages", "thp_zero_page/read_fault_maps_huge_zero_page",
};
#define N_ALONE (int)(sizeof(alone_tests) / sizeof(alone_tests[0]))

/* "@(p1|p2|...)": every test of alone_tests[]. */
static char *alone_pattern(void)
{
	char *p = ms_strdup("@(");
	for (int i = 0; i < N_ALONE; i++) {
		char *next = ms_asprintf("%s%s%s", p, i ? "|" : "", alone_tests[i]);
		free(p);
		p = next;
	}
	char *all = ms_asprintf("%s)", p);
	free(p);
	return all;
}

/* The number of tests of the suite alone_tests[] names. Dies when a pattern names no test: a
 * test renamed or moved to another suite would otherwise run beside another run unnoticed. */
static int count_alone_tests(void)
{
	json_t *tests = ms_conform_list();
	if (!tests)
		ms_die(MS_EXIT_FAILED, "selftest: cannot list the tests of mmapsuite-conform");
	int n = 0, used[N_ALONE] = { 0 };
	size_t i;
	json_t *t;
	json_array_foreach(tests, i, t) {
		char *name = ms_asprintf("%s/%s", json_string_value(json_object_get(t, "suite")),
				         json_string_value(json_object_get(t, "test")));
		bool alone = false;
		for (int a = 0; a < N_ALONE; a++)
			if (fnmatch(alone_tests[a], name, 0) == 0)
				alone = true, used[a]++;
		n += alone;
		free(name);
	}
	json_decref(tests);
	for (int a = 0; a < N_ALONE; a++)
		if (!used[a])
			ms_die(MS_EXIT_FAILED, "selftest: no test matches '%s' of the tests that run "
			       "alone (suites/selftest/selftest_runs.c): renamed or moved? Name it "
			       "there again", alone_tests[a]);
	return n;
}

static json_t *load_results(const char *jsonl)
{
	json_t *results = json_object();
	FILE *f = fopen(jsonl, "r");
	char *line = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) > 0) {
		json_t *r = json_loads(line, 0, NULL);
		const char *suite = json_string_value(json_object_get(r, "suite"));
		const char *test = json_string_value(json_object_get(r, "test"));
		if (suite && test) {
			char *key = ms_asprintf("%s/%s", suite, test);
			json_object_set(results, key, r);
			free(key);
		}
		json_decref(r); /* a line cut short by a killed run is skipped */
	}
	free(line);
	if (f)
		fclose(f);
	return results;
}

/* The run's LD_PRELOAD: its faulty library, after the stand-in when that is preloaded. */
static char *preload_entry(const char *standin, const char *lib)
{
	const char *pre = standin && !strncmp(standin, "LD_PRELOAD=", 11) ? standin + 11 : NULL;
	if (pre && lib)
		return ms_asprintf("LD_PRELOAD=%s:%s", pre, lib);
	if (pre || lib)
		return ms_asprintf("LD_PRELOAD=%s", pre ? pre : lib);
	return ms_strdup("LD_PRELOAD");
}

/* ---- the parts of the runs, each contained ---- */

struct part {
	struct selftest_run *run;
	const char *filter;        /* Criterion --filter */
	bool first;                /* the run's first part: starts its result file and log */
};

struct slot {
	struct part *part;         /* NULL: free */
	struct ms_contained c;
	bool started;
	double start;
	char *dir;                 /* the part's scratch directory */
	int log_fd;
};

struct phase {
	const struct selftest_opts *o;
	const char *fs_path, *work;
	const char *standin;       /* ms_conform_libgit2_standin(): an entry or NULL */
	const char *standin_dir;   /* its directory, kept visible in the runs, or NULL */
};

/* Starts one part (lib/contain.h): in its own PID and mount namespace under our init, in a
 * memory cgroup, so that nothing a faulty library does (a kill(-1) after a fork() it made
 * fail, a memory hog) reaches beyond the run, and nothing of the run outlives it. Each part
 * gets a fresh scratch directory, removed when it ends. */
static void start_part(const struct phase *ph, struct slot *s, struct part *p)
{
	const char *name = p->run->name;
	char *bin = ms_asprintf("%s/mmapsuite-conform", ms_runner_dir());
	char *jsonl = ms_asprintf("%s/%s.jsonl", ph->work, name);
	char *log = ms_asprintf("%s/%s.log", ph->work, name);
	char jobs[16];
	snprintf(jobs, sizeof(jobs), "%d", ph->o->jobs);
	char *argv[] = { bin, "--jobs", jobs, "--filter", (char *)p->filter, NULL };
	s->part = p;
	s->dir = ms_asprintf("%s/selftest-%s", ph->fs_path, name);
	ms_remove_tree(s->dir);
	if (ms_mkdir_p(s->dir, 0755) != 0)
		ms_die(MS_EXIT_FAILED, "cannot create %s: %s", s->dir, strerror(errno));
	if (p->first)
		unlink(jsonl);
	s->log_fd = ms_open_new_file(log, p->first ? O_TRUNC : O_APPEND);
	char *env_dir = ms_asprintf("MMAPSUITE_DIR=%s", s->dir);
	char *env_results = ms_asprintf("MMAPSUITE_RESULTS=%s", jsonl);
	char *env_preload = preload_entry(ph->standin, p->run->lib);
	bool standin_path = ph->standin && !strncmp(ph->standin, "LD_LIBRARY_PATH=", 16);
	/* A faulty library must not be able to hurt the rest of the machine: no machine-wide
	 * overcommit mode change under it (see lib/machine_settings.c). */
	const char *env[] = { env_dir, env_results, "MMAPSUITE_NO_GLOBAL_SETTINGS=selftest",
			      env_preload, standin_path ? ph->standin : NULL, NULL };
	/* the stand-in's directory too: hidden, a build below /tmp (CI's clone) would load
	 * Debian's libgit2 in every test process, 2.7 times the CPU */
	const char *keep[] = { s->dir, ph->work, ms_runner_dir(), ms_private_lib_dir(),
			       ms_scratch_state_root(), ph->standin_dir, NULL };
	struct ms_contain_opts copts = { "selftest", ms_contain_memory_limit(), keep };
	s->start = ms_now();
	s->started = ms_contain_start(&s->c, argv, env, s->log_fd, true, &copts) == 0;
	if (!s->started)
		ms_warn("cannot start %s: %s", bin, strerror(errno));
	else if (s->log_fd >= 0)
		dprintf(s->log_fd, "mmapsuite selftest: contained: %s; --filter '%s'\n", s->c.how,
			p->filter);
	free(bin), free(jsonl), free(log), free(env_dir), free(env_results), free(env_preload);
}

/* True when the slot's part has ended (or was stopped at the run limit) and is accounted. */
static bool part_ended(const struct phase *ph, struct slot *s)
{
	int code;
	bool stopped = false;
	if (s->started && !ms_contain_poll(&s->c, &code)) {
		if (ms_now() - s->start <= ph->o->run_limit_s)
			return false;
		ms_contain_stop(&s->c);
		stopped = true;
	}
	struct selftest_run *run = s->part->run;
	run->wall_s += ms_now() - s->start;
	run->timed_out |= stopped;
	ms_remove_tree(s->dir);
	free(s->dir);
	if (s->log_fd >= 0)
		close(s->log_fd);
	s->part = NULL;
	return true;
}

/* Runs parts[0..n), at_once of them at a time. The machine settings (lib/settings_guard.h)
 * are snapshotted when a part starts with none going and put back whenever none is left
 * going: what a killed test left never reaches the next batch. */
static void run_parts(const struct phase *ph, struct part *parts, int n, int at_once)
{
	struct slot slots[8] = { 0 };
	if (at_once > (int)(sizeof(slots) / sizeof(slots[0])))
		at_once = (int)(sizeof(slots) / sizeof(slots[0]));
	struct ms_settings_snapshot settings;
	int next = 0, going = 0;
	while (next < n || going) {
		for (int i = 0; i < at_once && next < n; i++) {
			if (slots[i].part)
				continue;
			if (!going) {
				ms_settings_snapshot(&settings);
				ms_scratch_save_settings(&settings);
			}
			start_part(ph, &slots[i], &parts[next++]);
			going++;
		}
		bool ended = false;
		for (int i = 0; i < at_once; i++)
			if (slots[i].part && part_ended(ph, &slots[i]))
				going--, ended = true;
		if (!going)
			ms_settings_put_back(&settings);
		else if (!ended)
			usleep(20000);
	}
}

/* CPU time, user and system, of every child and descendant waited for so far. */
static double children_cpu_s(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_CHILDREN, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

void selftest_run_all(const struct selftest_opts *o, struct selftest_run *runs, int n,
		      const char *fs_path, const char *work, struct selftest_timing *timing)
{
	char *alone = alone_pattern();
	timing->alone_tests = count_alone_tests();
	/* With --filter, each part runs the tests of the filter that are (or are not) in
	 * alone_tests[]: !(@(!(F)|A)) is F and not A. */
	char *beside = o->filter ? ms_asprintf("!(@(!(%s)|%s))", o->filter, alone)
				 : ms_asprintf("!(%s)", alone);
	char *alone_only = o->filter ? ms_asprintf("!(@(!(%s)|!(%s)))", o->filter, alone)
				     : ms_strdup(alone);
	struct part *first = ms_calloc((size_t)n, sizeof(*first));
	struct part *second = ms_calloc((size_t)n, sizeof(*second));
	for (int i = 0; i < n; i++) {
		runs[i].wall_s = 0;
		runs[i].timed_out = false;
		first[i] = (struct part){ &runs[i], beside, true };
		second[i] = (struct part){ &runs[i], alone_only, false };
	}
	char *standin = ms_conform_libgit2_standin();
	char *standin_dir = ms_conform_libgit2_standin_dir(standin);
	struct phase ph = { o, fs_path, work, standin, standin_dir };
	double start = ms_now(), cpu = children_cpu_s();
	run_parts(&ph, first, n, o->side_by_side);
	timing->beside_s = ms_now() - start;
	timing->beside_cpu_s = children_cpu_s() - cpu;
	start = ms_now(), cpu = children_cpu_s();
	run_parts(&ph, second, n, 1);
	timing->alone_s = ms_now() - start;
	timing->alone_cpu_s = children_cpu_s() - cpu;
	for (int i = 0; i < n; i++) {
		char *jsonl = ms_asprintf("%s/%s.jsonl", work, runs[i].name);
		runs[i].results = load_results(jsonl);
		free(jsonl);
	}
	free(first), free(second), free(alone), free(beside), free(alone_only), free(standin);
	free(standin_dir);
}
