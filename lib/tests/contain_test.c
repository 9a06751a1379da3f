/* The containment of a test binary run (lib/contain.h): kill(-1) from inside reaches nothing
 * outside; stopping a run, or the death of its harness, leaves no process of it. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "contain.h"
#include "util.h"

static const struct ms_contain_opts opts = { "unit", 256u << 20, NULL };

static void require_namespaces(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root for a PID namespace");
}

/* nftw callback (FTW_ACTIONRETVAL): stops at a directory within 6 levels whose name starts
 * with cgroup_prefix, and goes no deeper than that. */
static char cgroup_prefix[64];
static int find_cgroup(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	if (type != FTW_D)
		return FTW_CONTINUE;
	if (!strncmp(path + ftw->base, cgroup_prefix, strlen(cgroup_prefix)))
		return FTW_STOP;
	return ftw->level >= 6 ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
}

/* Processes whose PID namespace is link. */
static int members_of(const char *link)
{
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while (d && (e = readdir(d))) {
		char path[64], l[64];
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", e->d_name);
		ssize_t k = readlink(path, l, sizeof(l) - 1);
		if (atoi(e->d_name) > 0 && k > 0) {
			l[k] = 0;
			n += strcmp(l, link) == 0;
		}
	}
	if (d)
		closedir(d);
	return n;
}

static bool alive(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	char *s = ms_read_file(path, NULL);
	char *p = s ? strrchr(s, ')') : NULL;
	bool live = p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	free(s);
	return live;
}

static pid_t start_canary(void)
{
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

static void end_canary(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Assert that kill(-1, SIGKILL) from a contained program (a test double: a shell that runs
 * it only when it is PID 2 of a namespace) ends nothing outside: a canary lives on. */
Test(contain, kill_minus_one_inside_stays_inside)
{
	require_namespaces();
	pid_t canary = start_canary();
	char *argv[] = { "/bin/sh", "-c",
			 "sleep 300 & if [ $$ -le 3 ]; then kill -KILL -1; echo inside; "
			 "else echo not in a PID namespace; exit 3; fi", NULL };
	struct ms_contained c;
	cr_assert_eq(ms_contain_start(&c, argv, NULL, -1, false, &opts), 0);
	cr_assert(c.namespaced, "no namespace as root: %s", c.how);
	int rc = ms_contain_wait(&c, 20, NULL);
	bool survived = alive(canary);
	end_canary(canary);
	cr_assert_eq(rc, 0, "the test double exited %d", rc);
	cr_assert(survived, "the canary outside the namespace was killed");
}

/* Assert that stopping a run ends its program and every orphan of it, and removes its
 * cgroup. */
Test(contain, stop_ends_every_process_of_the_run)
{
	require_namespaces();
	char *argv[] = { "/bin/sh", "-c", "setsid sleep 300 & (sleep 300 &) ; sleep 300", NULL };
	struct ms_contained c;
	cr_assert_eq(ms_contain_start(&c, argv, NULL, -1, false, &opts), 0);
	usleep(300000);
	char link[64], cg[sizeof(c.cg.dir)];
	snprintf(link, sizeof(link), "%s", c.pidns);
	snprintf(cg, sizeof(cg), "%s", c.cg.dir);
	cr_assert_geq(members_of(link), 4, "expected init, sh and three sleeps");
	ms_contain_stop(&c);
	cr_assert_eq(members_of(link), 0, "processes of the run outlived its stop");
	cr_assert(!cg[0] || access(cg, F_OK) != 0, "the cgroup %s is still there", cg);
}

/* Assert that ms_contain_poll keeps two runs going from one process: false while a run's
 * program runs, true with its exit code once it has ended (the other run going on), and the
 * ended run's cgroup gone. */
Test(contain, poll_reports_each_of_two_runs_when_it_ends)
{
	require_namespaces();
	char *quick[] = { "/bin/sh", "-c", "exit 7", NULL };
	char *slow[] = { "/bin/sh", "-c", "sleep 300", NULL };
	struct ms_contained a, b;
	cr_assert_eq(ms_contain_start(&b, slow, NULL, -1, false, &opts), 0);
	cr_assert_eq(ms_contain_start(&a, quick, NULL, -1, false, &opts), 0);
	char cg[sizeof(a.cg.dir)];
	snprintf(cg, sizeof(cg), "%s", a.cg.dir);
	int code = -2;
	double start = ms_now();
	while (!ms_contain_poll(&a, &code) && ms_now() - start < 20)
		usleep(10000);
	int slow_code = -2;
	bool slow_ended = ms_contain_poll(&b, &slow_code);
	ms_contain_stop(&b);
	cr_assert_eq(code, 7, "the quick run's exit code: %d", code);
	cr_assert(!slow_ended, "the slow run was reported ended (code %d)", slow_code);
	cr_assert(!cg[0] || access(cg, F_OK) != 0, "the ended run's cgroup %s is still there", cg);
	cr_assert(ms_contain_poll(&a, &code) && code == -1, "a run polled after it ended: %d",
		  code);
}

/* Assert that without namespaces (the non-root fallback, forced here) the init, a child
 * subreaper, still ends every descendant: the orphans of its program included. */
Test(contain, subreaper_fallback_ends_orphans)
{
	char pids[] = "/tmp/mmapsuite-contain-XXXXXX";
	int fd = mkstemp(pids);
	cr_assert_geq(fd, 0);
	close(fd);
	setenv("MMAPSUITE_CONTAIN_NO_NS", "1", 1);
	char *cmd = ms_asprintf("setsid sleep 300 & echo $! > %s; (sleep 300 & echo $! >> %s); "
			        "sleep 300", pids, pids);
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct ms_contained c;
	int started = ms_contain_start(&c, argv, NULL, -1, false, &opts);
	unsetenv("MMAPSUITE_CONTAIN_NO_NS");
	cr_assert_eq(started, 0);
	cr_assert(!c.namespaced);
	usleep(300000);
	ms_contain_stop(&c);
	FILE *f = fopen(pids, "r");
	int pid, n = 0;
	while (f && fscanf(f, "%d", &pid) == 1) {
		n++;
		cr_assert(!alive(pid), "orphan %d outlived the run", pid);
	}
	if (f)
		fclose(f);
	unlink(pids);
	free(cmd);
	cr_assert_eq(n, 2, "the test double did not start its two orphans");
}

/* Assert that when the harness is SIGKILLed nothing of its run goes on. */
Test(contain, harness_death_ends_the_run)
{
	require_namespaces();
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	pid_t harness = fork();
	cr_assert(harness >= 0);
	if (harness == 0) {
		char *argv[] = { "/bin/sh", "-c", "setsid sleep 300 & sleep 300", NULL };
		struct ms_contained c;
		if (ms_contain_start(&c, argv, NULL, -1, false, &opts) != 0)
			_exit(1);
		usleep(200000);
		if (write(fds[1], c.pidns, sizeof(c.pidns)) != sizeof(c.pidns))
			_exit(1);
		pause();
		_exit(0);
	}
	char link[64] = "";
	cr_assert_eq(read(fds[0], link, sizeof(link)), (ssize_t)sizeof(link));
	cr_assert_geq(members_of(link), 3);
	kill(harness, SIGKILL);
	waitpid(harness, NULL, 0);
	int left = -1;
	for (int i = 0; i < 300 && left; i++) {
		left = members_of(link);
		usleep(10000);
	}
	cr_assert_eq(left, 0, "%d processes of the run outlived its SIGKILLed harness", left);
	ms_cgroup_reap(); /* the next run's part: the dead harness's cgroup */
	snprintf(cgroup_prefix, sizeof(cgroup_prefix), "mmapsuite-unit-%d.", (int)harness);
	cr_assert_neq(nftw("/sys/fs/cgroup", find_cgroup, 16, FTW_PHYS | FTW_ACTIONRETVAL),
		      FTW_STOP,
		     "the dead harness's cgroup was not reaped");
}
