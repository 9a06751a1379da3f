/* Implementation of the conformance test support declared in conform.h. Runs inside each
 * test's own process. */
#include "conform.h"
#include "cleanup.h"
#include "trusted_env.h"
#include "proc_parse.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef XFS_SUPER_MAGIC
#define XFS_SUPER_MAGIC 0x58465342
#endif

/* The test's own process: only it may report to Criterion (a child's message is never answered
 * and the child would hang). 0 outside a test declared with CONFORM(). */
static pid_t test_pid;

/* What MS_ALONE (conform.h) points a test's user data at. */
const char ms_alone_mark = 1;

void ms_test_init(void)
{
	test_pid = getpid();
	void (*arm)(void);
	*(void **)&arm = dlsym(RTLD_DEFAULT, "mmapsuite_faulty_arm");
	if (arm)
		arm();
}

/* Never /tmp: there another user could plant the names the tests create, or fill the space. */
const char *ms_dir(void)
{
	const char *d = ms_env("MMAPSUITE_DIR");
	if (!d || !*d)
		ms_broken("MMAPSUITE_DIR is not set: run the tests through `mmapsuite conform`, "
			  "which gives them a scratch directory on the file system under test");
	return d;
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

const char *ms_fault_page_only(const struct ms_fault *f, int signo, int code, const void *want)
{
	uintptr_t page = (uintptr_t)want & ~(uintptr_t)(ms_page() - 1);
	bool page_only = f->faulted && f->signo == signo && f->code == code && f->addr != want &&
			 (uintptr_t)f->addr == page;
	return page_only ? " (si_addr is the page of the access, not its byte)" : "";
}

void ms_assert_fault(const struct ms_fault *f, int signo, int code, const void *addr,
		     const char *what, const void *map, size_t len)
{
	cr_assert(f->faulted, "%s at %p did not fault; expected %s %s\n%s", what, addr,
		  ms_signame(signo), ms_sicode_name(signo, code), ms_maps_near(map, len));
	cr_assert(f->signo == signo && f->code == code && f->addr == addr,
		  "%s at %p: expected %s %s si_addr %p, got %s %s (si_code %d) si_addr %p%s\n%s",
		  what, addr, ms_signame(signo), ms_sicode_name(signo, code), addr,
		  ms_signame(f->signo), ms_sicode_name(f->signo, f->code), f->code, f->addr,
		  ms_fault_page_only(f, signo, code, addr), ms_maps_near(map, len));
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

void ms_assert_file_bytes(int fd, size_t from, size_t to, unsigned char (*want)(size_t),
			  const char *what)
{
	unsigned char *buf = ms_read_range(fd, from, to - from);
	for (size_t i = from; i < to; i++)
		cr_assert(buf[i - from] == want(i), "%s: read() at file offset %zu gives 0x%02x, "
			  "expected 0x%02x", what, i, buf[i - from], want(i));
	free(buf);
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

/* pwrite() or pread() of all n bytes, resumed after a short transfer; BROKEN on an error, a
 * write that makes no progress, or a read that meets the end of the file. */
static void xtransfer(const char *file, int line, bool write, int fd, void *buf, size_t n,
		      off_t off)
{
	char *p = buf;
	while (n) {
		ssize_t done = write ? pwrite(fd, p, n, off) : pread(fd, p, n, off);
		if (done <= 0) {
			const char *why = done < 0 ? ms_errname(errno)
					  : write  ? "short write" : "unexpected end of file";
			ms_broken("%s:%d: %s(fd %d, %zu at %lld): %s", file, line,
				  write ? "pwrite" : "pread", fd, n, (long long)off, why);
		}
		p += done, n -= (size_t)done, off += done;
	}
}

void ms_xpwrite(const char *file, int line, int fd, const void *buf, size_t n, off_t off)
{
	xtransfer(file, line, true, fd, (void *)buf, n, off);
}

void ms_xpread(const char *file, int line, int fd, void *buf, size_t n, off_t off)
{
	xtransfer(file, line, false, fd, buf, n, off);
}

unsigned char *ms_read_range_at(const char *file, int line, int fd, size_t off, size_t len)
{
	unsigned char *buf = malloc(len ? len : 1);
	if (!buf)
		ms_broken("%s:%d: malloc(%zu) failed", file, line, len);
	ms_xpread(file, line, fd, buf, len, (off_t)off);
	return buf;
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

struct stat ms_xfstat_at(const char *file, int line, int fd)
{
	struct stat st;
	ms_xcheck(file, line, "fstat", fstat(fd, &st));
	return st;
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
