/* A memory cgroup for beyond_memory: the process enters a cgroup with a memory limit, so its
 * page cache and mapped file pages are reclaimed as on a machine that small. The cgroup
 * itself is lib/cgroup.c's; here it is left and removed at teardown, and through the clean-up
 * registry (lib/cleanup.h) at exit and on SIGINT/SIGTERM/SIGHUP, by this process only; a later
 * run removes one whose owner died (SIGKILL). */
#include "runner_internal.h"

#include "cgroup.h"
#include "cleanup.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static struct ms_cgroup cg;
static volatile sig_atomic_t cg_active;

void bench_cgroup_reap(void)
{
	ms_cgroup_reap();
}

int bench_cgroup_enter(uint64_t limit, char *reason, size_t len)
{
	ms_cgroup_reap();
	int rc = ms_cgroup_create(&cg, "bench", limit, reason, len);
	if (rc != 0)
		return rc > 0 ? BENCH_SKIP : -1;
	cg_active = 1;
	if (ms_cleanup_add(MS_CLEANUP_RELEASE, bench_cgroup_leave,
			   MS_CLEANUP_AT_EXIT | MS_CLEANUP_ON_SIGNAL) != 0) {
		snprintf(reason, len, "the clean-up registry is full: %s would outlive a Ctrl-C",
			 cg.dir);
		bench_cgroup_leave();
		return -1;
	}
	ms_cleanup_catch_signals();
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
}
