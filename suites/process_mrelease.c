/* (g) process_mrelease: memory reaped from a killed process through a pidfd (Linux 5.15). */
#include "mm_util.h"

#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

/* Assert that process_mrelease() refuses a live process (EINVAL) and nonzero flags (EINVAL),
 * succeeds on a SIGKILLed one while it still has its memory (0; ESRCH if it already released
 * it on its own), and gives ESRCH once the process has been reaped. LINUX, 5.15+. */
CONFORM(process_mrelease, only_for_killed_processes, "g17", LINUX)
{
	ms_require_kernel(5, 15, "process_mrelease");
	pid_t pid = xfork();
	if (pid == 0) {
		size_t len = 8u << 20;
		unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED)
			memset(m, 1, len);
		pause();
		_exit(0);
	}
	int pidfd = xpidfd_open(pid);
	errno = 0;
	int live_r = process_mrelease(pidfd, 0);
	int live_e = errno;
	errno = 0;
	int flags_r = process_mrelease(pidfd, 1);
	int flags_e = errno;
	xcheck("pidfd_send_signal", pidfd_send_signal(pidfd, SIGKILL, NULL, 0));
	errno = 0;
	int killed_r = process_mrelease(pidfd, 0);
	int killed_e = errno;
	xwait(pid);
	cr_assert(live_r == -1 && live_e == EINVAL, "live process: expected EINVAL, got %d with %s",
		  live_r, ms_errname(live_e));
	cr_assert(flags_r == -1 && flags_e == EINVAL, "flags 1: expected EINVAL, got %d with %s",
		  flags_r, ms_errname(flags_e));
	cr_assert(killed_r == 0 || (killed_r == -1 && killed_e == ESRCH), "killed process: "
		  "expected 0 (or ESRCH if its memory was already gone), got %d with %s", killed_r,
		  ms_errname(killed_e));
	ms_assert_errno(process_mrelease(pidfd, 0), ESRCH);
	xclose(pidfd);
}
