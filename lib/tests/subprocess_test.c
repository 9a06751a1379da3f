/* Unit tests of lib/subprocess.c (starting a program and waiting for it) and of the bundled
 * loader's argument vector (lib/exec_self.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec_self.h"
#include "subprocess.h"

/* Runs s with its stdout into a pipe: the exit code; what it printed goes to out. */
static int run_capture(struct ms_spawn *s, char *out, size_t len)
{
	int p[2];
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0, "pipe2: %s", strerror(errno));
	s->fd[STDOUT_FILENO] = p[1];
	pid_t pid = ms_spawn_start(s);
	cr_assert_gt(pid, 0, "ms_spawn_start %s: %s", s->argv[0], strerror(errno));
	close(p[1]);
	FILE *f = fdopen(p[0], "r");
	cr_assert_not_null(f);
	out[fread(out, 1, len - 1, f)] = 0;
	fclose(f);
	int status;
	cr_assert_eq(ms_spawn_wait(pid, &status), 0, "ms_spawn_wait: %s", strerror(errno));
	return ms_exit_code(status);
}

/* argv looked up in $PATH, everything else inherited. */
static struct ms_spawn searched(char **argv)
{
	struct ms_spawn s = MS_SPAWN_INIT;
	s.argv = argv;
	s.find = MS_SPAWN_SEARCH;
	return s;
}

/* Assert that the exit status comes back as given, and a signal as 128 + its number. */
Test(subprocess, exit_status_and_signal)
{
	char *exit3[] = { "sh", "-c", "exit 3", NULL };
	char *killed[] = { "sh", "-c", "kill -TERM $$", NULL };
	struct ms_spawn s = searched(exit3);
	cr_assert_eq(ms_spawn_run(&s), 3);
	s.argv = killed;
	cr_assert_eq(ms_spawn_run(&s), 128 + SIGTERM);
}

/* Assert that a program that does not exist is an error with ENOENT, not a child's 127. */
Test(subprocess, missing_program_fails_enoent)
{
	char *argv[] = { "/nonexistent/mmapsuite-no-such-program", NULL };
	struct ms_spawn s = MS_SPAWN_INIT;
	s.argv = argv;
	errno = 0;
	cr_assert_eq(ms_spawn_run(&s), -1);
	cr_assert_eq(errno, ENOENT, "errno %d (%s), expected ENOENT", errno, strerror(errno));
}

/* Assert that environment changes set and remove variables, and leave the rest alone. */
Test(subprocess, environment_changes_set_and_remove)
{
	char out[256];
	char *argv[] = { "sh", "-c", "printf '%s|%s|%s' \"${MS_T_GONE-unset}\" \"$MS_T_NEW\" "
			 "\"$MS_T_KEPT\"", NULL };
	const char *changes[] = { "MS_T_GONE", "MS_T_NEW=two", NULL };
	setenv("MS_T_GONE", "1", 1);
	setenv("MS_T_KEPT", "kept", 1);
	struct ms_spawn s = searched(argv);
	s.env = changes;
	cr_assert_eq(run_capture(&s, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "unset|two|kept");
	cr_assert_str_eq(getenv("MS_T_GONE"), "1", "our own environment changed");
}

/* Assert that the child runs in dir_fd, and that default_signals leaves nothing blocked
 * although we block SIGUSR1 (which a child inherits without it). */
Test(subprocess, directory_and_default_signals)
{
	char out[256];
	char *cwd[] = { "readlink", "/proc/self/cwd", NULL };
	char *blocked[] = { "grep", "SigBlk", "/proc/self/status", NULL };
	int dir = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct ms_spawn s = searched(cwd);
	s.dir_fd = dir;
	cr_assert_eq(run_capture(&s, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "/\n");
	close(dir);
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	s = searched(blocked);
	cr_assert_eq(run_capture(&s, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "SigBlk:\t0000000000000200\n", "SIGUSR1 not inherited: %s", out);
	s.default_signals = true;
	cr_assert_eq(run_capture(&s, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "SigBlk:\t0000000000000000\n", "still blocked: %s", out);
}

/* Assert that the loader's vector puts the program after the loader's options, keeps argv[0]
 * as --argv0, refuses a vector that does not fit, and is empty without a loader. */
Test(subprocess, loader_argv)
{
	char *argv[] = { "name", "a", "b", NULL };
	const char *full[16];
	unsetenv("MMAPSUITE_LOADER");
	cr_assert_eq(ms_loader_argv("/x/prog", argv, full, 16), 0);
	setenv("MMAPSUITE_LOADER", "/bin/sh", 1);
	setenv("MMAPSUITE_LIBRARY_PATH", "/usr/lib", 1);
	cr_assert_eq(ms_loader_argv("/x/prog", argv, full, 8), -1);
	cr_assert_eq(ms_loader_argv("/x/prog", argv, full, 16), 8);
	const char *want[] = { "/bin/sh", "--library-path", "/usr/lib", "--argv0", "name",
			       "/x/prog", "a", "b", NULL };
	for (int i = 0; i < 9; i++)
		cr_assert_eq(full[i] ? strcmp(full[i], want[i]) : (want[i] != NULL), 0,
			     "entry %d: %s, expected %s", i, full[i], want[i]);
	unsetenv("MMAPSUITE_LOADER");
	unsetenv("MMAPSUITE_LIBRARY_PATH");
}
