/* A memory cgroup for beyond_memory: the process enters a cgroup with a memory limit, so its
 * page cache and mapped file pages are reclaimed as on a machine that small. The cgroup
 * itself is lib/cgroup.c's; here it is left and removed at teardown, at exit and on
 * SIGINT/SIGTERM/SIGHUP, and a later run removes one whose owner died (SIGKILL). */
#include "runner_internal.h"

#include "cgroup.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static struct ms_cgroup cg;
static volatile sig_atomic_t cg_active;
static struct sigaction old_actions[3];
static const int cg_signals[3] = { SIGINT, SIGTERM, SIGHUP };

static void cg_signal(int sig)
{
	bench_cgroup_leave();
	raise(sig);
}

void bench_cgroup_reap(void)
{
	ms_cgroup_reap();
}

int bench_cgroup_enter(uint64_t limit, char *reason, size_t len)
{
	static bool atexit_done;
	struct sigaction sa = { .sa_handler = cg_signal };

	ms_cgroup_reap();
	int rc = ms_cgroup_create(&cg, "bench", limit, reason, len);
	if (rc != 0)
		return rc > 0 ? BENCH_SKIP : -1;
	cg_active = 1;
	if (!atexit_done) {
		atexit(bench_cgroup_leave);
		atexit_done = true;
	}
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(cg_signals[i], &sa, &old_actions[i]);
	if (ms_cgroup_enter(&cg, 0) != 0) {
		snprintf(reason, len, "entering %s failed", cg.dir);
		bench_cgroup_leave();
		return -1;
	}
	snprintf(reason, len, "%s", cg.version);
	return 0;
}

void bench_cgroup_leave(void)
{
	if (!cg_active)
		return;
	cg_active = 0;
	ms_cgroup_leave(&cg);
	ms_cgroup_remove(&cg);
	for (int i = 0; i < 3; i++)
		sigaction(cg_signals[i], &old_actions[i], NULL);
}
