/* The clean-up registry (lib/cleanup.h): entries run in the process that registered them only,
 * by phase, at exit and on the signals, after which the process dies of the signal. Each test
 * works in a child it forks, so the registry of the test process itself stays untouched. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"

/* Where the entries say they ran: one byte each, to a pipe the test reads. */
static int report_fd = -1;

static void say(char c)
{
	if (write(report_fd, &c, 1) != 1)
		_exit(3);
}

static void release_entry(void) { say('r'); }
static void restore_entry(void) { say('s'); }
static void stop_entry(void) { say('p'); }
static void exit_only_entry(void) { say('x'); }

/* Reads what the entries said until every writer closed the pipe. */
static void read_report(int fd, char *out, size_t len)
{
	size_t n = 0;
	ssize_t k;
	while (n + 1 < len && (k = read(fd, out + n, len - 1 - n)) > 0)
		n += (size_t)k;
	out[n] = 0;
	close(fd);
}

/* Forks a child with the write end of a pipe as report_fd; returns the read end. */
static pid_t fork_reporting(int *read_fd)
{
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	/* the child keeps the write end, the test the read end */
	close(fds[pid == 0 ? 0 : 1]);
	report_fd = pid == 0 ? fds[1] : -1;
	*read_fd = fds[0];
	return pid;
}

/* Assert that an entry registered in a parent is not run by its forked child's exit(), and is
 * run by the parent's own exit. */
Test(cleanup, forked_child_exit_runs_none_of_the_parents_entries)
{
	int rd;
	pid_t parent = fork_reporting(&rd);
	if (parent == 0) {
		ms_cleanup_add(MS_CLEANUP_RELEASE, release_entry, MS_CLEANUP_AT_EXIT);
		pid_t child = fork();
		if (child == 0)
			exit(0); /* runs the inherited atexit hook: must find no entry of its own */
		int status;
		if (child < 0 || waitpid(child, &status, 0) != child)
			_exit(4);
		say('|'); /* what came before this was the child's */
		exit(0);
	}
	char got[16];
	read_report(rd, got, sizeof(got));
	int status;
	cr_assert_eq(waitpid(parent, &status, 0), parent);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the parent ended with status %d",
		  status);
	cr_assert_str_eq(got, "|r", "the entries ran as \"%s\": want none in the child, one in the "
			 "parent (\"|r\")", got);
}

/* Assert that SIGINT runs the signal entries, by phase (stop, restore, release) and not the
 * exit-only one, and that the process then dies of SIGINT. */
Test(cleanup, sigint_runs_entries_then_dies_of_sigint)
{
	int rd;
	pid_t pid = fork_reporting(&rd);
	if (pid == 0) {
		/* registered in the reverse of the order they must run in */
		ms_cleanup_add(MS_CLEANUP_RELEASE, release_entry, MS_CLEANUP_ON_SIGNAL);
		ms_cleanup_add(MS_CLEANUP_RESTORE, restore_entry, MS_CLEANUP_ON_SIGNAL);
		ms_cleanup_add(MS_CLEANUP_STOP, stop_entry, MS_CLEANUP_ON_SIGNAL);
		ms_cleanup_add(MS_CLEANUP_RELEASE, exit_only_entry, MS_CLEANUP_AT_EXIT);
		ms_cleanup_remove(exit_only_entry); /* and gone: not at exit either */
		ms_cleanup_catch_signals();
		raise(SIGINT);
		_exit(5); /* not reached when SIGINT kills */
	}
	char got[16];
	read_report(rd, got, sizeof(got));
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT,
		  "the process did not die of SIGINT (status 0x%x)", status);
	cr_assert_str_eq(got, "psr", "the entries ran as \"%s\", not stop, restore, release", got);
}

/* Assert that a forked child interrupted by SIGTERM runs none of its parent's entries but
 * still dies of the signal. */
Test(cleanup, signalled_child_runs_none_of_the_parents_entries)
{
	int rd;
	pid_t parent = fork_reporting(&rd);
	if (parent == 0) {
		ms_cleanup_add(MS_CLEANUP_RELEASE, release_entry,
			       MS_CLEANUP_AT_EXIT | MS_CLEANUP_ON_SIGNAL);
		ms_cleanup_catch_signals();
		pid_t child = fork();
		if (child == 0) {
			raise(SIGTERM);
			_exit(5);
		}
		int status;
		if (child < 0 || waitpid(child, &status, 0) != child)
			_exit(4);
		say(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? 'T' : '?');
		_exit(0); /* no exit hook: only the child's behaviour is reported */
	}
	char got[16];
	read_report(rd, got, sizeof(got));
	waitpid(parent, NULL, 0);
	cr_assert_str_eq(got, "T", "want the child dead of SIGTERM and no entry run (\"T\"), got "
			 "\"%s\"", got);
}
