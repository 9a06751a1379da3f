/* (e) Memory-deny-write-execute, prctl(PR_SET_MDWE): no mapping both writable and executable,
 * no exec added later. */
#include "mm_util.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Newer than Debian 12's kernel headers (6.1); the values are uapi and never change. */
#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#define PR_GET_MDWE 66
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN (1UL << 0)
#endif

/* ---- e6: memory-deny-write-execute ---- */

/* Runs in a child, since MDWE can never be cleared: every W+X request must give EACCES. */
static void mdwe_child(void)
{
	size_t pg = ms_page();
	child_check(prctl(PR_GET_MDWE, 0, 0, 0, 0) == (int)PR_MDWE_REFUSE_EXEC_GAIN,
		    "PR_GET_MDWE after setting it returned %d", prctl(PR_GET_MDWE, 0, 0, 0, 0));
	errno = 0;
	void *wx = mmap(NULL, pg, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	child_check(wx == MAP_FAILED && errno == EACCES,
		    "mmap(PROT_WRITE|PROT_EXEC) under MDWE: expected EACCES, got %p with %s", wx,
		    ms_errname(errno));
	unsigned char *rw = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	child_check(rw != MAP_FAILED, "mmap(RW): %s", ms_errname(errno));
	errno = 0;
	int r = mprotect(rw, pg, PROT_READ | PROT_EXEC);
	child_check(r == -1 && errno == EACCES,
		    "mprotect(RW -> R|X) under MDWE: expected EACCES, got %d with %s", r,
		    ms_errname(errno));
	unsigned char *rx = mmap(NULL, pg, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	child_check(rx != MAP_FAILED, "mmap(PROT_READ|PROT_EXEC) under MDWE refused: %s",
		    ms_errname(errno));
	errno = 0;
	r = mprotect(rx, pg, PROT_READ | PROT_WRITE | PROT_EXEC);
	child_check(r == -1 && errno == EACCES,
		    "mprotect(R|X -> R|W|X) under MDWE: expected EACCES, got %d with %s", r,
		    ms_errname(errno));
	errno = 0;
	r = prctl(PR_SET_MDWE, 0, 0, 0, 0);
	child_check(r == -1 && errno == EPERM,
		    "clearing MDWE: expected EPERM, got %d with %s", r, ms_errname(errno));
	_exit(0);
}

/* Assert that PR_SET_MDWE(PR_MDWE_REFUSE_EXEC_GAIN) refuses W+X maps and adding PROT_EXEC with
 * EACCES, still allows plain R|X, and cannot be undone (EPERM). LINUX (prctl, 6.3+). */
CONFORM(prctl_mdwe, refuses_write_exec_and_exec_gain, "e6", LINUX)
{
	if (prctl(PR_GET_MDWE, 0, 0, 0, 0) == -1 && errno == EINVAL)
		cr_skip_test("prctl(PR_GET_MDWE) gives EINVAL: MDWE needs Linux 6.3 or later");
	pid_t pid = xfork();
	if (pid == 0) {
		child_check(prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) == 0,
			    "prctl(PR_SET_MDWE, REFUSE_EXEC_GAIN): %s", ms_errname(errno));
		mdwe_child();
	}
	xwait_ok(pid);
}
