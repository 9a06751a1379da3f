/* Signals only to processes we created. A kill() whose pid is 0 or negative reaches a whole
 * process group, or with -1 every process the caller may signal: as root, the machine. A pid
 * taken from a fork() that failed (-1) is exactly that. Tools fork through ms_guard_fork()
 * and signal through ms_guard_kill(), which refuses any pid it did not hand out. */
#ifndef MMAPSUITE_GUARD_H
#define MMAPSUITE_GUARD_H

#include <sys/types.h>

/* fork(), remembering the child's pid (in the parent) for ms_guard_kill(). */
pid_t ms_guard_fork(void);
/* Remembers a pid created some other way (clone()). pid <= 0 is ignored. */
void ms_guard_remember(pid_t pid);
/* Forgets a pid once it has been reaped (its number may be reused). */
void ms_guard_forget(pid_t pid);
/* kill(pid, sig) for a pid we created and have not forgotten; otherwise no signal is sent,
 * the refusal is named on stderr and -1 is returned with errno EPERM. Async-signal-safe. */
int ms_guard_kill(pid_t pid, int sig);

#endif
