/* Starting a program and waiting for it: the one way the suite runs a child program (mkfs,
 * lstopo, gnuplot, fio, mmapsuite-conform). Through posix_spawn: no copy of a large or
 * threaded process, no code of ours between fork and exec, and a program that cannot start
 * is an error here rather than an exit status 127 from a child. An argument vector, never a
 * shell string. (The containment launcher, lib/contain.c, starts its init with clone() and a
 * death signal, which posix_spawn cannot give; that init starts the runner through this.) */
#ifndef MMAPSUITE_SUBPROCESS_H
#define MMAPSUITE_SUBPROCESS_H

#include <stdbool.h>
#include <sys/types.h>

enum ms_spawn_find {
	MS_SPAWN_PATH,   /* argv[0] is the program's path */
	MS_SPAWN_SEARCH, /* argv[0] is looked up in $PATH, like execvp() */
	MS_SPAWN_SELF,   /* one of the suite's programs, through the bundled loader when
			  * there is one (exec_self.h) */
};

struct ms_spawn {
	char *const *argv;      /* argv[0]: the program */
	enum ms_spawn_find find;
	int fd[3];              /* duplicated onto 0, 1 and 2 in the child; -1 keeps ours */
	int dir_fd;             /* the child's working directory; -1 keeps ours */
	const char *const *env; /* changes to our environment, NULL-terminated: "NAME=value"
				 * sets, "NAME" removes; NULL: ours unchanged */
	bool default_signals;   /* every signal at its default action, none blocked */
};

/* Inherit everything: set argv (and what differs) after it. */
#define MS_SPAWN_INIT { .fd = { -1, -1, -1 }, .dir_fd = -1 }

/* Starts the program: its pid, or -1 with errno set (ENOENT: not found). */
pid_t ms_spawn_start(const struct ms_spawn *s);
/* Waits for pid (EINTR retried): 0 with *status as waitpid gives it, or -1. */
int ms_spawn_wait(pid_t pid, int *status);
/* A wait status as a shell gives it: the exit status, or 128 + the signal that ended it. */
int ms_exit_code(int status);
/* Starts the program and waits for it: ms_exit_code of its status, or -1 with errno set when it
 * could not be started or waited for. */
int ms_spawn_run(const struct ms_spawn *s);

#endif
