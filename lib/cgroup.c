#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CG_PREFIX "mmapsuite-"

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, s, strlen(s));
	int e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* The memory hierarchy's mount, its version, and our own cgroup's directory in it. */
static const char *detect(char *mount, size_t mlen, char *home, size_t hlen)
{
	const char *version = NULL;
	if (access("/sys/fs/cgroup/memory/cgroup.procs", F_OK) == 0) {
		snprintf(mount, mlen, "/sys/fs/cgroup/memory");
		version = "v1";
	} else {
		char line[256] = "";
		FILE *c = fopen("/sys/fs/cgroup/cgroup.subtree_control", "r");
		if (c && fgets(line, sizeof(line), c) && strstr(line, "memory")) {
			snprintf(mount, mlen, "/sys/fs/cgroup");
			version = "v2";
		}
		if (c)
			fclose(c);
	}
	if (!version)
		return NULL;
	snprintf(home, hlen, "%s", mount);
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[1024];
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':'), *q = p ? strchr(p + 1, ':') : NULL;
		if (!q)
			continue;
		*q = 0;
		q[strcspn(q + 1, "\n") + 1] = 0;
		bool mine = !strcmp(version, "v1") ? strstr(p + 1, "memory") != NULL : p[1] == 0;
		if (mine && strcmp(q + 1, "/"))
			snprintf(home, hlen, "%s%s", mount, q + 1);
	}
	if (f)
		fclose(f);
	return version;
}

int ms_cgroup_create(struct ms_cgroup *cg, const char *tag, uint64_t limit, char *reason,
		     size_t len)
{
	static int serial;
	char mount[256], home[700], path[900], val[32];
	memset(cg, 0, sizeof(*cg));
	if (geteuid() != 0) {
		snprintf(reason, len, "needs root to create a memory cgroup");
		return 1;
	}
	const char *version = detect(mount, sizeof(mount), home, sizeof(home));
	if (!version) {
		snprintf(reason, len, "no memory cgroup controller (neither v1 at "
			 "/sys/fs/cgroup/memory nor v2 with memory in cgroup.subtree_control)");
		return 1;
	}
	snprintf(cg->version, sizeof(cg->version), "%s", version);
	snprintf(cg->home_procs, sizeof(cg->home_procs), "%s/cgroup.procs", home);
	/* v1 nests below our own cgroup, so its limits still hold over ours; v2's rule of no
	 * processes in inner cgroups makes the root the only safe parent there. */
	const char *parent = !strcmp(version, "v1") ? home : mount;
	snprintf(cg->dir, sizeof(cg->dir), "%s/" CG_PREFIX "%s-%d.%d", parent, tag, (int)getpid(),
		 serial++);
	snprintf(cg->procs, sizeof(cg->procs), "%s/cgroup.procs", cg->dir);
	if (mkdir(cg->dir, 0755) != 0 && errno != EEXIST) {
		snprintf(reason, len, "mkdir %s: %s", cg->dir, strerror(errno));
		cg->dir[0] = 0;
		return -1;
	}
	snprintf(val, sizeof(val), "%llu", (unsigned long long)limit);
	snprintf(path, sizeof(path), "%s/%s", cg->dir,
		 !strcmp(version, "v1") ? "memory.limit_in_bytes" : "memory.max");
	if (write_str(path, val) != 0) {
		snprintf(reason, len, "writing %s to %s: %s", val, path, strerror(errno));
		ms_cgroup_remove(cg);
		return -1;
	}
	snprintf(reason, len, "%s", version);
	return 0;
}

int ms_cgroup_enter(const struct ms_cgroup *cg, pid_t pid)
{
	char s[24];
	snprintf(s, sizeof(s), "%d", pid ? (int)pid : (int)getpid());
	return cg->dir[0] ? write_str(cg->procs, s) : -1;
}

void ms_cgroup_leave(const struct ms_cgroup *cg)
{
	/* "0" names the writer itself (v1 and v2); no formatting in a signal handler */
	if (cg->dir[0])
		write_str(cg->home_procs, "0");
}

int ms_cgroup_remove(struct ms_cgroup *cg)
{
	if (!cg->dir[0])
		return 0;
	/* the last processes may still be on their way out (exit, reparenting of charges) */
	for (int i = 0; i < 200; i++) {
		if (rmdir(cg->dir) == 0 || errno == ENOENT) {
			cg->dir[0] = 0;
			return 0;
		}
		if (errno != EBUSY)
			break;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return -1;
}

static int reap_in(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, CG_PREFIX, strlen(CG_PREFIX)) != 0)
			continue;
		const char *dash = strrchr(e->d_name, '-');
		int pid = dash ? atoi(dash + 1) : 0;
		char path[1200];
		snprintf(path, sizeof(path), "/proc/%d", pid);
		if (pid <= 0 || access(path, F_OK) == 0)
			continue; /* its owner lives (or the name is not ours to judge) */
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (rmdir(path) == 0) {
			fprintf(stderr, "mmapsuite: removed the cgroup %s left by a run that died\n",
				path);
			n++;
		}
	}
	if (d)
		closedir(d);
	return n;
}

int ms_cgroup_reap(void)
{
	char mount[256], home[700];
	if (geteuid() != 0 || !detect(mount, sizeof(mount), home, sizeof(home)))
		return 0;
	int n = reap_in(mount);
	if (strcmp(home, mount))
		n += reap_in(home);
	return n;
}
