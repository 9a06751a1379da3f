#include "machine_settings.h"
#include "place.h"
#include "state_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The hugetlb pool's path, byte size and lock name come from the default hugetlb page size of
 * the place (init_hugetlb_pool below): 2 MiB on x86-64 and arm64-4k, 32 MiB on arm64-16k,
 * 16 MiB under ppc64's hash MMU, none on s390x under TCG. */
static char hugetlb_pool_path[96] = MS_HUGETLB_SYSFS "/hugepages-0kB/nr_hugepages";
static char hugetlb_lock_name[48] = "hugetlb-0kB.lock";

static struct ms_machine_setting_info settings[MS_N_MACHINE_SETTINGS] = {
	/* 0 heuristic, 1 always, 2 never (Documentation/mm/overcommit-accounting.rst) */
	[MS_OVERCOMMIT_MEMORY] = { "/proc/sys/vm/overcommit_memory", { 0, 2, 0, NULL },
				   MS_LOCK_SETTINGS, true },
	/* 0 stop, 1 run, 2 stop and unmerge (Documentation/admin-guide/mm/ksm.rst) */
	[MS_KSM_RUN] = { "/sys/kernel/mm/ksm/run", { 0, 2, 0, NULL }, MS_LOCK_SETTINGS, false },
	/* no more pages of the default hugetlb size than the memory holds (max_per_memory is that
	 * size, set with the path by init_hugetlb_pool) */
	[MS_HUGETLB_POOL] = { hugetlb_pool_path, { 0, 0, ~0ULL, NULL }, MS_LOCK_HUGETLB_POOL,
			      false },
	/* an int sysctl with a minimum of 0 (kernel/sysctl.c: proc_dointvec_minmax) */
	[MS_MAX_MAP_COUNT] = { "/proc/sys/vm/max_map_count", { 0, INT_MAX, 0, NULL },
			       MS_LOCK_SETTINGS, false },
};

static const char *lock_names[MS_N_SETTING_LOCKS] = {
	[MS_LOCK_SETTINGS] = "settings.lock",
	[MS_LOCK_HUGETLB_POOL] = hugetlb_lock_name,
};

static pthread_once_t hugetlb_pool_once = PTHREAD_ONCE_INIT;

static void init_hugetlb_pool(void)
{
	unsigned long kb = ms_place_default_hugetlb_kb();
	snprintf(hugetlb_pool_path, sizeof(hugetlb_pool_path), "%s/hugepages-%lukB/nr_hugepages",
		 MS_HUGETLB_SYSFS, kb);
	snprintf(hugetlb_lock_name, sizeof(hugetlb_lock_name), "hugetlb-%lukB.lock", kb);
	settings[MS_HUGETLB_POOL].grammar.max_per_memory = kb ? (unsigned long long)kb << 10
							      : ~0ULL;
}

const struct ms_machine_setting_info *ms_machine_setting(enum ms_machine_setting id)
{
	pthread_once(&hugetlb_pool_once, init_hugetlb_pool);
	return &settings[id];
}

const char *ms_setting_lock_name(enum ms_setting_lock lock)
{
	pthread_once(&hugetlb_pool_once, init_hugetlb_pool);
	return lock_names[lock];
}

unsigned long ms_hugetlb_pool_kb(void)
{
	pthread_once(&hugetlb_pool_once, init_hugetlb_pool);
	return settings[MS_HUGETLB_POOL].grammar.max_per_memory == ~0ULL ? 0 :
	       (unsigned long)(settings[MS_HUGETLB_POOL].grammar.max_per_memory >> 10);
}

static bool is_word_of(const char *value, const char *words)
{
	size_t n = strlen(value);
	for (const char *p = words; n && *p;) {
		size_t len = strcspn(p, "|");
		if (len == n && strncmp(p, value, n) == 0)
			return true;
		p += len + (p[len] == '|');
	}
	return false;
}

bool ms_setting_value_ok(enum ms_machine_setting id, const char *value)
{
	const struct ms_setting_grammar *g = &ms_machine_setting(id)->grammar;
	if (g->words)
		return is_word_of(value, g->words);
	/* digits only, at most 18 of them: no sign, space, newline or overflow */
	size_t n = strspn(value, "0123456789");
	if (n == 0 || n > 18 || value[n] != 0)
		return false;
	long long v = strtoll(value, NULL, 10), max = g->max;
	if (g->max_per_memory) {
		long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
		max = pages > 0 && page > 0 ?
			(long long)((unsigned long long)pages * (unsigned long long)page /
				    g->max_per_memory) : 0;
	}
	return v >= g->min && v <= max;
}

bool ms_setting_file_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, len - 1);
	int e = errno;
	close(fd);
	if (n <= 0) {
		errno = n < 0 ? e : ENODATA;
		return false;
	}
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return true;
}

bool ms_setting_file_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = write(fd, value, strlen(value)) == (ssize_t)strlen(value);
	int e = errno;
	close(fd);
	errno = e;
	return ok;
}

/* The pid, as seen here, of the process that is pid_there in its own PID namespace (the last
 * field of NSpid in /proc/PID/status) and started at start; 0 when none is visible. */
static pid_t visible_pid(int pid_there, unsigned long long start)
{
	if (ms_process_start_time(pid_there) == start)
		return pid_there;
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = 0;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while (d && !found && (e = readdir(d))) {
		int pid = atoi(e->d_name);
		if (pid <= 0 || ms_process_start_time(pid) != start)
			continue;
		char path[64], buf[4096];
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = 0;
		char *line = strstr(buf, "\nNSpid:");
		if (!line)
			continue;
		line[strcspn(line + 1, "\n") + 1] = 0;
		char *last = strrchr(line, '\t');
		if (last && atoi(last + 1) == pid_there)
			found = pid;
	}
	if (d)
		closedir(d);
	return found;
}

/* Names the holder from what it wrote into the lock file. */
static void name_holder(int fd, const char *name, char *why, size_t whylen)
{
	char buf[64] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	int pid = 0;
	unsigned long long start = 0;
	pid_t here = 0;
	if (sscanf(buf, "%d %llu", &pid, &start) == 2 && pid > 0)
		here = visible_pid(pid, start);
	if (here > 0) {
		char comm_path[64], comm[32] = "?";
		snprintf(comm_path, sizeof(comm_path), "/proc/%d/comm", (int)here);
		ms_setting_file_read(comm_path, comm, sizeof(comm));
		snprintf(why, whylen, "%s/%s is held by pid %d (%s, started %llu clock ticks after "
			 "boot)", MS_RUNTIME_ROOT, name, (int)here, comm, start);
	} else {
		/* not visible from this PID namespace, or a holder that wrote no name (the file
		 * then holds an earlier holder's) */
		snprintf(why, whylen, "%s/%s is held by a process not visible here by the name in "
			 "the file (\"%.*s\": pid and start time)", MS_RUNTIME_ROOT, name,
			 (int)strcspn(buf, "\n"), buf);
	}
}

int ms_setting_lock_take(enum ms_setting_lock lock, int wait_ms, char *why, size_t whylen)
{
	const char *name = ms_setting_lock_name(lock);
	if (geteuid() != 0) {
		snprintf(why, whylen, "only root takes the locks of machine settings (%s/%s)",
			 MS_RUNTIME_ROOT, name);
		errno = EPERM;
		return -1;
	}
	int root = ms_runtime_root_fd(why, whylen);
	if (root < 0) {
		errno = EACCES;
		return -1;
	}
	int fd = openat(root, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		snprintf(why, whylen, "%s/%s: %s", MS_RUNTIME_ROOT, name, strerror(e));
		if (fd >= 0)
			close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077) != 0) {
		snprintf(why, whylen, "%s/%s is not a regular file of root's that only root can "
			 "open (uid %u, mode %04o)", MS_RUNTIME_ROOT, name, (unsigned)st.st_uid,
			 (unsigned)(st.st_mode & 07777));
		close(fd);
		errno = EPERM;
		return -1;
	}
	/* flock() has no timeout: try every 10 ms */
	for (int waited = 0;; waited += 10) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK || waited >= wait_ms) {
			int e = errno;
			if (e == EWOULDBLOCK)
				name_holder(fd, name, why, whylen);
			else
				snprintf(why, whylen, "flock %s/%s: %s", MS_RUNTIME_ROOT, name,
					 strerror(e));
			close(fd);
			errno = e;
			return -1;
		}
		usleep(10000);
	}
	char me[64];
	int n = snprintf(me, sizeof(me), "%d %llu\n", (int)getpid(),
			 ms_process_start_time(getpid()));
	if (ftruncate(fd, 0) != 0 || pwrite(fd, me, (size_t)n, 0) != n)
		why[0] = 0; /* the lock is had all the same; a waiter just cannot name us */
	return fd;
}
