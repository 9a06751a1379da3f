/* Entry point of mmapsuite-conform, the Criterion binary with every conformance test.
 *
 *   mmapsuite-conform --mmapsuite-list     one JSON object per test: suite, test, ids, spec
 *   mmapsuite-conform [criterion options]  runs the tests; with MMAPSUITE_RESULTS=FILE set,
 *                                          the runner appends one JSON line per finished test
 *   --mmapsuite-phase=together|alone       only the tests not declared MS_ALONE (conform.h),
 *                                          or only those; without it, every test
 *
 * The harness (`mmapsuite conform`) sets MMAPSUITE_DIR to a scratch directory on the file
 * system under test and reads MMAPSUITE_RESULTS back.
 *
 * The report hooks run in the runner process; they also judge the kernel's health around each
 * test (kernel_health.h): a splat or a new taint flag fails the test and fills kernel_log. */
#include "conform.h"
#include "trusted_env.h"
#include "kernel_health.h"
#include "time_scale.h"

#include <criterion/hooks.h>
#include <fcntl.h>
#include <criterion/internal/ordered-set.h>
#include <criterion/options.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* Splits "b1 b3|POSIX" into ids and spec. */
static void split_description(const char *desc, char *ids, size_t idlen, char *spec,
			      size_t speclen)
{
	const char *bar = desc ? strchr(desc, '|') : NULL;
	ids[0] = spec[0] = 0;
	if (!bar)
		return;
	snprintf(ids, idlen, "%.*s", (int)(bar - desc), desc);
	snprintf(spec, speclen, "%s", bar + 1);
}

static bool runs_alone(const struct criterion_test *t)
{
	return t->data->data == &ms_alone_mark;
}

static int list_tests(struct criterion_test_set *set)
{
	int bad = 0;
	FOREACH_SET(struct criterion_suite_set *s, set->suites) {
		FOREACH_SET(struct criterion_test *t, s->tests) {
			char ids[256], spec[32];
			split_description(t->data->description, ids, sizeof(ids), spec,
					  sizeof(spec));
			if (!ids[0] || (strcmp(spec, "POSIX") && strcmp(spec, "LINUX"))) {
				fprintf(stderr, "%s::%s: declare it with CONFORM() (ids and POSIX or LINUX)\n",
					t->category, t->name);
				bad = 1;
			}
			json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "suite", t->category,
					      "test", t->name, "ids", ids, "spec", spec, "alone",
					      runs_alone(t));
			char *line = json_dumps(o, JSON_COMPACT);
			puts(line);
			free(line);
			json_decref(o);
		}
	}
	return bad;
}

/* Whether the test ended through ms_broken() (conform.h): its process exited with
 * MS_BROKEN_EXIT, which the test did not declare as the status it expects. */
static bool ended_broken(const struct criterion_test_stats *st)
{
	return !st->crashed && !st->timed_out && !st->signal &&
	       st->exit_code == MS_BROKEN_EXIT && st->test->data->exit_code != MS_BROKEN_EXIT;
}

/* When each running test started, for the time of a broken one: Criterion reports 0 s for a
 * test process that exits in its body. Tests run side by side (-j), so one slot per test. */
static struct {
	const struct criterion_test *test;
	double began_s;
} running[256];

static double monotonic_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Notes (start) or forgets the start of test; returns the seconds since its start when
 * forgetting, or 0 when it was not noted. */
static double test_time(const struct criterion_test *test, bool start)
{
	const struct criterion_test *want = start ? NULL : test;
	for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++) {
		if (running[i].test != want)
			continue;
		running[i].test = start ? test : NULL;
		if (start)
			running[i].began_s = monotonic_s();
		return start ? 0 : monotonic_s() - running[i].began_s;
	}
	return 0;
}

static const char *status_name(struct criterion_test_stats *st, const char **message)
{
	*message = NULL;
	if (st->test_status == CR_STATUS_SKIPPED) {
		*message = st->message;
		return "skip";
	}
	/* Criterion lists the assertions newest first: a failure is told by its first failed
	 * assertion, a broken test by ms_broken()'s, the newest */
	bool broken = ended_broken(st);
	for (struct criterion_assert_stats *a = st->asserts; a; a = a->next) {
		if (a->passed)
			continue;
		*message = a->message;
		if (broken)
			break;
	}
	if (broken)
		return "broken";
	if (st->test_status == CR_STATUS_PASSED && !st->crashed && !st->timed_out)
		return "pass";
	return "fail";
}

static void record(struct criterion_test_stats *st)
{
	double since_start_s = test_time(st->test, false);
	const char *path = ms_env("MMAPSUITE_RESULTS");
	if (!path || !*path) {
		char *note = NULL;
		free(ms_health_end(st->test, &note)); /* the test's window still closes */
		free(note);
		return;
	}
	const char *message;
	const char *outcome = status_name(st, &message);
	char ids[256], spec[32], extra[160] = "";
	split_description(st->test->data->description, ids, sizeof(ids), spec, sizeof(spec));
	if (st->timed_out)
		snprintf(extra, sizeof(extra), "timed out");
	else if (st->crashed || (st->signal && st->signal != st->test->data->signal))
		snprintf(extra, sizeof(extra), "crashed: %s", ms_signame(st->signal));
	else if (st->exit_code != st->test->data->exit_code && !ended_broken(st))
		snprintf(extra, sizeof(extra), "exited with status %d", st->exit_code);
	else if (st->test->data->signal && st->signal != st->test->data->signal)
		snprintf(extra, sizeof(extra), "expected %s, none was raised",
			 ms_signame(st->test->data->signal));
	double duration_s = ended_broken(st) && st->elapsed_time == 0 ? since_start_s :
			    (double)st->elapsed_time;
	char *full = NULL;
	/* asprintf leaves its pointer undefined on failure: the report then carries the parts it
	 * has rather than a wild pointer. */
	if (message && *message && extra[0] && asprintf(&full, "%s (%s)", message, extra) < 0)
		full = NULL;
	const char *said = full ? full : (message && *message) ? message : extra[0] ? extra : NULL;
	char *health_note = NULL, *with_note = NULL;
	char *kernel_log = ms_health_end(st->test, &health_note);
	if (kernel_log) {
		/* A splat is a failure whatever the test saw; a broken test stays broken. */
		if (strcmp(outcome, "broken") != 0)
			outcome = "fail";
		int n = 0;
		if (said && strcmp(outcome, "fail") == 0 && st->test_status == CR_STATUS_SKIPPED)
			n = asprintf(&with_note, "%s (the test had skipped: %s)", health_note, said);
		else if (said)
			n = asprintf(&with_note, "%s; %s", said, health_note);
		if (n < 0)
			with_note = NULL;
		said = with_note ? with_note : health_note;
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:f, s:s*}", "suite",
			      st->test->category, "test", st->test->name, "ids", ids, "spec", spec,
			      "outcome", outcome, "message", said, "duration_s", duration_s,
			      "kernel_log", kernel_log);
	free(full);
	free(kernel_log);
	free(health_note);
	free(with_note);
	/* never through a link: the harness made the directory, nobody else writes there */
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!f && fd >= 0)
		close(fd);
	if (f) {
		json_dumpf(o, f, JSON_COMPACT);
		fputc('\n', f);
		fclose(f);
	}
	json_decref(o);
}

/* When the run's tests began, for the runner's share of the CPU (POST_ALL). */
static double run_began_s;

static double cpu_s(int who)
{
	struct rusage u;
	if (getrusage(who, &u) != 0)
		return 0;
	return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
	       (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	(void)set;
	run_began_s = monotonic_s();
	ms_health_start();
	if (ms_health_unchecked())
		fprintf(stderr, "mmapsuite-conform: kernel health NOT checked per test (taint "
			"flags only): %s\n", ms_health_unchecked());
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	unsigned long tests;
	double seconds;
	ms_health_cost(&tests, &seconds);
	if (tests)
		fprintf(stderr, "mmapsuite-conform: %s of %lu tests checked in %.1f ms (%.0f us per "
			"test)\n", ms_health_unchecked() ? "taint flags (not the kernel log)" :
			"kernel health", tests, seconds * 1e3, seconds * 1e6 / (double)tests);
	/* Where a run's time goes (docs/boards.md): Criterion's runner process starts every test
	 * process and answers each of its messages, so its CPU bounds the pace of all of them. */
	fprintf(stderr, "mmapsuite-conform: %.1f s: the runner process used %.1f s of CPU, the "
		"test processes %.1f s\n", monotonic_s() - run_began_s, cpu_s(RUSAGE_SELF),
		cpu_s(RUSAGE_CHILDREN));
}

ReportHook(PRE_INIT)(struct criterion_test *test)
{
	char name[192];
	snprintf(name, sizeof(name), "%s/%s", test->category, test->name);
	ms_health_begin(test, name);
	test_time(test, true);
}

ReportHook(POST_TEST)(struct criterion_test_stats *st)
{
	record(st);
}

/* A crashed or timed-out test never reaches POST_TEST. */
ReportHook(TEST_CRASH)(struct criterion_test_stats *st)
{
	record(st);
}

/* Which tests a run of this binary runs (--mmapsuite-phase). */
enum phase { EVERY_TEST, PHASE_TOGETHER, PHASE_ALONE };

/* The devmem write permission comes from this process's arguments alone (the harness passes
 * --gpio-pin and --allow-write on as --mmapsuite-gpio-pin=N and --mmapsuite-allow-write).
 * The test processes Criterion starts read it from MMAPSUITE_GPIO_REQUEST, which is first
 * removed from what was inherited, so a variable exported by the caller cannot turn writes on.
 * The time factor (time_scale.h) comes the same way, --mmapsuite-time-factor=F, and reaches
 * the test processes as MMAPSUITE_TIME_FACTOR. The arguments are taken out of argv before
 * Criterion parses it. --mmapsuite-phase=P sets *phase. Returns the time factor, 1 when none
 * was given. */
static double take_harness_arguments(int *argc, char **argv, enum phase *phase)
{
	const char *pin = NULL, *factor_text = NULL;
	bool write = false;
	int kept = 1;
	unsetenv("MMAPSUITE_GPIO_REQUEST");
	unsetenv("MMAPSUITE_TIME_FACTOR");
	for (int i = 1; i < *argc; i++) {
		if (!strncmp(argv[i], "--mmapsuite-gpio-pin=", 21))
			pin = argv[i] + 21;
		else if (!strcmp(argv[i], "--mmapsuite-allow-write"))
			write = true;
		else if (!strncmp(argv[i], "--mmapsuite-time-factor=", 24))
			factor_text = argv[i] + 24;
		else if (!strcmp(argv[i], "--mmapsuite-phase=together"))
			*phase = PHASE_TOGETHER;
		else if (!strcmp(argv[i], "--mmapsuite-phase=alone"))
			*phase = PHASE_ALONE;
		else if (!strncmp(argv[i], "--mmapsuite-phase=", 18)) {
			fprintf(stderr, "mmapsuite-conform: %s: the phase is together or alone\n",
				argv[i]);
			exit(2);
		} else
			argv[kept++] = argv[i];
	}
	argv[kept] = NULL;
	*argc = kept;
	if (pin) {
		char value[64];
		snprintf(value, sizeof(value), "%s%s", pin, write ? ":write" : "");
		setenv("MMAPSUITE_GPIO_REQUEST", value, 1);
	}
	double factor = 1;
	if (factor_text && !ms_time_factor_parse(factor_text, &factor)) {
		fprintf(stderr, "mmapsuite-conform: --mmapsuite-time-factor: '%s' is not a number "
			"from 1 to %.0f\n", factor_text, MS_TIME_FACTOR_MAX);
		exit(2);
	}
	if (factor_text)
		setenv("MMAPSUITE_TIME_FACTOR", factor_text, 1);
	return factor;
}

/* Multiplies every test's own time limit (Criterion enforces it from this process) by factor. */
static void scale_timeouts(struct criterion_test_set *set, double factor)
{
	FOREACH_SET(struct criterion_suite_set *s, set->suites) {
		FOREACH_SET(struct criterion_test *t, s->tests) {
			if (t->data->timeout > 0)
				t->data->timeout *= factor;
		}
	}
}

/* Disables the tests of the other phase: Criterion then neither runs nor reports them, and the
 * --filter of the run disables more on top. */
static void keep_phase(struct criterion_test_set *set, enum phase phase)
{
	if (phase == EVERY_TEST)
		return;
	FOREACH_SET(struct criterion_suite_set *s, set->suites) {
		FOREACH_SET(struct criterion_test *t, s->tests) {
			if (runs_alone(t) != (phase == PHASE_ALONE))
				t->data->disabled = true;
		}
	}
}

int main(int argc, char **argv)
{
	enum phase phase = EVERY_TEST;
	double factor = take_harness_arguments(&argc, argv, &phase);
	struct criterion_test_set *tests = criterion_initialize();
	scale_timeouts(tests, factor);
	keep_phase(tests, phase);
	int result = 0;
	if (argc > 1 && strcmp(argv[1], "--mmapsuite-list") == 0) {
		result = list_tests(tests);
	} else {
		if (criterion_handle_args(argc, argv, true))
			result = !criterion_run_all_tests(tests);
	}
	criterion_finalize(tests);
	return result;
}
