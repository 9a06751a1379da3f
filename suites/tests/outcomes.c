/* Tests of the outcomes themselves, built with the conformance binary's runner (main.c) and
 * helpers (conform.c) into mmapsuite-conform-outcomes, which outcomes.sh runs and reads back:
 * a set-up failure ends "broken" through the exit status, with its message as written; an
 * assertion whose message merely reads "BROKEN: " is a plain fail; clean-up entries run when a
 * test ends broken, and never in a child the test forks; a child's broken set-up makes its
 * parent's test broken. The ids are placeholders: these tests are no clause's. */
#include "conform.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* Assert that a failed set-up call ends the test BROKEN, its message unmarked. */
CONFORM(outcome, setup_failure_is_broken, "a1", LINUX)
{
	ms_broken("open(%s): %s", "/nonexistent/file", "ENOENT");
}

/* Assert that an assertion whose message starts "BROKEN: " is a failure like any other. */
CONFORM(outcome, broken_words_in_an_assertion_fail, "a1", LINUX)
{
	cr_assert_fail("BROKEN: these are only the words of a failed assertion");
}

/* Assert that a test ending BROKEN still removes its named files (its clean-up entries run
 * at the exit ms_broken() makes). outcomes.sh looks for the file afterwards. */
CONFORM(outcome, broken_test_cleans_up, "a1", LINUX)
{
	char path[PATH_MAX];
	xclose(ms_file(16, path));
	ms_broken("set-up stopped after creating %s", path);
}

/* Assert that a child the test forks and that calls exit() leaves its parent's named file. */
CONFORM(outcome, child_exit_keeps_parent_files, "a1", LINUX)
{
	char path[PATH_MAX];
	xclose(ms_file(16, path));
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		exit(0);
	cr_assert(pid > 0, "fork: %s", ms_errname(errno));
	int status;
	cr_assert(waitpid(pid, &status, 0) == pid && WIFEXITED(status), "the child did not exit");
	cr_assert(access(path, F_OK) == 0, "the child's exit() removed its parent's file %s: %s",
		  path, ms_errname(errno));
}

/* Assert that a child whose set-up fails makes its parent's test BROKEN, not failed. */
CONFORM(outcome, child_setup_failure_is_broken, "a1", LINUX)
{
	pid_t pid = xfork();
	if (pid == 0)
		/* cppcheck-suppress invalidFunctionArg ; the failing set-up call this test needs */
		xclose(-1);
	xwait_ok(pid);
}

static void ignore_tick(int sig)
{
	(void)sig;
}

/* Assert that ms_wait_bounded() gives a child that never ends its whole bound in time
 * (ms_child_limit_s() of CLOCK_MONOTONIC), however its sleeps go: a timer ticking every
 * millisecond cuts each 10 ms sleep short, and a wait that counted sleeps gave up after a
 * tenth of its bound. */
CONFORM(outcome, bounded_wait_is_bounded_by_time, "a1", LINUX)
{
	pid_t pid = xfork();
	if (pid == 0)
		for (;;)
			pause();
	struct sigaction sa = { .sa_handler = ignore_tick }; /* no SA_RESTART: sleeps end early */
	xcheck("sigaction", sigaction(SIGALRM, &sa, NULL));
	struct itimerval tick = { { 0, 1000 }, { 0, 1000 } }, off = { 0 };
	xcheck("setitimer", setitimer(ITIMER_REAL, &tick, NULL));
	double t0 = ms_now_s();
	int status = ms_wait_bounded(pid);
	double took = ms_now_s() - t0;
	xcheck("setitimer", setitimer(ITIMER_REAL, &off, NULL));
	cr_assert_eq(status, -1, "the child that never ends was reported ended (status %#x)",
		     status);
	cr_assert(took >= ms_child_limit_s(), "ms_wait_bounded() gave up after %.2f s, before its "
		  "bound of %.0f s", took, ms_child_limit_s());
}
