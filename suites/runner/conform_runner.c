#include "conform_runner.h"
#include "contain.h"
#include "install_dirs.h"
#include "settings_guard.h"
#include "subprocess.h"
#include "time_scale.h"
#include "trusted_env.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

static char *conform_binary(void)
{
	return ms_asprintf("%s/mmapsuite-conform", ms_runner_dir());
}

char *ms_conform_libgit2_standin_dir(const char *standin)
{
	if (!standin)
		return NULL;
	char *at = ms_asprintf("%s/../standin", ms_runner_dir());
	char *dir = realpath(at, NULL);
	free(at);
	return dir;
}

/* Debian's libcriterion links libgit2 for the diff of a failed new-style string assertion,
 * which no test uses, and every test process (one exec per test) pays for it: the loading of
 * libgit2's 14 libraries, and libgit2's initialisation, which parses the system's TLS
 * certificates. Of 17 ms of CPU per test here, the stand-in of tools/standins/libgit2.c (see
 * there: nothing a test asserts changes) saves 12 ms loaded in libgit2's place (the directory
 * suites/selftest/CMakeLists.txt makes, on LD_LIBRARY_PATH), or 8 ms preloaded beside it.
 * The conformance runs and the self-test's runs get it alike, when the build tree has it (an
 * installed mmapsuite has none; the bundle has its own, tools/bundle). */
char *ms_conform_libgit2_standin(void)
{
	char stand_in[PATH_MAX], dir[PATH_MAX], why[PATH_MAX + 128];
	snprintf(stand_in, sizeof(stand_in), "%s/../standin/libgit2-standin.so", ms_runner_dir());
	snprintf(dir, sizeof(dir), "%s/../standin/for-criterion", ms_runner_dir());
	if (ms_installed() || access(stand_in, R_OK) != 0)
		return NULL;
	if (!ms_path_is_trusted(stand_in, why, sizeof(why)) ||
	    !ms_path_is_trusted(dir, why, sizeof(why))) {
		ms_warn("not loading the libgit2 stand-in: %s", why);
		return NULL;
	}
	char *real_dir = realpath(dir, NULL);
	if (real_dir) {
		/* Every symbol bound at once: a libgit2 function libcriterion needs and the
		 * stand-in lacks stops the program here, not in the middle of a test. */
		char *bin = conform_binary();
		char *path = ms_asprintf("LD_LIBRARY_PATH=%s", real_dir);
		const char *argv[] = { "/usr/bin/env", path, "LD_BIND_NOW=1", bin,
				       "--mmapsuite-list", NULL };
		int rc = ms_run_quietly(argv);
		free(bin), free(real_dir);
		if (rc == 0)
			return path;
		ms_warn("mmapsuite-conform does not load with the libgit2 stand-in in place of "
			"libgit2 (exit %d): preloading it instead", rc);
		free(path);
	}
	char *real = realpath(stand_in, NULL);
	char *preload = real ? ms_asprintf("LD_PRELOAD=%s", real) : NULL;
	free(real);
	return preload;
}

/* Runs argv with stdout (and stderr) to out_fd; env entries are "NAME=value" added to ours. */
static int run_child(char *const argv[], const char *const env[], int out_fd, bool also_stderr)
{
	struct ms_spawn child = MS_SPAWN_INIT;
	child.argv = argv;
	child.find = MS_SPAWN_SELF;
	child.env = env;
	child.fd[STDOUT_FILENO] = out_fd;
	if (also_stderr)
		child.fd[STDERR_FILENO] = out_fd;
	fflush(NULL);
	int rc = ms_spawn_run(&child);
	if (rc < 0)
		fprintf(stderr, "mmapsuite: cannot run %s: %s\n", argv[0], strerror(errno));
	return rc;
}

json_t *ms_conform_list(void)
{
	char *bin = conform_binary();
	int fd = ms_unnamed_file("mmapsuite-list");
	if (fd < 0) {
		ms_warn("cannot make a file for the test list: memfd_create: %s", strerror(errno));
		free(bin);
		return NULL;
	}
	char *argv[] = { bin, "--mmapsuite-list", NULL };
	int rc = run_child(argv, NULL, fd, false);
	json_t *list = NULL;
	if (rc == 0) {
		list = json_array();
		lseek(fd, 0, SEEK_SET);
		FILE *f = fdopen(fd, "r");
		json_error_t jerr;
		json_t *o;
		while ((o = json_loadf(f, JSON_DISABLE_EOF_CHECK, &jerr)))
			json_array_append_new(list, o);
		fclose(f);
	} else {
		ms_warn("%s --mmapsuite-list failed (exit %d): is the build complete?", bin, rc);
		close(fd);
	}
	free(bin);
	return list;
}

/* One run of the test binary, contained (lib/contain.h): its own PID and mount namespace, a
 * memory cgroup, and nothing of it left when this returns or when the harness dies. */
static int run_contained(struct ms_harness *h, const struct ms_scratch *s, char *const argv[],
			 const char *const env[], const char *standin_dir, int out_fd)
{
	const char *keep[] = { s->path, h->run_dir, ms_runner_dir(), ms_scratch_state_root(),
			       standin_dir, NULL };
	struct ms_contain_opts o = { "conform", ms_contain_memory_limit(), keep };
	struct ms_contained c;
	if (ms_contain_start(&c, argv, env, out_fd, true, &o) != 0) {
		ms_warn("cannot start %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (out_fd >= 0)
		dprintf(out_fd, "mmapsuite: contained: %s\n", c.how);
	return ms_contain_wait(&c, 0, NULL);
}

static bool matches(const char *filter, const char *suite, const char *test)
{
	if (!filter)
		return true;
	char name[512];
	snprintf(name, sizeof(name), "%s/%s", suite, test);
	return fnmatch(filter, name, FNM_EXTMATCH) == 0; /* as Criterion: !(a|b) */
}

void ms_conform_validate(const struct ms_conform_request *rq)
{
	if (rq->allow_write && !rq->gpio_pin_given)
		ms_die(MS_EXIT_USAGE, "--allow-write needs --gpio-pin N: the one pin it may write");
	if (!rq->filter)
		return;
	json_t *tests = ms_conform_list();
	if (!tests)
		return; /* the run reports the runner that cannot start */
	size_t i, n = 0;
	json_t *t;
	json_array_foreach(tests, i, t)
		n += matches(rq->filter, json_string_value(json_object_get(t, "suite")),
			     json_string_value(json_object_get(t, "test")));
	json_decref(tests);
	if (!n)
		ms_die(MS_EXIT_USAGE, "--filter '%s' selects no test (names are suite/test; "
		       "`mmapsuite list` shows them)", rq->filter);
}

static void add_result(struct ms_harness *h, json_t *o, const char *fs_label)
{
	int outcome = ms_outcome_parse(json_string_value(json_object_get(o, "outcome")));
	struct ms_conformance c = {
		.suite = (char *)json_string_value(json_object_get(o, "suite")),
		.test = (char *)json_string_value(json_object_get(o, "test")),
		.ids = (char *)json_string_value(json_object_get(o, "ids")),
		.spec = (char *)json_string_value(json_object_get(o, "spec")),
		.fs = (char *)fs_label,
		.outcome = outcome < 0 ? MS_BROKEN : (enum ms_outcome)outcome,
		.message = (char *)json_string_value(json_object_get(o, "message")),
		.duration_s = json_number_value(json_object_get(o, "duration_s")),
		.kernel_log = (char *)json_string_value(json_object_get(o, "kernel_log")),
	};
	if (c.suite && c.test && c.ids && c.spec)
		ms_run_add_conformance(h->run, &c);
}

/* Records a result the harness decides for a listed test (it did not run or never reported). */
static void add_decided(struct ms_harness *h, json_t *test, const char *outcome,
			const char *message, const char *fs_label)
{
	json_t *o = json_deep_copy(test);
	json_object_set_new(o, "outcome", json_string(outcome));
	json_object_set_new(o, "message", json_string(message));
	json_object_set_new(o, "duration_s", json_real(0));
	add_result(h, o, fs_label);
	json_decref(o);
}

/* Adds the results the test binary's report hook wrote to path, except those of tests
 * already in seen (which they join). */
static void read_results(struct ms_harness *h, const char *path, const char *fs_label,
			 json_t *seen)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	json_error_t jerr;
	json_t *o;
	while ((o = json_loadf(f, JSON_DISABLE_EOF_CHECK, &jerr))) {
		char *key = ms_asprintf("%s/%s", json_string_value(json_object_get(o, "suite")),
				        json_string_value(json_object_get(o, "test")));
		if (!json_object_get(seen, key)) {
			add_result(h, o, fs_label);
			json_object_set_new(seen, key, json_true());
		}
		free(key);
		json_decref(o);
	}
	fclose(f);
}

/* The two runs of the test binary per file system (suites/main.c): the tests that may run
 * beside others, with --jobs, then those declared MS_ALONE (conform.h), one at a time. */
enum phase { PHASE_TOGETHER, PHASE_ALONE, N_PHASES };
static const char *const phase_name[N_PHASES] = { "together", "alone" };

/* Whether the filter selects test t (an entry of ms_conform_list()) and it runs in phase. */
static bool in_phase(json_t *t, const char *filter, enum phase phase)
{
	return matches(filter, json_string_value(json_object_get(t, "suite")),
		       json_string_value(json_object_get(t, "test"))) &&
	       json_is_true(json_object_get(t, "alone")) == (phase == PHASE_ALONE);
}

/* Tests of phase the filter selects that are not in seen: with add, recorded as BROKEN. */
static int unreported(struct ms_harness *h, json_t *tests, const char *filter, enum phase phase,
		      json_t *seen, const char *fs_label, int exit_code, bool add)
{
	int n = 0;
	size_t i;
	json_t *t;
	json_array_foreach(tests, i, t) {
		const char *suite = json_string_value(json_object_get(t, "suite"));
		const char *test = json_string_value(json_object_get(t, "test"));
		char *key = ms_asprintf("%s/%s", suite, test);
		if (in_phase(t, filter, phase) && !json_object_get(seen, key)) {
			n++;
			if (add) {
				/* A full results file system loses the report, not the test. */
				struct statvfs v;
				bool full = statvfs(h->run_dir, &v) == 0 && v.f_bavail == 0;
				char *msg;
				if (full)
					msg = ms_asprintf("recording the run failed: no space left "
							  "in %s for the test's result; its verdict "
							  "is unknown", h->run_dir);
				else
					msg = ms_asprintf("the test never reported: the test runner "
							  "exited with status %d (see the conform "
							  "log)", exit_code);
				add_decided(h, t, "broken", msg, fs_label);
				free(msg);
			}
		}
		free(key);
	}
	return n;
}

static void skip_all(struct ms_harness *h, json_t *tests, const char *filter,
		     const struct ms_scratch *s)
{
	char *msg = ms_asprintf("file system %s not available: %s", s->label, s->reason);
	size_t i;
	json_t *t;
	json_array_foreach(tests, i, t) {
		if (!matches(filter, json_string_value(json_object_get(t, "suite")),
			     json_string_value(json_object_get(t, "test"))))
			continue;
		add_decided(h, t, "skip", msg, s->label);
	}
	free(msg);
}

/* A label as a file name: "dir:/mnt/x" -> "dir_mnt_x". */
static void file_name_of(const char *label, char *out, size_t len)
{
	snprintf(out, len, "%s", label);
	for (char *p = out; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ')
			*p = '_';
}

/* Puts back what a killed test left; 1 (a failed verdict) when the settings' locks could not
 * be had, so that nothing a test may have left changed could be checked. */
static int put_back_or_say(const struct ms_settings_snapshot *settings, const char *label)
{
	if (ms_settings_put_back(settings) >= 0)
		return 0;
	ms_warn("%s: the machine settings were not checked after the tests (their lock was not "
		"had): the run fails", label);
	return 1;
}

/* What the runs of the test binary on one file system share. */
struct fs_pass {
	struct ms_harness *h;
	const struct ms_scratch *s;
	json_t *tests, *seen, *reruns; /* seen: "suite/test" of every result read so far */
	const char *filter;
	const char *const *env;
	const char *results;
	const char *standin_dir; /* the libgit2 stand-in's directory, or NULL */
	int out_fd;
	struct ms_settings_snapshot settings;
};

/* Runs the test binary for the tests of phase (argv[4] is set to the phase's argument) and reads
 * their results. When the runner itself died before every test of the phase reported (a test
 * crashing is reported, not missing), runs it once more for those and says so; a test that
 * still did not report is BROKEN. Returns the verdicts the settings' put-back failed (0 or 1
 * per run). A phase without a test the filter selects is not run. */
static int run_phase(struct fs_pass *p, char *argv[], enum phase phase)
{
	if (!unreported(p->h, p->tests, p->filter, phase, p->seen, p->s->label, 0, false))
		return 0;
	char *phase_arg = ms_asprintf("--mmapsuite-phase=%s", phase_name[phase]);
	argv[4] = phase_arg;
	int rc = run_contained(p->h, p->s, argv, p->env, p->standin_dir, p->out_fd);
	int bad = put_back_or_say(&p->settings, p->s->label);
	read_results(p->h, p->results, p->s->label, p->seen);
	int missing = unreported(p->h, p->tests, p->filter, phase, p->seen, p->s->label, rc, false);
	if (missing) {
		ms_warn("%s: the test runner exited with status %d before %d test(s) of the %s phase "
			"reported; running them once more", p->s->label, rc, missing,
			phase_name[phase]);
		char *key = ms_asprintf("%s %s", p->s->label, phase_name[phase]);
		json_object_set_new(p->reruns, key,
				    json_pack("{s:i, s:i}", "unreported", missing,
					      "runner_exit_status", rc));
		free(key);
		rc = run_contained(p->h, p->s, argv, p->env, p->standin_dir, p->out_fd);
		bad += put_back_or_say(&p->settings, p->s->label);
		read_results(p->h, p->results, p->s->label, p->seen);
		unreported(p->h, p->tests, p->filter, phase, p->seen, p->s->label, rc, true);
	}
	argv[4] = NULL;
	free(phase_arg);
	return bad;
}

/* Measures (or takes from --time-factor) the factor every time limit of the tests is multiplied
 * by, says it, and records it in the run's environment. Returns the argument that passes it on. */
static char *scale_time_limits(const struct ms_conform_request *rq, struct ms_harness *h)
{
	struct ms_time_scale ts;
	ms_time_scale_measure(&ts, rq->time_factor);
	json_object_set_new(h->run->environment, "time_scale",
			    json_pack("{s:f, s:s, s:o, s:f, s:f, s:f}", "factor", ts.factor,
				      "source", ts.source, "mmap_munmap_us",
				      ts.cost_us > 0 ? json_real(ts.cost_us) : json_null(),
				      "reference_us", MS_TIME_REFERENCE_US, "ceiling",
				      MS_TIME_FACTOR_CEILING, "child_limit_s",
				      MS_CHILD_LIMIT_S * ts.factor));
	if (ts.cost_us > 0)
		fprintf(stderr, "mmapsuite: time limits x%.2f (mmap+munmap %.1f us against %.0f us; "
			"floor 1, ceiling %.0f)\n", ts.factor, ts.cost_us, MS_TIME_REFERENCE_US,
			MS_TIME_FACTOR_CEILING);
	else
		fprintf(stderr, "mmapsuite: time limits x%.2f (%s)\n", ts.factor, ts.source);
	return ms_asprintf("--mmapsuite-time-factor=%.3f", ts.factor);
}

int ms_conform_execute(const struct ms_conform_request *rq, struct ms_harness *h)
{
	json_t *tests = ms_conform_list();
	if (!tests)
		return -1;
	char *bin = conform_binary();
	char *time_factor = scale_time_limits(rq, h);
	char *standin = ms_conform_libgit2_standin();
	json_object_set_new(h->run->extra, "libgit2_standin", json_boolean(standin != NULL));
	char *standin_dir = ms_conform_libgit2_standin_dir(standin);
	json_t *walls = json_object(), *reruns = json_object();
	int bad = 0;
	for (int i = 0; i < h->n_fs; i++) {
		struct ms_scratch *s = &h->fs[i];
		if (!s->available) {
			size_t before = h->run->n_conformance;
			skip_all(h, tests, rq->filter, s);
			fprintf(stderr, "mmapsuite: %-8s %zu tests skipped: %s\n", s->label,
				h->run->n_conformance - before, s->reason);
			continue;
		}
		char name[128], results[PATH_MAX + 160], log[PATH_MAX + 160];
		file_name_of(s->label, name, sizeof(name));
		snprintf(results, sizeof(results), "%s/conform-%s.jsonl", h->run_dir, name);
		snprintf(log, sizeof(log), "%s/conform-%s.log", h->run_dir, name);
		unlink(results);
		int logfd = ms_open_new_file(log, O_TRUNC);
		char *env_dir = ms_asprintf("MMAPSUITE_DIR=%s", s->path);
		char *env_results = ms_asprintf("MMAPSUITE_RESULTS=%s", results);
		char *jobs = ms_asprintf("--jobs=%d", rq->jobs > 0 ? rq->jobs
							 : (int)sysconf(_SC_NPROCESSORS_ONLN));
		char *filter = rq->filter ? ms_asprintf("--filter=%s", rq->filter) : NULL;
		/* The devmem tests learn the pin and the permission from these arguments only:
		 * mmapsuite-conform drops any such variable it inherited (suites/main.c). */
		char *pin = rq->gpio_pin_given
				    ? ms_asprintf("--mmapsuite-gpio-pin=%d", rq->gpio_pin) : NULL;
		char *argv[10] = { bin, jobs, "--always-succeed", time_factor, NULL /* phase */ };
		int argc_ = 5;
		if (filter)
			argv[argc_++] = filter;
		if (pin)
			argv[argc_++] = pin;
		if (pin && rq->allow_write)
			argv[argc_++] = "--mmapsuite-allow-write";
		const char *env[] = { env_dir, env_results, standin, NULL };
		size_t before = h->run->n_conformance;
		struct fs_pass pass = { .h = h, .s = s, .tests = tests, .seen = json_object(),
					.reruns = reruns, .filter = rq->filter, .env = env,
					.results = results, .standin_dir = standin_dir,
					.out_fd = rq->verbose ? -1 : logfd };
		/* no snapshot without the locks (the message names the holder): the tests that
		 * need them go BROKEN on their own, and nothing is put back */
		ms_settings_snapshot(&pass.settings);
		if (ms_scratch_save_settings(&pass.settings) != 0)
			ms_warn("cannot keep the settings snapshot in the scratch area: %s",
				strerror(errno));
		double t0 = ms_now();
		bad += run_phase(&pass, argv, PHASE_TOGETHER);
		argv[1] = "--jobs=1";
		bad += run_phase(&pass, argv, PHASE_ALONE);
		json_decref(pass.seen);
		double wall = ms_now() - t0;
		if (logfd >= 0)
			close(logfd);
		ms_harness_apply_expect(h, before);
		int counts[MS_N_OUTCOMES] = { 0 };
		for (size_t k = before; k < h->run->n_conformance; k++)
			counts[h->run->conformance[k].outcome]++;
		bad += counts[MS_FAIL] + counts[MS_BROKEN];
		for (size_t k = before; k < h->run->n_conformance; k++) /* not a test's failure */
			bad -= h->run->conformance[k].message &&
			       !strncmp(h->run->conformance[k].message, "recording the run failed", 24);
		json_object_set_new(walls, s->label, json_real(wall));
		char expected[64] = "";
		if (h->expect)
			snprintf(expected, sizeof(expected), ", %d xfail, %d xpass", counts[MS_XFAIL],
				 counts[MS_XPASS]);
		fprintf(stderr, "mmapsuite: %-8s %zu tests: %d pass, %d fail, %d skip, %d broken%s "
				"(%.1f s)\n", s->label, h->run->n_conformance - before,
			counts[MS_PASS], counts[MS_FAIL], counts[MS_SKIP], counts[MS_BROKEN], expected,
			wall);
		free(env_dir), free(env_results), free(jobs), free(filter), free(pin);
	}
	json_object_set_new(h->run->extra, "conformance_wall_s", walls);
	if (json_object_size(reruns))
		json_object_set_new(h->run->extra, "conformance_reruns", reruns);
	else
		json_decref(reruns);
	free(bin);
	free(time_factor);
	free(standin);
	free(standin_dir);
	json_decref(tests);
	return bad;
}
