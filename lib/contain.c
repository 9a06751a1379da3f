#include "contain.h"
#include "cleanup.h"
#include "place.h"
#include "trusted_env.h"
#include "guard.h"
#include "util.h"
#include "subprocess.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 8
#define MAX_KEEP 32
#define GRACE_S 2.0        /* from a forwarded signal to the end of everything */
#define STOP_WAIT_S 10.0   /* for the init to be reaped after it was killed */

/* Runs alive, for ms_contain_stop_all(); only whole-word stores. */
static struct ms_contained *volatile runs[MAX_RUNS];

struct launch {
	char *const *argv;
	const char *const *env;
	int out_fd;
	bool also_stderr;
	int go_r, go_w;
	bool namespaced;
	const char *const *keep;
	unsigned long tmp_mb; /* size of the private /tmp, measured before the clone */
};

/* ---- the init (PID 1 of the namespace, or a subreaper without one) ---- */

static void init_say(const char *what, const char *arg)
{
	dprintf(STDERR_FILENO, "mmapsuite init: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
}

/* Every path a variable of the list names (lib/trusted_env.c: policy overrides, the device
 * tree, the bundle's libraries, ...): the run was told to read them, so they stay visible
 * inside its private /tmp. A root run keeps only those ms_env() would honour. */
static int paths_from_environment(const char **out, int room, char *store, size_t storelen)
{
	int n = 0;
	size_t used = 0;
	for (const struct ms_env_var *v = ms_env_vars; v->name && n < room; v++) {
		if (v->kind != MS_ENV_PATH && v->kind != MS_ENV_PATH_LIST)
			continue;
		const char *value = getenv(v->name);
		if (!value || !*value)
			continue;
		for (const char *p = value; *p && n < room;) {
			size_t len = v->kind == MS_ENV_PATH_LIST ? strcspn(p, ":") : strlen(p);
			if (len && used + len + 1 <= storelen) {
				char *copy = store + used;
				memcpy(copy, p, len);
				copy[len] = 0;
				used += len + 1;
				char why[PATH_MAX + 128];
				if (geteuid() != 0 || ms_path_is_trusted(copy, why, sizeof(why)))
					out[n++] = copy;
			}
			p += len;
			if (*p == ':')
				p++;
		}
	}
	return n;
}

/* The mount point for a kept path: a directory, or an empty file for a file. */
static int make_mount_point(const char *path, bool dir)
{
	if (dir)
		return ms_mkdir_p_unanchored(path, 0755);
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = 0;
		if (ms_mkdir_p_unanchored(parent, 0755) != 0)
			return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* The size of the private /tmp: 256 MiB where THP's PMD is 2 MiB, 128 PMDs where it is larger
 * (4 GiB on arm64-16k, 2 GiB under ppc64's hash MMU), at most half the memory. */
static unsigned long tmp_size_mb(void)
{
	unsigned long mb = 256, pmd_mb = (unsigned long)(ms_place_pmd_size() >> 20);
	if (pmd_mb > 2)
		mb = 128 * pmd_mb;
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	unsigned long half = pages > 0 && page > 0 ?
		(unsigned long)(((unsigned long long)pages * (unsigned long long)page) >> 21) : mb;
	return mb > half && half >= 256 ? half : mb;
}

/* A private /tmp and /dev/shm, with the directories and files the program needs that lie
 * below them bound back in at the same paths; a fresh /proc for the new PID namespace.
 * /dev/shm must be private too: Criterion's sandbox names its shared memory after the pid
 * ("bxfi_<pid>"), and pids inside two namespaces collide (seen: "Could not initialize test
 * context"). */
static void init_mounts(const char *const *keep, unsigned long tmp_mb)
{
	static const char *const private_dirs[] = { "/tmp", "/dev/shm" };
	/* /tmp: 128 huge pages of the PMD size, 256 MiB where it is 2 MiB (tmp_size_mb) */
	char tmp_opts[64];
	snprintf(tmp_opts, sizeof(tmp_opts), "mode=1777,size=%lum", tmp_mb);
	const char *const private_opts[] = { tmp_opts, "mode=1777" };
	int fds[MAX_KEEP];
	bool is_dir[MAX_KEEP];
	const char *paths[MAX_KEEP];
	int n = 0;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		init_say("cannot make the mounts private", strerror(errno));
	/* The directories the caller names, and every file or directory a variable names: a
	 * checkout, a bundle or a test's override file below /tmp must stay readable (CI may
	 * clone under /tmp). */
	const char *all[MAX_KEEP];
	static char store[8192];
	int n_all = 0;
	for (int i = 0; keep && keep[i] && n_all < MAX_KEEP; i++)
		all[n_all++] = keep[i];
	n_all += paths_from_environment(all + n_all, MAX_KEEP - n_all, store, sizeof(store));
	for (int i = 0; i < n_all && n < MAX_KEEP; i++)
		for (int d = 0; d < 2; d++) {
			size_t len = strlen(private_dirs[d]);
			if (strncmp(all[i], private_dirs[d], len) || all[i][len] != '/')
				continue;
			struct stat st;
			int fd = open(all[i], O_PATH | O_CLOEXEC);
			if (fd >= 0 && fstat(fd, &st) == 0)
				paths[n] = all[i], is_dir[n] = S_ISDIR(st.st_mode), fds[n++] = fd;
			else if (fd >= 0)
				close(fd);
		}
	for (int d = 0; d < 2; d++)
		if (mount("mmapsuite", private_dirs[d], "tmpfs", MS_NOSUID | MS_NODEV,
			  private_opts[d]) != 0)
			init_say("no private directory", private_dirs[d]);
	for (int i = 0; i < n; i++) {
		char from[64];
		/* cppcheck-suppress uninitvar ; fds[0..n) are all set by the loop above */
		snprintf(from, sizeof(from), "/proc/self/fd/%d", fds[i]);
		if (make_mount_point(paths[i], is_dir[i]) != 0 ||
		    mount(from, paths[i], NULL, MS_BIND | MS_REC, NULL) != 0)
			init_say("cannot keep a path", paths[i]);
		close(fds[i]);
	}
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		init_say("no /proc of its own", strerror(errno));
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t r = write(fd, s, strlen(s));
		(void)r;
		close(fd);
	}
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	int ppid;
	return p && sscanf(p + 1, " %*c %d", &ppid) == 1 ? ppid : -1;
}

/* Says on stderr, with the kernel stack, when pid is in D state: it cannot die until the
 * kernel lets go of it, so a bounded wait ends with this report instead of a hang. */
static void report_if_stuck(const char *who, pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	char *stat = ms_read_file(path, NULL);
	char *p = stat ? strrchr(stat, ')') : NULL;
	if (p && p[1] == ' ' && p[2] == 'D') {
		snprintf(path, sizeof(path), "/proc/%d/stack", (int)pid);
		char *stack = ms_read_file(path, NULL);
		dprintf(STDERR_FILENO, "%s: test process %d is stuck in D state (uninterruptible) "
			"and cannot be killed; its kernel stack:\n%s", who, (int)pid,
			stack ? stack : "(unreadable)\n");
		free(stack);
	}
	free(stat);
}

/* From the init, after its bounded wait: every process still here that is in D state, with
 * its kernel stack (it cannot die until the kernel lets go of it). */
static void init_report_stuck(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while (d && (e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 0 || pid == getpid())
			continue;
		report_if_stuck("mmapsuite init", pid);
	}
	if (d)
		closedir(d);
}

/* Ends every process of the run. In the namespace, kill(-1) from its PID 1 reaches exactly
 * its other members; as a subreaper, each of our children is ours (the orphans of our
 * descendants are re-parented to us), until none is left. */
static void init_end_all(bool namespaced)
{
	for (int round = 0; round < 500; round++) {
		if (namespaced && getpid() == 1)
			syscall(SYS_kill, -1, SIGKILL);
		else {
			DIR *d = opendir("/proc");
			struct dirent *e;
			/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
			while (d && (e = readdir(d))) {
				pid_t pid = (pid_t)atoi(e->d_name);
				if (pid > 1 && pid != getpid() && parent_of(pid) == getpid())
					syscall(SYS_kill, pid, SIGKILL);
			}
			if (d)
				closedir(d);
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			return;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	init_report_stuck();
}

static int init_main(void *arg)
{
	const struct launch *l = arg;
	/* the harness's death ends us: SIGKILL takes the namespace with us; without one, SIGUSR1
	 * lets us end our descendants first */
	prctl(PR_SET_PDEATHSIG, l->namespaced ? SIGKILL : SIGUSR1);
	close(l->go_w);
	char go;
	if (read(l->go_r, &go, 1) != 1)
		_exit(125); /* the harness died before it let us start */
	close(l->go_r);
	if (l->namespaced)
		init_mounts(l->keep, l->tmp_mb);
	else
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* The runner inherits 0; then we take -1000: an OOM in the cgroup takes a test, not us. */
	write_file("/proc/self/oom_score_adj", "0");
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	struct ms_spawn runner_spawn = MS_SPAWN_INIT;
	runner_spawn.argv = l->argv;
	runner_spawn.find = MS_SPAWN_SELF;
	runner_spawn.env = l->env;
	runner_spawn.default_signals = true;
	runner_spawn.fd[STDOUT_FILENO] = l->out_fd;
	if (l->also_stderr)
		runner_spawn.fd[STDERR_FILENO] = l->out_fd;
	pid_t runner = ms_spawn_start(&runner_spawn);
	if (runner < 0) {
		dprintf(l->out_fd >= 0 && l->also_stderr ? l->out_fd : STDERR_FILENO,
			"mmapsuite: cannot run %s: %s\n", l->argv[0], strerror(errno));
		_exit(127);
	}
	write_file("/proc/self/oom_score_adj", "-1000");
	int code = -1;
	double end_at = 0;
	for (;;) {
		struct timespec tick = { 0, 100 * 1000 * 1000 };
		siginfo_t si;
		int sig = sigtimedwait(&all, &si, &tick);
		int status;
		pid_t p;
		while ((p = waitpid(-1, &status, WNOHANG)) > 0)
			if (p == runner)
				code = ms_exit_code(status);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
			if (code < 0)
				syscall(SYS_kill, runner, sig);
			if (!end_at)
				end_at = ms_now() + GRACE_S;
		} else if (sig == SIGUSR1) {
			end_at = ms_now();
		}
		if (code >= 0 || (end_at && ms_now() >= end_at))
			break;
	}
	init_end_all(l->namespaced);
	_exit(code >= 0 ? code : 128 + SIGKILL);
}

/* ---- the harness's side ---- */

static void ns_link(pid_t pid, char *out, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	ssize_t n = readlink(path, out, len - 1);
	out[n > 0 ? n : 0] = 0;
}

static void add_run(struct ms_contained *c)
{
	/* on Ctrl-C the runs end first: none may write to what is released next (cleanup.h) */
	ms_cleanup_add(MS_CLEANUP_STOP, ms_contain_stop_all, MS_CLEANUP_ON_SIGNAL);
	for (int i = 0; i < MAX_RUNS; i++)
		if (!runs[i]) {
			runs[i] = c;
			return;
		}
}

static void drop_run(struct ms_contained *c)
{
	for (int i = 0; i < MAX_RUNS; i++)
		if (runs[i] == c)
			runs[i] = NULL;
}

uint64_t ms_contain_memory_limit(void)
{
	uint64_t mem = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE) / 2;
	if (mem > (4ull << 30))
		mem = 4ull << 30;
	return mem < (512ull << 20) ? 512ull << 20 : mem;
}

int ms_contain_start(struct ms_contained *c, char *const argv[], const char *const env[],
		     int out_fd, bool also_stderr, const struct ms_contain_opts *o)
{
	memset(c, 0, sizeof(*c));
	int go[2];
	if (pipe2(go, O_CLOEXEC) != 0)
		return -1;
	struct launch l = { argv, env, out_fd, also_stderr, go[0], go[1], true, o->keep,
			    tmp_size_mb() };
	size_t stack_len = 256 * 1024;
	char *stack = mmap(NULL, stack_len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		close(go[0]), close(go[1]);
		return -1;
	}
	fflush(NULL);
	pid_t pid = -1;
	const char *no_ns = ms_env("MMAPSUITE_CONTAIN_NO_NS"); /* tests of the fallback only */
	if (geteuid() == 0 && !(no_ns && *no_ns))
		pid = clone(init_main, stack + stack_len, CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, &l);
	if (pid < 0) {
		l.namespaced = false;
		pid = clone(init_main, stack + stack_len, SIGCHLD, &l);
	}
	int e = errno;
	munmap(stack, stack_len); /* the child has its own copy */
	close(go[0]);
	if (pid < 0) {
		close(go[1]);
		errno = e;
		return -1;
	}
	ms_guard_remember(pid);
	c->init = pid;
	c->namespaced = l.namespaced;
	if (c->namespaced)
		ns_link(pid, c->pidns, sizeof(c->pidns));
	add_run(c);
	char reason[256] = "";
	int cg = o->memory_limit ? ms_cgroup_create(&c->cg, o->tag, o->memory_limit, reason,
						    sizeof(reason))
				 : 1;
	if (cg == 0 && ms_cgroup_enter(&c->cg, pid) == 0) {
		c->in_cgroup = true;
		snprintf(reason, sizeof(reason), "memory cgroup %s of %llu MiB", c->cg.version,
			 (unsigned long long)(o->memory_limit >> 20));
	} else if (cg == 0) {
		ms_cgroup_remove(&c->cg);
		snprintf(reason, sizeof(reason), "no memory cgroup (cannot enter it)");
	} else if (o->memory_limit) {
		ms_warn("%s: running without a memory cgroup: %s", argv[0], reason);
	}
	snprintf(c->how, sizeof(c->how), "%s; %s",
		 c->namespaced ? "PID and mount namespace under our init"
			       : "child subreaper (no namespaces without root)",
		 reason[0] ? reason : "no memory cgroup");
	if (write(go[1], "g", 1) != 1) {
		close(go[1]);
		ms_contain_stop(c);
		return -1;
	}
	close(go[1]);
	return 0;
}

static int finish(struct ms_contained *c, int status)
{
	ms_guard_forget(c->init);
	c->init = 0;
	drop_run(c);
	if (c->in_cgroup && ms_cgroup_remove(&c->cg) != 0)
		ms_warn("cannot remove the cgroup %s (a process stuck in it?)", c->cg.dir);
	c->in_cgroup = false;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int ms_contain_wait(struct ms_contained *c, double limit_s, bool *timed_out)
{
	double start = ms_now();
	if (timed_out)
		*timed_out = false;
	while (c->init > 0) {
		int status;
		pid_t r = waitpid(c->init, &status, limit_s > 0 ? WNOHANG : 0);
		if (r == c->init)
			return finish(c, status);
		if (r < 0 && errno != EINTR) {
			finish(c, 0xff00);
			return -1;
		}
		if (limit_s > 0 && ms_now() - start > limit_s) {
			if (timed_out)
				*timed_out = true;
			return ms_contain_stop(c);
		}
		if (r == 0)
			usleep(20000);
	}
	return -1;
}

bool ms_contain_poll(struct ms_contained *c, int *code)
{
	*code = -1;
	if (c->init <= 0)
		return true;
	int status;
	pid_t r = waitpid(c->init, &status, WNOHANG);
	if (r == c->init)
		*code = finish(c, status);
	else if (r < 0 && errno != EINTR)
		finish(c, 0xff00);
	else
		return false;
	return true;
}

/* Processes of the run in D state, each named with its kernel stack. */
static void report_stuck(const struct ms_contained *c)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while (d && (e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 0)
			continue;
		char link[64] = "";
		ns_link(pid, link, sizeof(link));
		bool member = c->pidns[0] && !strcmp(link, c->pidns);
		if (!member && c->in_cgroup) {
			char *procs = ms_read_file(c->cg.procs, NULL);
			char *all = ms_asprintf("\n%s", procs ? procs : ""), needle[24];
			snprintf(needle, sizeof(needle), "\n%d\n", (int)pid);
			member = strstr(all, needle) != NULL;
			free(procs), free(all);
		}
		if (!member)
			continue;
		report_if_stuck("mmapsuite", pid);
	}
	if (d)
		closedir(d);
}

static bool reaped_within(struct ms_contained *c, double s, int *status)
{
	for (double end = ms_now() + s; ms_now() < end;) {
		pid_t r = waitpid(c->init, status, WNOHANG);
		if (r == c->init || (r < 0 && errno == ECHILD))
			return true;
		usleep(10000);
	}
	return false;
}

int ms_contain_stop(struct ms_contained *c)
{
	if (c->init <= 0)
		return -1;
	int status = 0xff00;
	if (!c->namespaced) {
		/* the init ends its descendants itself; SIGKILL would orphan them */
		ms_guard_kill(c->init, SIGUSR1);
		if (reaped_within(c, 5, &status))
			return finish(c, status);
	}
	ms_guard_kill(c->init, SIGKILL);
	if (reaped_within(c, STOP_WAIT_S, &status))
		return finish(c, status);
	report_stuck(c);
	if (reaped_within(c, 3 * STOP_WAIT_S, &status))
		return finish(c, status);
	ms_warn("the run's init %d is still not gone after %.0f s; leaving it", (int)c->init,
		4 * STOP_WAIT_S);
	drop_run(c);
	return -1;
}

void ms_contain_stop_all(void)
{
	for (int i = 0; i < MAX_RUNS; i++) {
		struct ms_contained *c = runs[i];
		if (!c || c->init <= 0)
			continue;
		ms_guard_kill(c->init, c->namespaced ? SIGKILL : SIGUSR1);
		/* bounded: 10 s, with nanosleep (async-signal-safe) */
		for (int t = 0; t < 1000; t++) {
			pid_t r = waitpid(c->init, NULL, WNOHANG);
			if (r == c->init || (r < 0 && errno != EINTR))
				break;
			if (t == 999)
				report_stuck(c); /* not async-signal-safe, but the run is over anyway */
			if (t == 500 && !c->namespaced)
				ms_guard_kill(c->init, SIGKILL);
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		if (c->in_cgroup)
			ms_cgroup_remove(&c->cg);
		runs[i] = NULL;
	}
}
