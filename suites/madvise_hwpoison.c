/* (e) MADV_HWPOISON: access to a poisoned page raises SIGBUS BUS_MCEERR_AR or _AO. */
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

/* ---- e10: hwpoison ---- */

static sigjmp_buf poison_jump;
static siginfo_t poison_info;

static void poison_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	poison_info = *si;
	siglongjmp(poison_jump, 1);
}

/* Child: poison one page and touch it. The kernel may signal at once (early kill) or at the
 * access; either way the first signal must be SIGBUS BUS_MCEERR_AR/AO on that page. */
static void poison_child(void)
{
	size_t pg = ms_page();
	volatile unsigned char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	child_check(p != MAP_FAILED, "mmap: %s", ms_errname(errno));
	p[0] = 1;
	struct sigaction sa = { .sa_sigaction = poison_handler, .sa_flags = SA_SIGINFO };
	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(poison_jump, 1) == 0) {
		child_check(madvise((void *)p, pg, MADV_HWPOISON) == 0,
			    "madvise(MADV_HWPOISON): %s", ms_errname(errno));
		(void)p[0x10];
		child_check(false, "a load from a hwpoisoned page at %p returned", (void *)p);
	}
	unsigned long a = (unsigned long)poison_info.si_addr;
	child_check(poison_info.si_signo == SIGBUS &&
		    (poison_info.si_code == BUS_MCEERR_AR || poison_info.si_code == BUS_MCEERR_AO),
		    "expected SIGBUS BUS_MCEERR_AR, got %s si_code %d",
		    ms_signame(poison_info.si_signo), poison_info.si_code);
	child_check(a >= (unsigned long)p && a < (unsigned long)p + pg,
		    "si_addr %p is outside the poisoned page %p", (void *)a, (void *)p);
	_exit(0);
}

/* Assert that access to a page poisoned with MADV_HWPOISON raises SIGBUS with a machine-check
 * code and an address in that page. LINUX (root, CONFIG_MEMORY_FAILURE). The poisoned page stays
 * out of use until reboot, as with LTP madvise07. */
CONFORM(madvise_hwpoison, poisoned_page_sigbus_mceerr, "e10", LINUX)
{
	ms_require_behaviour(MS_MEMORY_FAILURE);
	ms_require_root();
	size_t pg = ms_page();
	void *probe = xmmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Without CONFIG_MEMORY_FAILURE the advice itself is unknown (EINVAL); with it, poisoning
	 * a PROT_NONE page fails later, in get_user_pages, with another errno. */
	if (madvise(probe, pg, MADV_HWPOISON) == -1 && errno == EINVAL)
		cr_skip_test("madvise(MADV_HWPOISON) gives EINVAL: kernel built without "
			     "CONFIG_MEMORY_FAILURE");
	xmunmap(probe, pg);
	pid_t pid = xfork();
	if (pid == 0)
		poison_child();
	xwait_ok(pid);
}
