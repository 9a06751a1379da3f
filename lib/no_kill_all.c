/* kill() for executables that link Criterion (mmapsuite-conform, mmapsuite-unit): compiled
 * into each executable, never into a library, so that it comes first in symbol lookup. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The last line of defence, for code that is not ours: this program's kill() replaces libc's
 * for every library in it (Criterion's included; the dynamic linker finds the executable's
 * definition first). Criterion 2.4 (boxfort's bxfi_exec) calls kill(pid, SIGKILL) with the
 * -1 a failed fork() returned: as root that is every process on the machine. Refused here:
 * any pid <= 0 except this process's own group when it leads it (Criterion's runner ends its
 * group on SIGTERM). */
int kill(pid_t pid, int sig)
{
	if (pid == 0 || pid == -1 || (pid < 0 && (-pid != getpid() || getpgrp() != getpid()))) {
		char msg[160];
		int n = snprintf(msg, sizeof(msg), "mmapsuite: refused kill(%d, %d) from "
				 "pid %d: a process group or every process, never ours\n", (int)pid,
				 sig, (int)getpid());
		if (write(STDERR_FILENO, msg, (size_t)n) < 0)
			n = 0;
		errno = EPERM;
		return -1;
	}
	return (int)syscall(SYS_kill, pid, sig);
}
