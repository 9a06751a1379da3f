/* A memory cgroup for beyond_memory: the process enters a cgroup with a memory limit, so its
 * page cache and mapped file pages are reclaimed as on a machine that small. The cgroup is
 * named after our pid; it is left and removed at teardown, at exit, on SIGINT/SIGTERM/SIGHUP,
 * and a later run removes one whose owner died (SIGKILL). */
#include "runner_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CG_PREFIX "mmapsuite-bench-"

static char cg_mount[256];       /* /sys/fs/cgroup/memory (v1) or /sys/fs/cgroup (v2) */
static char cg_dir[512];         /* ours */
static char cg_home_procs[1024]; /* cgroup.procs of where we came from */
static char my_pid[24];
static volatile sig_atomic_t cg_active;
static struct sigaction old_actions[3];
static const int cg_signals[3] = { SIGINT, SIGTERM, SIGHUP };

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Async-signal-safe: only open, write, close, rmdir on paths computed beforehand. */
static void cg_remove(void)
{
	if (!cg_active)
		return;
	cg_active = 0;
	write_str(cg_home_procs, my_pid);
	rmdir(cg_dir);
}

static void cg_signal(int sig)
{
	cg_remove();
	for (int i = 0; i < 3; i++)
		sigaction(cg_signals[i], &old_actions[i], NULL);
	raise(sig);
}

/* "v1" or "v2" with cg_mount set and the home cgroup's procs file, or NULL with reason. */
static const char *cg_detect(char *reason, size_t len)
{
	char line[1024], home[800] = "";
	const char *version = NULL;
	FILE *f;

	if (access("/sys/fs/cgroup/memory/cgroup.procs", F_OK) == 0) {
		strcpy(cg_mount, "/sys/fs/cgroup/memory");
		version = "v1";
	} else {
		char *ctl = NULL;
		size_t n = 0;
		FILE *c = fopen("/sys/fs/cgroup/cgroup.subtree_control", "r");

		if (c && getline(&ctl, &n, c) > 0 && strstr(ctl, "memory")) {
			strcpy(cg_mount, "/sys/fs/cgroup");
			version = "v2";
		}
		free(ctl);
		if (c)
			fclose(c);
	}
	if (!version) {
		snprintf(reason, len, "no memory cgroup controller (neither v1 at "
			 "/sys/fs/cgroup/memory nor v2 with memory in cgroup.subtree_control)");
		return NULL;
	}
	f = fopen("/proc/self/cgroup", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':'), *q = p ? strchr(p + 1, ':') : NULL;

		if (!q)
			continue;
		*q = 0;
		q[strcspn(q + 1, "\n") + 1] = 0;
		if ((!strcmp(version, "v1") && strstr(p + 1, "memory")) ||
		    (!strcmp(version, "v2") && p[1] == 0))
			snprintf(home, sizeof(home), "%s", q + 1);
	}
	if (f)
		fclose(f);
	snprintf(cg_home_procs, sizeof(cg_home_procs), "%s%s/cgroup.procs", cg_mount,
		 strcmp(home, "/") ? home : "");
	return version;
}

/* Removes cgroups of ours whose process is gone. */
static void cg_reap(void)
{
	DIR *d = opendir(cg_mount);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[600];
		int pid;

		if (strncmp(e->d_name, CG_PREFIX, strlen(CG_PREFIX)))
			continue;
		pid = atoi(e->d_name + strlen(CG_PREFIX));
		if (pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH))
			continue;
		snprintf(path, sizeof(path), "%s/%s", cg_mount, e->d_name);
		if (rmdir(path) == 0)
			fprintf(stderr, "mmapsuite bench: removed leftover cgroup %s\n", path);
	}
	if (d)
		closedir(d);
}

void bench_cgroup_reap(void)
{
	char reason[200];

	if (geteuid() == 0 && cg_detect(reason, sizeof(reason)))
		cg_reap();
}

int bench_cgroup_enter(uint64_t limit, char *reason, size_t len)
{
	static bool atexit_done;
	const char *version;
	char path[700], val[32];
	struct sigaction sa = { .sa_handler = cg_signal };

	if (geteuid() != 0) {
		snprintf(reason, len, "needs root to create a memory cgroup");
		return BENCH_SKIP;
	}
	version = cg_detect(reason, len);
	if (!version)
		return BENCH_SKIP;
	cg_reap();
	snprintf(my_pid, sizeof(my_pid), "%d", (int)getpid());
	snprintf(cg_dir, sizeof(cg_dir), "%s/" CG_PREFIX "%d", cg_mount, (int)getpid());
	if (mkdir(cg_dir, 0755) && errno != EEXIST) {
		snprintf(reason, len, "mkdir %s: %s", cg_dir, strerrorname_np(errno));
		return -1;
	}
	cg_active = 1;
	if (!atexit_done) {
		atexit(bench_cgroup_leave);
		atexit_done = true;
	}
	for (int i = 0; i < 3; i++)
		sigaction(cg_signals[i], &sa, &old_actions[i]);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)limit);
	snprintf(path, sizeof(path), "%s/%s", cg_dir, !strcmp(version, "v1") ?
		 "memory.limit_in_bytes" : "memory.max");
	if (write_str(path, val)) {
		snprintf(reason, len, "writing %s to %s: %s", val, path, strerrorname_np(errno));
		bench_cgroup_leave();
		return -1;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg_dir);
	if (write_str(path, my_pid)) {
		snprintf(reason, len, "entering %s: %s", cg_dir, strerrorname_np(errno));
		bench_cgroup_leave();
		return -1;
	}
	snprintf(reason, len, "%s", version);
	return 0;
}

void bench_cgroup_leave(void)
{
	if (!cg_active)
		return;
	cg_remove();
	for (int i = 0; i < 3; i++)
		sigaction(cg_signals[i], &old_actions[i], NULL);
}
