/* Running a test binary so that it cannot reach the rest of the machine.
 *
 * The program runs below an init of ours, PID 1 of a new PID namespace with its own mount
 * namespace, /proc, /tmp and /dev/shm (so Criterion's sockets in /tmp and its shared memory
 * vanish with it, and its pid-named objects cannot collide with another namespace's). Even kill(-1, SIGKILL) from inside reaches only the
 * namespace. The init reaps every orphan, forwards SIGINT/SIGTERM/SIGHUP to the program and
 * ends everything after a short grace, and ends everything when the program exits. It dies
 * with its parent (PR_SET_PDEATHSIG), and its death ends every process of the namespace, so
 * nothing of a run outlives the harness, even a SIGKILLed one. The init and the program sit
 * in a memory cgroup sized for the run, removed afterwards (and reaped after a crash).
 * Without root (no namespaces) the init is a child subreaper instead, and ends its
 * descendants one by one. */
#ifndef MMAPSUITE_CONTAIN_H
#define MMAPSUITE_CONTAIN_H

#include "cgroup.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct ms_contain_opts {
	const char *tag;           /* names the cgroup: "conform", "selftest" */
	uint64_t memory_limit;     /* bytes; 0: no cgroup */
	const char *const *keep;   /* NULL-terminated directories the program needs; those
				    * below /tmp or /dev/shm are bound into its private ones */
};

struct ms_contained {
	pid_t init;                /* our init, as the harness sees it; 0 when none */
	bool namespaced;           /* PID + mount namespace (else: subreaper) */
	bool in_cgroup;
	struct ms_cgroup cg;
	char pidns[64];            /* the namespace's /proc/PID/ns/pid link, for D-state search */
	char how[256];             /* what containment this run got, for logs */
};

/* The memory limit for one test binary run: half of this machine's memory, at most 4 GiB and
 * at least 512 MiB. */
uint64_t ms_contain_memory_limit(void);

/* Starts argv[0] (an absolute path) with env entries "NAME=value" added ("NAME" alone
 * removes NAME), its stdout (and stderr if also_stderr) to out_fd (-1: ours). Returns 0 or
 * -1 (errno). */
int ms_contain_start(struct ms_contained *c, char *const argv[], const char *const env[],
		     int out_fd, bool also_stderr, const struct ms_contain_opts *o);

/* Waits for the program (limit_s > 0: at most that long, then stops it and sets *timed_out).
 * Returns its exit code, 128 + signal if a signal ended it, or -1. Every process of the run is
 * gone and the cgroup removed when it returns. */
int ms_contain_wait(struct ms_contained *c, double limit_s, bool *timed_out);

/* Without waiting, for a caller that keeps several runs going: false while the program runs;
 * true once it has ended, *code then as ms_contain_wait returns it (every process of the run
 * gone, the cgroup removed). */
bool ms_contain_poll(struct ms_contained *c, int *code);

/* Ends every process of the run now: kills the init (which takes the namespace with it),
 * waits a bounded time, names any process stuck in D state with its /proc/PID/stack, and
 * removes the cgroup. Returns as ms_contain_wait. */
int ms_contain_stop(struct ms_contained *c);

/* For the signal path: ends every run still going, waiting a bounded time for each.
 * Async-signal-safe. Registered with the clean-up registry (cleanup.h) by the first run
 * started, so a signal the registry catches stops the runs before anything is released. */
void ms_contain_stop_all(void);

#endif
