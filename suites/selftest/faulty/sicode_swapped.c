/* sicode_swapped: the signal is right but its siginfo lies: SIGSEGV reports SEGV_MAPERR for an
 * access violation and SEGV_ACCERR for an unmapped address; SIGBUS reports BUS_OBJERR instead
 * of BUS_ADRERR. Done by wrapping the SA_SIGINFO handlers the test installs. */
#include "../faulty.h"

#include <stddef.h>

typedef void (*siginfo_handler)(int, siginfo_t *, void *);

static siginfo_handler test_handler[NSIG];

static void lying_handler(int sig, siginfo_t *si, void *uc)
{
	if (sig == SIGSEGV && si->si_code == SEGV_MAPERR)
		si->si_code = SEGV_ACCERR;
	else if (sig == SIGSEGV && si->si_code == SEGV_ACCERR)
		si->si_code = SEGV_MAPERR;
	else if (sig == SIGBUS && si->si_code == BUS_ADRERR)
		si->si_code = BUS_OBJERR;
	test_handler[sig](sig, si, uc);
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct sigaction wrapped;
	if (FAULTY_ACTIVE() && act && (sig == SIGSEGV || sig == SIGBUS) &&
	    (act->sa_flags & SA_SIGINFO) && act->sa_sigaction) {
		test_handler[sig] = act->sa_sigaction;
		wrapped = *act;
		wrapped.sa_sigaction = lying_handler;
		act = &wrapped;
	}
	int r = libc_real.sigaction(sig, act, old);
	/* The test sees its own handler as the previous one, never ours. */
	if (r == 0 && old && (old->sa_flags & SA_SIGINFO) && old->sa_sigaction == lying_handler)
		old->sa_sigaction = test_handler[sig];
	return r;
}
