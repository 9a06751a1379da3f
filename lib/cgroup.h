/* Memory cgroups for the suite's own processes: a conformance test binary run (with its
 * namespace), a self-test run under a faulty library, a beyond_memory benchmark. Each is
 * named mmapsuite-<tag>-<owner pid>.<n>, created with a memory limit, removed by its owner
 * when done (also from a signal handler), and removed by a later run when its owner died
 * (ms_cgroup_reap). cgroup v1's memory controller or cgroup v2, whichever the machine has. */
#ifndef MMAPSUITE_CGROUP_H
#define MMAPSUITE_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ms_cgroup {
	char dir[768];          /* ours; "" when none */
	char procs[800];        /* dir/cgroup.procs */
	char home_procs[1024];  /* cgroup.procs of the creator's own memory cgroup */
	char version[4];        /* "v1" or "v2" */
};

/* Creates a cgroup limited to limit bytes. Returns 0, 1 when the machine gives none (no
 * root, no memory controller: reason says why; nothing to undo) or -1 on error (reason). */
int ms_cgroup_create(struct ms_cgroup *cg, const char *tag, uint64_t limit, char *reason,
		     size_t len);
/* Moves pid (0: the caller) into the cgroup; 0 or -1. */
int ms_cgroup_enter(const struct ms_cgroup *cg, pid_t pid);
/* Moves the caller back to the cgroup it came from. Async-signal-safe. */
void ms_cgroup_leave(const struct ms_cgroup *cg);
/* Removes the cgroup once its processes are gone (retrying briefly while the kernel lets go
 * of them); 0, or -1 if it is still there. Safe to call twice. Async-signal-safe. */
int ms_cgroup_remove(struct ms_cgroup *cg);
/* Removes cgroups of ours whose owner process is gone; returns how many. */
int ms_cgroup_reap(void);

#endif
