#include "guard.h"

#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_CHILDREN 256

/* Only stores of whole pid_t values: readable from a signal handler. */
static volatile pid_t children[MAX_CHILDREN];

void ms_guard_remember(pid_t pid)
{
	if (pid <= 0)
		return;
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i] == 0 || children[i] == pid) {
			children[i] = pid;
			return;
		}
}

void ms_guard_forget(pid_t pid)
{
	for (int i = 0; pid > 0 && i < MAX_CHILDREN; i++)
		if (children[i] == pid)
			children[i] = 0;
}

pid_t ms_guard_fork(void)
{
	pid_t pid = fork();
	if (pid > 0)
		ms_guard_remember(pid);
	return pid;
}

static void say(const char *s)
{
	ssize_t r = write(STDERR_FILENO, s, strlen(s));
	(void)r;
}

static void say_int(long v)
{
	char buf[24], *p = buf + sizeof(buf) - 1;
	bool neg = v < 0;
	unsigned long u = neg ? -(unsigned long)v : (unsigned long)v;
	*p = 0;
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) && p > buf + 1);
	if (neg)
		*--p = '-';
	say(p);
}

int ms_guard_kill(pid_t pid, int sig)
{
	bool ours = false;
	for (int i = 0; pid > 0 && i < MAX_CHILDREN; i++)
		ours |= children[i] == pid;
	if (!ours) {
		say("mmapsuite: refused to send signal ");
		say_int(sig);
		say(" to pid ");
		say_int(pid);
		say(pid <= 0 ? " (a process group or every process: never ours)\n"
			     : " (not a process this program created)\n");
		errno = EPERM;
		return -1;
	}
	return (int)syscall(SYS_kill, pid, sig);
}
