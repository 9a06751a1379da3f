#include "cleanup.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

struct entry {
	void (*fn)(void);
	pid_t owner;
	enum ms_cleanup_phase phase;
	volatile sig_atomic_t when; /* 0: removed, or claimed by a run */
};

/* Filled in order and never reused, so "newest first" is the slot order; a slot is complete
 * before n_entries counts it, so the signal path never reads a half-written entry. */
static struct entry entries[MS_CLEANUP_MAX];
static volatile sig_atomic_t n_entries;
static bool exit_hook_installed;

static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
#define N_CAUGHT (int)(sizeof(caught) / sizeof(caught[0]))

static void caught_set(sigset_t *set)
{
	sigemptyset(set);
	for (int i = 0; i < N_CAUGHT; i++)
		sigaddset(set, caught[i]);
}

static void at_exit(void)
{
	/* A Ctrl-C during the exit clean-up waits until it is done, then kills us as usual. */
	sigset_t block, old;
	caught_set(&block);
	sigprocmask(SIG_BLOCK, &block, &old);
	ms_cleanup_run(MS_CLEANUP_AT_EXIT);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int ms_cleanup_add(enum ms_cleanup_phase phase, void (*fn)(void), unsigned when)
{
	pid_t me = getpid();
	if (!exit_hook_installed) {
		/* atexit() handlers are inherited by a fork: the owner check below keeps a child out */
		if (atexit(at_exit) != 0)
			return -1;
		exit_hook_installed = true;
	}
	int n = n_entries;
	for (int i = 0; i < n; i++) {
		if (entries[i].fn == fn && entries[i].owner == me) {
			entries[i].phase = phase;
			entries[i].when |= (sig_atomic_t)when;
			return 0;
		}
	}
	if (n >= MS_CLEANUP_MAX)
		return -1;
	entries[n] = (struct entry){ .fn = fn, .owner = me, .phase = phase,
				     .when = (sig_atomic_t)when };
	n_entries = n + 1; /* last: the slot is complete */
	return 0;
}

void ms_cleanup_remove(void (*fn)(void))
{
	pid_t me = getpid();
	for (int i = 0; i < n_entries; i++)
		if (entries[i].fn == fn && entries[i].owner == me)
			entries[i].when = 0;
}

void ms_cleanup_run(unsigned when)
{
	pid_t me = getpid(); /* a system call since glibc 2.25: right in a fork()ed child too */
	for (int phase = MS_CLEANUP_STOP; phase <= MS_CLEANUP_RELEASE; phase++) {
		for (int i = n_entries - 1; i >= 0; i--) {
			struct entry *e = &entries[i];
			if (e->owner != me || (int)e->phase != phase || !((unsigned)e->when & when))
				continue;
			e->when = 0; /* claimed: a signal arriving now does not run it twice */
			e->fn();
		}
	}
}

static void on_signal(int sig)
{
	ms_cleanup_run(MS_CLEANUP_ON_SIGNAL);
	/* Die of the signal itself, so the exit status still says it: it is blocked while this
	 * handler runs and is delivered, now with the default action, when it returns. */
	signal(sig, SIG_DFL);
	raise(sig);
}

void ms_cleanup_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	/* one clean-up at a time: a second Ctrl-C or a SIGTERM waits for the first to finish */
	caught_set(&sa.sa_mask);
	for (int i = 0; i < N_CAUGHT; i++)
		sigaction(caught[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
