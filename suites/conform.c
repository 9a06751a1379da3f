/* Implementation of the conformance test support declared in conform.h. Runs inside each
 * test's own process. */
#include "conform.h"
#include "cleanup.h"
#include "trusted_env.h"
#include "time_scale.h"
#include "proc_parse.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef XFS_SUPER_MAGIC
#define XFS_SUPER_MAGIC 0x58465342
#endif

/* The test's own process: only it may report to Criterion (a child's message is never answered
 * and the child would hang). 0 outside a test declared with CONFORM(). */
static pid_t test_pid;

void ms_test_init(void)
{
	test_pid = getpid();
	void (*arm)(void);
	*(void **)&arm = dlsym(RTLD_DEFAULT, "mmapsuite_faulty_arm");
	if (arm)
		arm();
}

const char *ms_dir(void)
{
	const char *d = ms_env("MMAPSUITE_DIR");
	return d && *d ? d : "/tmp";
}

static long fs_magic(void)
{
	struct statfs st;
	if (statfs(ms_dir(), &st) != 0)
		ms_broken("statfs(%s): %s", ms_dir(), ms_errname(errno));
	return (long)st.f_type;
}

enum ms_fs_kind ms_fs_kind(void)
{
	switch (fs_magic()) {
	case TMPFS_MAGIC: return MS_FS_TMPFS;
	case EXT4_SUPER_MAGIC: return MS_FS_EXT4; /* same magic for ext2/3 */
	case XFS_SUPER_MAGIC: return MS_FS_XFS;
	case BTRFS_SUPER_MAGIC: return MS_FS_BTRFS;
	default: return MS_FS_OTHER;
	}
}

const char *ms_fs_name(void)
{
	static char other[32];
	switch (ms_fs_kind()) {
	case MS_FS_TMPFS: return "tmpfs";
	case MS_FS_EXT4: return "ext4";
	case MS_FS_XFS: return "xfs";
	case MS_FS_BTRFS: return "btrfs";
	default:
		snprintf(other, sizeof(other), "fs-0x%lx", fs_magic());
		return other;
	}
}

bool ms_in_test_process(void)
{
	return !test_pid || getpid() == test_pid;
}

void ms_child_broken(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "child %d: set-up failed: ", (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ms_broken_exit(void)
{
	exit(MS_BROKEN_EXIT);
}

void ms_at_exit(enum ms_cleanup_phase phase, void (*fn)(void))
{
	if (ms_cleanup_add(phase, fn, MS_CLEANUP_AT_EXIT) != 0)
		ms_broken("the clean-up registry is full (%d entries)", MS_CLEANUP_MAX);
}

size_t ms_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Named files are removed when the test process exits normally (not when a child it forked
 * does: lib/cleanup.h); after a crash the harness removes the whole scratch area. */
static char *named_files[64];
static int n_named;

static void remove_named_files(void)
{
	for (int i = 0; i < n_named; i++)
		unlink(named_files[i]);
}

int ms_file_flags(size_t size, int flags, char *path)
{
	static unsigned serial;
	char name[PATH_MAX];
	snprintf(name, sizeof(name), "%s/ms-%d-%u-%ld", ms_dir(), (int)getpid(), serial++,
		 (long)time(NULL));
	int fd = open(name, flags | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		ms_broken("open(%s): %s", name, ms_errname(errno));
	if (size && ftruncate(fd, (off_t)size) != 0)
		ms_broken("ftruncate(%s, %zu): %s", name, size, ms_errname(errno));
	if (path) {
		strcpy(path, name);
		if (n_named == 0)
			ms_at_exit(MS_CLEANUP_RELEASE, remove_named_files);
		if (n_named < (int)(sizeof(named_files) / sizeof(named_files[0])))
			named_files[n_named++] = strdup(name);
	} else {
		unlink(name);
	}
	return fd;
}

int ms_file(size_t size, char *path)
{
	int fd = ms_file_flags(0, O_RDWR, path);
	unsigned char buf[65536];
	for (size_t off = 0; off < size; off += sizeof(buf)) {
		size_t n = size - off < sizeof(buf) ? size - off : sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = ms_pattern(off + i);
		ms_xpwrite(__FILE__, __LINE__, fd, buf, n, (off_t)off);
	}
	return fd;
}

void ms_fill_tagged(unsigned char *p, size_t len, unsigned char tag)
{
	for (size_t i = 0; i < len; i++)
		p[i] = ms_tagged(i, tag);
}

void ms_assert_fault(const struct ms_fault *f, int signo, int code, const void *addr,
		     const char *what, const void *map, size_t len)
{
	cr_assert(f->faulted, "%s at %p did not fault; expected %s %s\n%s", what, addr,
		  ms_signame(signo), ms_sicode_name(signo, code), ms_maps_near(map, len));
	cr_assert(f->signo == signo && f->code == code && f->addr == addr,
		  "%s at %p: expected %s %s si_addr %p, got %s %s (si_code %d) si_addr %p\n%s",
		  what, addr, ms_signame(signo), ms_sicode_name(signo, code), addr,
		  ms_signame(f->signo), ms_sicode_name(f->signo, f->code), f->code, f->addr,
		  ms_maps_near(map, len));
}

void ms_assert_zero(const unsigned char *p, size_t from, size_t to, const char *what)
{
	for (size_t i = from; i < to; i++)
		cr_assert(p[i] == 0, "%s: byte %zu (address %p) is 0x%02x, not 0\n%s", what, i,
			  (void *)&p[i], p[i], ms_maps_near(p + i, 1));
}

void ms_assert_bytes(const unsigned char *p, size_t from, size_t to,
		     unsigned char (*want)(size_t), const char *what)
{
	for (size_t i = from; i < to; i++)
		cr_assert(p[i] == want(i),
			  "%s: byte %zu (address %p) is 0x%02x, expected 0x%02x\n%s", what, i,
			  (void *)&p[i], p[i], want(i), ms_maps_near(p + i, 1));
}

void ms_fill_stored(unsigned char *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		p[i] = ms_stored(i);
}

size_t ms_first_mismatch_tagged(const unsigned char *p, size_t len, unsigned char tag)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != ms_tagged(i, tag))
			return i;
	return len;
}

void ms_send_token(int fd)
{
	char c = 't';
	if (write(fd, &c, 1) != 1)
		_exit(3);
}

bool ms_await_token(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;
	return poll(&pfd, 1, 5000) == 1 && read(fd, &c, 1) == 1;
}

int ms_xopen(const char *file, int line, const char *path, int flags, int mode)
{
	int fd = open(path, flags, mode);
	if (fd < 0)
		ms_broken("%s:%d: open(%s): %s", file, line, path, ms_errname(errno));
	return fd;
}

void *ms_xmmap(const char *file, int line, void *addr, size_t len, int prot, int flags, int fd,
	       off_t off)
{
	void *p = mmap(addr, len, prot, flags, fd, off);
	if (p == MAP_FAILED)
		ms_broken("%s:%d: mmap(len %zu, prot 0x%x, flags 0x%x, fd %d, off %lld): %s",
			  file, line, len, prot, flags, fd, (long long)off, ms_errname(errno));
	return p;
}

long ms_xcheck(const char *file, int line, const char *what, long ret)
{
	if (ret == -1)
		ms_broken("%s:%d: %s: %s", file, line, what, ms_errname(errno));
	return ret;
}

void ms_xpwrite(const char *file, int line, int fd, const void *buf, size_t n, off_t off)
{
	const char *p = buf;
	while (n) {
		ssize_t w = pwrite(fd, p, n, off);
		if (w <= 0)
			ms_broken("%s:%d: pwrite(fd %d, %zu at %lld): %s", file, line, fd, n,
				  (long long)off, w == 0 ? "short write" : ms_errname(errno));
		p += w, n -= (size_t)w, off += w;
	}
}

void ms_xpread(const char *file, int line, int fd, void *buf, size_t n, off_t off)
{
	char *p = buf;
	while (n) {
		ssize_t r = pread(fd, p, n, off);
		if (r <= 0)
			ms_broken("%s:%d: pread(fd %d, %zu at %lld): %s", file, line, fd, n,
				  (long long)off, r == 0 ? "unexpected end of file" : ms_errname(errno));
		p += r, n -= (size_t)r, off += r;
	}
}

unsigned char *ms_read_range_at(const char *file, int line, int fd, size_t off, size_t len)
{
	unsigned char *buf = malloc(len ? len : 1);
	if (!buf)
		ms_broken("%s:%d: malloc(%zu) failed", file, line, len);
	ms_xpread(file, line, fd, buf, len, (off_t)off);
	return buf;
}

/* ---- signals only to our own children ---- */

static pid_t our_children[256];

void ms_remember_child(pid_t pid)
{
	for (size_t i = 0; pid > 0 && i < sizeof(our_children) / sizeof(our_children[0]); i++)
		if (our_children[i] == 0 || our_children[i] == pid) {
			our_children[i] = pid;
			return;
		}
}

static bool is_our_child(pid_t pid)
{
	for (size_t i = 0; pid > 0 && i < sizeof(our_children) / sizeof(our_children[0]); i++)
		if (our_children[i] == pid)
			return true;
	return false;
}

pid_t ms_xfork(const char *file, int line)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		ms_broken("%s:%d: fork: %s", file, line, ms_errname(errno));
	if (pid == 0)
		memset(our_children, 0, sizeof(our_children)); /* the parent's are not ours */
	ms_remember_child(pid);
	return pid;
}

void ms_xioctl_at(const char *file, int line, int fd, unsigned long req, const char *name,
		  void *arg)
{
	int r;
	do
		r = ioctl(fd, req, arg);
	while (r == -1 && errno == EINTR);
	if (r != 0)
		ms_broken("%s:%d: %s: %s", file, line, name, ms_errname(errno));
}

double ms_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

unsigned char *ms_child_map_path_at(const char *file, int line, const char *path, size_t len)
{
	int fd = open(path, O_RDWR);
	if (fd < 0)
		ms_child_fail(file, line, "open(%s): %s", path, ms_errname(errno));
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ms_child_fail(file, line, "mmap: %s", ms_errname(errno));
	close(fd); /* the mapping keeps the file */
	return p;
}

struct stat ms_xfstat_at(const char *file, int line, int fd)
{
	struct stat st;
	ms_xcheck(file, line, "fstat", fstat(fd, &st));
	return st;
}

pid_t ms_fork_handshake_at(const char *file, int line, struct ms_handshake *h)
{
	ms_xcheck(file, line, "pipe", pipe(h->to_parent));
	ms_xcheck(file, line, "pipe", pipe(h->to_child));
	h->pid = ms_xfork(file, line);
	/* Each side keeps only its own ends: a side that dies then gives the other end-of-file
	 * at once instead of the full wait. */
	int *unused[2] = { &h->to_parent[h->pid == 0 ? 0 : 1], &h->to_child[h->pid == 0 ? 1 : 0] };
	for (int i = 0; i < 2; i++) {
		close(*unused[i]);
		*unused[i] = -1;
	}
	return h->pid;
}

void ms_handshake_close(struct ms_handshake *h)
{
	int *fds[4] = { &h->to_parent[0], &h->to_parent[1], &h->to_child[0], &h->to_child[1] };
	for (int i = 0; i < 4; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

void ms_xkill(const char *file, int line, pid_t pid, int sig)
{
	if (!is_our_child(pid))
		ms_broken("%s:%d: refused kill(%d, %s): %s", file, line, (int)pid, ms_signame(sig),
			  pid <= 0 ? "a pid <= 0 names a process group or every process"
				   : "not a child this test forked");
	if (syscall(SYS_kill, pid, sig) != 0 && errno != ESRCH)
		ms_broken("%s:%d: kill(%d, %s): %s", file, line, (int)pid, ms_signame(sig),
			  ms_errname(errno));
}


double ms_child_limit_s(void)
{
	return MS_CHILD_LIMIT_S * ms_time_factor();
}

int ms_wait_bounded_at(const char *file, int line, pid_t pid)
{
	int status;
	int polls = (int)(ms_child_limit_s() * 100); /* every 10 ms */
	for (int i = 0; i < polls; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0)
			ms_broken("%s:%d: waitpid(%d): %s", file, line, (int)pid, ms_errname(errno));
		usleep(10000);
	}
	ms_xkill(file, line, pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

int ms_xwait(const char *file, int line, pid_t pid)
{
	int status = ms_wait_bounded_at(file, line, pid);
	if (status == -1)
		ms_broken("%s:%d: child %d did not finish within %.0f s (%.0f s scaled by the "
			  "place's time factor); killed", file, line, (int)pid, ms_child_limit_s(),
			  MS_CHILD_LIMIT_S);
	return status;
}

void ms_xwait_ok(const char *file, int line, pid_t pid)
{
	int status = ms_xwait(file, line, pid);
	if (WIFSIGNALED(status))
		cr_assert_fail("%s:%d: child %d died of %s", file, line, (int)pid,
			       ms_signame(WTERMSIG(status)));
	if (WEXITSTATUS(status) == MS_BROKEN_EXIT) /* its set-up failed: ms_broken() in the child */
		ms_broken("%s:%d: child %d: its set-up failed (its message is above)", file, line,
			  (int)pid);
	cr_assert(WEXITSTATUS(status) == 0, "%s:%d: child %d failed (exit %d, see its message above)",
		  file, line, (int)pid, WEXITSTATUS(status));
}

void ms_child_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "child %d: %s:%d: ", (int)getpid(), file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	_exit(1);
}

const char *ms_errname(int e)
{
	if (e == 0)
		return "0";
	const char *n = strerrorname_np(e);
	return n ? n : "unknown errno";
}

/* ---- fault probes ---- */

static sigjmp_buf probe_jump;
static volatile sig_atomic_t probe_armed;
static siginfo_t probe_info;

static void probe_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!probe_armed) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	probe_info = *si;
	siglongjmp(probe_jump, 1);
}

typedef void (*probe_fn)(void *addr, unsigned char value);

static bool probe(probe_fn fn, void *addr, unsigned char value, struct ms_fault *f)
{
	struct sigaction sa = { 0 }, old_segv, old_bus;
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	bool faulted = false;
	memset(&probe_info, 0, sizeof(probe_info));
	if (sigsetjmp(probe_jump, 1) == 0) {
		probe_armed = 1;
		fn(addr, value);
		probe_armed = 0;
	} else {
		probe_armed = 0;
		faulted = true;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	if (f) {
		f->faulted = faulted;
		f->signo = faulted ? probe_info.si_signo : 0;
		f->code = faulted ? probe_info.si_code : 0;
		f->addr = faulted ? probe_info.si_addr : NULL;
	}
	return faulted;
}

static void do_read(void *addr, unsigned char value)
{
	(void)value;
	(void)*(volatile unsigned char *)addr;
}

static void do_write(void *addr, unsigned char value)
{
	*(volatile unsigned char *)addr = value;
}

static void do_exec(void *addr, unsigned char value)
{
	(void)value;
	void (*fn)(void);
	*(void **)&fn = addr;
	fn();
}

bool ms_probe_read(const volatile void *addr, struct ms_fault *f)
{
	return probe(do_read, (void *)addr, 0, f);
}

bool ms_probe_write(volatile void *addr, unsigned char value, struct ms_fault *f)
{
	return probe(do_write, (void *)addr, value, f);
}

bool ms_probe_exec(void *addr, struct ms_fault *f)
{
	return probe(do_exec, addr, 0, f);
}

const char *ms_signame(int signo)
{
	const char *n = sigabbrev_np(signo);
	static char buf[32];
	snprintf(buf, sizeof(buf), "SIG%s", n ? n : "?");
	return signo == 0 ? "no signal" : buf;
}

const char *ms_sicode_name(int signo, int code)
{
	if (signo == SIGSEGV) {
		switch (code) {
		case SEGV_MAPERR: return "SEGV_MAPERR";
		case SEGV_ACCERR: return "SEGV_ACCERR";
#ifdef SEGV_PKUERR
		case SEGV_PKUERR: return "SEGV_PKUERR";
#endif
		}
	} else if (signo == SIGBUS) {
		switch (code) {
		case BUS_ADRALN: return "BUS_ADRALN";
		case BUS_ADRERR: return "BUS_ADRERR";
		case BUS_OBJERR: return "BUS_OBJERR";
		case BUS_MCEERR_AR: return "BUS_MCEERR_AR";
		}
	}
	return code == SI_KERNEL ? "SI_KERNEL" : "other";
}

const char *ms_maps_near(const void *addr, size_t len)
{
	static char out[8192];
	size_t used = 0;
	unsigned long lo = (unsigned long)addr - ms_page(), hi = (unsigned long)addr + len + ms_page();
	FILE *f = fopen("/proc/self/maps", "r");
	out[0] = 0;
	if (!f)
		return "(no /proc/self/maps)";
	used = ms_maps_lines(f, lo, hi, out, sizeof(out));
	fclose(f);
	return used ? out : "(no mapping near that address)\n";
}

static struct ms_faults read_faults(void)
{
	struct rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	return (struct ms_faults){ .minor = ru.ru_minflt, .major = ru.ru_majflt };
}

struct ms_faults ms_faults_since(struct ms_faults start)
{
	struct ms_faults now = read_faults();
	return (struct ms_faults){ .minor = now.minor - start.minor,
				   .major = now.major - start.major };
}

struct ms_faults ms_faults_now(void)
{
	/* Run ms_faults_since() once first: its code page, touched for the first time inside
	 * a measured window, would be a minor fault of its own. */
	static bool warmed;
	if (!warmed) {
		warmed = true;
		(void)ms_faults_since(read_faults());
	}
	return read_faults();
}

long ms_resident(const void *addr, size_t len)
{
	size_t pages = (len + ms_page() - 1) / ms_page();
	unsigned char *vec = malloc(pages ? pages : 1);
	if (!vec)
		return -1;
	if (mincore((void *)addr, len, vec) != 0) {
		free(vec);
		return -1;
	}
	long n = 0;
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

bool ms_page_resident(const void *addr)
{
	return ms_resident(addr, ms_page()) == 1;
}

long ms_smaps_kb(const void *addr, const char *field)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	long value = ms_smaps_field(f, (unsigned long)addr, field);
	fclose(f);
	return value;
}

long ms_status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	long value = ms_proc_field(f, field);
	fclose(f);
	return value;
}

bool ms_capable(int cap)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long eff = ~0ull;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	if (f)
		fclose(f);
	return eff & (1ull << cap);
}

void ms_stay_on_this_cpu(void)
{
	int cpu = (int)xcheck("sched_getcpu", sched_getcpu());
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	xcheck("sched_setaffinity", sched_setaffinity(0, sizeof(set), &set));
}

void ms_require_behaviour(enum ms_behaviour b)
{
	struct ms_policy p;
	if (ms_policy(b, &p))
		cr_skip_test("%s", p.reason);
}

void ms_require_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (run mmapsuite as root to check this)");
}

void ms_require_kernel(int major, int minor, const char *feature)
{
	struct utsname u;
	int ma = 0, mi = 0;
	uname(&u);
	sscanf(u.release, "%d.%d", &ma, &mi);
	if (ma < major || (ma == major && mi < minor))
		cr_skip_test("%s needs Linux %d.%d or later; this kernel is %s", feature, major,
			     minor, u.release);
}

/* ---- a private scratch mount ---- */

static char private_mount[PATH_MAX];

static void remove_private_mount(void)
{
	if (!private_mount[0])
		return;
	umount2(private_mount, MNT_DETACH);
	rmdir(private_mount);
}

void ms_private_tmpfs(const char *options, char *dir)
{
	if (geteuid() != 0)
		cr_skip_test("needs root: the test mounts a private scratch tmpfs (%s)", options);
	if (private_mount[0])
		ms_broken("ms_private_tmpfs: one private mount per test");
	if (unshare(CLONE_NEWNS) != 0)
		cr_skip_test("unshare(CLONE_NEWNS) failed with %s: no private mount namespace "
			     "for a scratch tmpfs", ms_errname(errno));
	/* Nothing mounted from now on propagates back to the machine's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		ms_broken("mount(/, MS_REC|MS_PRIVATE): %s", ms_errname(errno));
	snprintf(dir, PATH_MAX, "%s/ms-mnt-%d-XXXXXX", ms_dir(), (int)getpid());
	if (!mkdtemp(dir))
		ms_broken("mkdtemp(%s): %s", dir, ms_errname(errno));
	if (mount("mmapsuite", dir, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0) {
		int e = errno;
		rmdir(dir);
		ms_broken("mount(tmpfs, %s, \"%s\"): %s", dir, options, ms_errname(e));
	}
	strcpy(private_mount, dir);
	ms_at_exit(MS_CLEANUP_RELEASE, remove_private_mount);
}

long ms_map_count_limit(void)
{
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	long max = -1;
	if (!f || fscanf(f, "%ld", &max) != 1 || max <= 0)
		ms_broken("cannot read /proc/sys/vm/max_map_count");
	fclose(f);
	if (max > 262144)
		cr_skip_test("vm.max_map_count is %ld: reaching it takes too long", max);
	return max;
}

char *ms_split_to_map_count_limit(long max, size_t *pages)
{
	size_t pg = ms_page(), n = 2 * (size_t)max + 16, i;
	char *base = mmap(NULL, n * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			  -1, 0);
	child_check(base != MAP_FAILED, "reserve: %s", ms_errname(errno));
	for (i = 1; i < n - 1; i += 2)
		if (mprotect(base + i * pg, pg, PROT_READ) != 0)
			break;
	int e = errno;
	child_check(i < n - 1, "the splits never reached vm.max_map_count");
	*pages = n;
	errno = e;
	return base;
}
