/* Signals only to processes we created: lib/guard.c for the tools, and the kill() of the
 * Criterion executables (lib/no_kill_all.c, linked into this one too). Signal 0 probes only,
 * so a guard that failed here would still hurt nothing. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"

/* Assert that pids <= 0, and a live process we did not create (our parent), are refused,
 * and a child we forked is signalled. */
Test(guard, refuses_what_it_did_not_create)
{
	errno = 0;
	cr_assert_eq(ms_guard_kill(-1, 0), -1);
	cr_assert_eq(errno, EPERM);
	cr_assert_eq(ms_guard_kill(0, 0), -1);
	cr_assert_eq(ms_guard_kill(-getpgrp(), 0), -1);
	cr_assert_eq(ms_guard_kill(getppid(), 0), -1, "signalled a process it did not create");
	pid_t child = ms_guard_fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	cr_assert_eq(ms_guard_kill(child, SIGKILL), 0, "could not signal its own child");
	int status;
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ms_guard_forget(child);
	cr_assert_eq(ms_guard_kill(child, 0), -1, "a reaped (forgotten) pid was signalled");
}

/* Assert that this executable's kill() refuses -1 and 0 (what Criterion's sandbox sends
 * after a failed fork()) and still signals a single process. */
Test(guard, executable_kill_refuses_every_process)
{
	errno = 0;
	cr_assert_eq(kill(-1, 0), -1);
	cr_assert_eq(errno, EPERM);
	cr_assert_eq(kill(0, 0), -1);
	cr_assert_eq(kill(getpid(), 0), 0);
}
