/* The helper library of the conformance tests: see mm_util.h. */
#include "mm_util.h"
#include "trusted_env.h"
#include "proc_parse.h"

#include "loop_device.h"
#include "state_dir.h"
#include "time_scale.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

/* ---- page tables ---- */

uint64_t ms_pagemap_entry(const void *addr)
{
	int fd = xopen("/proc/self/pagemap", O_RDONLY, 0);
	uint64_t e = 0;
	xpread(fd, &e, sizeof(e), (off_t)((uintptr_t)addr / ms_page() * sizeof(e)));
	xclose(fd);
	return e;
}

size_t ms_pagemap_present(const void *addr, size_t pages, bool *present)
{
	uint64_t *e = calloc(pages, sizeof(*e));
	if (!e)
		ms_broken("calloc");
	int fd = xopen("/proc/self/pagemap", O_RDONLY, 0);
	xpread(fd, e, pages * sizeof(*e), (off_t)((uintptr_t)addr / ms_page() * sizeof(*e)));
	xclose(fd);
	size_t n = 0;
	for (size_t i = 0; i < pages; i++) {
		bool p = e[i] & PM_PRESENT;
		if (present)
			present[i] = p;
		n += p;
	}
	free(e);
	return n;
}

enum kpageflags_result ms_page_kpageflags(const void *addr, uint64_t *flags)
{
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	int kf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	enum kpageflags_result r = KPAGEFLAGS_READ;
	uint64_t entry = 0;
	if (pm < 0 || kf < 0)
		r = KPAGEFLAGS_UNREADABLE;
	else if (pread(pm, &entry, sizeof(entry),
		       (off_t)((uintptr_t)addr / ms_page() * sizeof(entry))) != sizeof(entry))
		r = KPAGEFLAGS_UNREADABLE;
	else if (!(entry & PM_PRESENT))
		r = KPAGEFLAGS_NOT_PRESENT;
	else if (PM_PFN(entry) == 0 ||
		 pread(kf, flags, sizeof(*flags), (off_t)(PM_PFN(entry) * sizeof(*flags))) !=
			 sizeof(*flags))
		r = KPAGEFLAGS_PFN_HIDDEN;
	int e = errno;
	if (pm >= 0)
		close(pm);
	if (kf >= 0)
		close(kf);
	errno = e;
	return r;
}

/* ---- VMAs ---- */

bool ms_vma_walk(bool (*visit)(const struct ms_vma *vma, void *arg), void *arg)
{
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f)
		return false;
	/* A path is at most PATH_MAX; the fields before it take under 100 bytes. */
	char line[PATH_MAX + 128];
	struct ms_vma vma;
	while (fgets(line, sizeof(line), f))
		if (ms_maps_parse_line(line, &vma) && !visit(&vma, arg))
			break;
	fclose(f);
	return true;
}

struct vma_search {
	unsigned long addr;
	struct ms_vma *vma;
	char *line;
	size_t len;
	bool found;
};

static bool find_containing(const struct ms_vma *vma, void *arg)
{
	struct vma_search *s = arg;
	if (s->addr < vma->start || s->addr >= vma->end)
		return true;
	*s->vma = *vma;
	s->vma->name = s->vma->line = "";
	if (s->line) {
		size_t name_at = (size_t)(vma->name - vma->line);
		snprintf(s->line, s->len, "%s", vma->line);
		s->vma->line = s->line;
		if (*vma->name && name_at < strlen(s->line))
			s->vma->name = s->line + name_at;
	}
	s->found = true;
	return false;
}

bool ms_vma_at(const void *addr, struct ms_vma *vma, char *line, size_t len)
{
	struct vma_search s = { (unsigned long)addr, vma, line, len, false };
	if (!ms_vma_walk(find_containing, &s))
		ms_broken("fopen(/proc/self/maps): %s", ms_errname(errno));
	return s.found;
}

struct overlap_count {
	unsigned long lo, hi;
	int n;
};

static bool count_overlapping(const struct ms_vma *vma, void *arg)
{
	struct overlap_count *c = arg;
	c->n += vma->end > c->lo && vma->start < c->hi;
	return true;
}

int ms_vmas_in(const void *addr, size_t len)
{
	struct overlap_count c = { (unsigned long)addr, (unsigned long)addr + len, 0 };
	if (!ms_vma_walk(count_overlapping, &c))
		ms_broken("fopen(/proc/self/maps): %s", ms_errname(errno));
	return c.n;
}

const char *ms_vma_flags(const void *addr)
{
	static char flags[256];
	FILE *f = fopen("/proc/self/smaps", "r");
	flags[0] = 0;
	if (f) {
		ms_smaps_vmflags(f, (unsigned long)addr, flags, sizeof(flags));
		fclose(f);
	}
	return flags;
}

bool ms_vmflags_have(const char *flags, const char *mnemonic)
{
	char padded[260], want[8];
	snprintf(padded, sizeof(padded), " %s ", flags);
	snprintf(want, sizeof(want), " %s ", mnemonic);
	return strstr(padded, want) != NULL;
}

bool ms_vma_has_flag(const void *addr, const char *mnemonic)
{
	return ms_vmflags_have(ms_vma_flags(addr), mnemonic);
}

/* ---- mappings ---- */

void *ms_xmmap_aligned_at(const char *file, int line, size_t len, size_t align, int prot,
			  int flags, int fd)
{
	bool anon = flags & MAP_ANONYMOUS;
	unsigned char *raw = anon ? ms_xmmap(file, line, NULL, len + align, prot, flags, -1, 0)
				  : ms_xmmap(file, line, NULL, len + align, PROT_NONE,
					     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t at = ((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1);
	void *p = anon ? (void *)at
		       : ms_xmmap(file, line, (void *)at, len, prot, flags | MAP_FIXED, fd, 0);
	if (at > (uintptr_t)raw)
		ms_xcheck(file, line, "munmap", munmap(raw, at - (uintptr_t)raw));
	size_t tail = (uintptr_t)raw + len + align - (at + len);
	if (tail)
		ms_xcheck(file, line, "munmap", munmap((void *)(at + len), tail));
	return p;
}

unsigned char *ms_map_with_hole(void)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xmunmap(p + pg, pg);
	return p;
}

unsigned char *ms_fenced_range(size_t len)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, len + 2 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Guards and middle are one PROT_NONE VMA until the test maps over the middle; its
	 * read-write mappings then differ from the guards in their flags, so never merge. */
	return p + pg;
}

void ms_fenced_release(unsigned char *p, size_t len)
{
	xmunmap(p - ms_page(), len + 2 * ms_page());
}

unsigned char *ms_unmapped_range(size_t len)
{
	unsigned char *p = xmmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xmunmap(p, len);
	/* cppcheck-suppress deallocret ; the caller needs a just-unmapped address */
	return p;
}

unsigned char *ms_anon_nothp(size_t len)
{
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	/* A kernel without THP (PREEMPT_RT: Debian's -rt flavours) maps base pages only and
	 * refuses the advice with EINVAL (madvise_behavior_valid(), mm/madvise.c). */
	if (ms_pmd_size())
		xmadvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

void ms_touch_pages(const unsigned char *p, size_t len)
{
	volatile unsigned char sum = 0;
	for (size_t i = 0; i < len; i += ms_page())
		sum += p[i];
	(void)sum;
}

void ms_fill_stamped(unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = ms_stamp(i);
}

void ms_assert_stamped(const unsigned char *p, size_t from, size_t to, const char *what)
{
	for (size_t i = from; i < to; i++)
		cr_assert(p[i] == ms_stamp(i),
			  "%s: byte %zu at %p is 0x%02x, 0x%02x was stored\n%s", what, i,
			  (void *)(p + i), p[i], ms_stamp(i), ms_maps_near(p + from, to - from));
}

/* Asserts that a read of addr raises signal signo with code at exactly addr. */
static void assert_read_faults(const unsigned char *addr, int signo, int code, const char *what)
{
	struct ms_fault f;
	ms_probe_read(addr, &f);
	cr_assert(f.faulted && f.signo == signo && f.code == code && f.addr == addr,
		  "%s: a read of %p gave %s %s at %p; expected %s %s there%s\n%s", what,
		  (void *)addr, ms_signame(f.signo), ms_sicode_name(f.signo, f.code), f.addr,
		  ms_signame(signo), ms_sicode_name(signo, code),
		  ms_fault_page_only(&f, signo, code, addr), ms_maps_near(addr, ms_page()));
}

void ms_assert_unmapped(const unsigned char *addr, const char *what)
{
	assert_read_faults(addr, SIGSEGV, SEGV_MAPERR, what);
}

void ms_assert_bus_error(const unsigned char *addr, const char *what)
{
	assert_read_faults(addr, SIGBUS, BUS_ADRERR, what);
}

void ms_close_if_open(int fd)
{
	if (fd >= 0)
		xclose(fd);
}

/* ---- backings ---- */

const char *const ms_backing_name[MS_N_BACKINGS] = {
	[MS_ANON_PRIVATE] = "MAP_PRIVATE|MAP_ANONYMOUS",
	[MS_ANON_SHARED] = "MAP_SHARED|MAP_ANONYMOUS",
	[MS_FILE_SHARED] = "MAP_SHARED file",
	[MS_FILE_PRIVATE] = "MAP_PRIVATE file",
};

unsigned char *ms_map_backing(enum ms_backing b, size_t len, size_t file_size, int prot,
			      int *fd)
{
	static const int flags[MS_N_BACKINGS] = {
		[MS_ANON_PRIVATE] = MAP_PRIVATE | MAP_ANONYMOUS,
		[MS_ANON_SHARED] = MAP_SHARED | MAP_ANONYMOUS,
		[MS_FILE_SHARED] = MAP_SHARED,
		[MS_FILE_PRIVATE] = MAP_PRIVATE,
	};
	bool file = b == MS_FILE_SHARED || b == MS_FILE_PRIVATE;
	int file_fd = file ? ms_file(file_size, NULL) : -1;
	unsigned char *p = xmmap(NULL, len, prot, flags[b], file_fd, 0);
	if (fd)
		*fd = file_fd;
	else if (file_fd >= 0)
		xclose(file_fd);
	return p;
}

/* ---- huge pages ---- */

#define PMD_SIZE_FILE "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"

size_t ms_pmd_size(void)
{
	long v = ms_read_long_file(PMD_SIZE_FILE);
	return v > 0 ? (size_t)v : 0;
}

size_t ms_thp_pmd_size(void)
{
	size_t size = ms_pmd_size();
	if (!size)
		cr_skip_test("%s cannot be read (%s): this kernel has no transparent huge pages",
			     PMD_SIZE_FILE, ms_errname(errno));
	return size;
}

size_t ms_default_huge_page_size(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	long kb = f ? ms_proc_field(f, "Hugepagesize") : -1;
	if (f)
		fclose(f);
	return kb > 0 ? (size_t)kb * 1024 : 0;
}

size_t ms_require_default_huge_page_size(void)
{
	size_t size = ms_default_huge_page_size();
	if (!size)
		cr_skip_test("no Hugepagesize in /proc/meminfo: this kernel has no hugetlb pages (not "
			     "configured, or a CPU or hypervisor that cannot map them: s390x "
			     "without EDAT-1 under QEMU TCG, a pseries guest with QEMU's hash page "
			     "size cap at 64 KiB)");
	return size;
}

/* ---- files ---- */

int ms_hot_file(size_t len)
{
	int fd = ms_file(len, NULL);
	xfsync(fd);
	return fd;
}

unsigned char *ms_map_shared_file(size_t len, char *path, int *fd)
{
	*fd = ms_file(len, path);
	return xmap_shared(*fd, len);
}

unsigned char *ms_map_shared_file_stored(size_t len, char *path, int *fd)
{
	unsigned char *p = ms_map_shared_file(len, path, fd);
	ms_fill_stored(p, 0, len);
	return p;
}

struct ms_file_map ms_file_map(size_t len, char *path, bool stored)
{
	struct ms_file_map m = { .len = len };
	m.p = stored ? ms_map_shared_file_stored(len, path, &m.fd)
		     : ms_map_shared_file(len, path, &m.fd);
	return m;
}

struct ms_file_map ms_file_map_private(size_t len)
{
	struct ms_file_map m = { .len = len, .fd = ms_file(len, NULL) };
	m.p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, m.fd, 0);
	return m;
}

void ms_file_map_release(const struct ms_file_map *m)
{
	xmunmap(m->p, m->len);
	xclose(m->fd);
}

void ms_drop_file_cache(int fd, size_t len)
{
	xfsync(fd);
	int e = posix_fadvise(fd, 0, (off_t)len, POSIX_FADV_DONTNEED);
	if (e)
		ms_broken("posix_fadvise(DONTNEED): %s", ms_errname(e));
	void *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	long resident = ms_resident(p, len);
	xmunmap(p, len);
	if (resident != 0)
		cr_skip_test("POSIX_FADV_DONTNEED left %ld of %zu pages cached on %s (tmpfs keeps "
			     "its pages: they can only go to swap), so a cold fault cannot be made",
			     resident, len / ms_page(), ms_fs_name());
}

int ms_reopen(int fd, int flags)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return xopen(path, flags, 0);
}

void ms_shm_name(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "/mmapsuite-%d-%s", (int)getpid(), tag);
}

int ms_read_only_file(size_t len)
{
	int rw = ms_file(len, NULL);
	int fd = ms_reopen(rw, O_RDONLY);
	xclose(rw);
	return fd;
}

int ms_loop_attach_or_skip(int backing_fd, char *name)
{
	const char *step;
	int dev = ms_loop_attach(backing_fd, NULL, name, PATH_MAX, &step);
	if (dev >= 0)
		return dev;
	int e = errno;
	if (!strcmp(step, "/dev/loop-control"))
		cr_skip_test("no loop devices: /dev/loop-control: %s", ms_errname(e));
	if (!strcmp(step, "LOOP_CTL_GET_FREE"))
		cr_skip_test("LOOP_CTL_GET_FREE: %s", ms_errname(e));
	if (!strcmp(step, "LOOP_CONFIGURE"))
		cr_skip_test("LOOP_CONFIGURE on %s: %s", name, ms_errname(e));
	if (!strcmp(step, "open"))
		ms_broken("open(%s): %s", name, ms_errname(e));
	ms_broken("no free loop device after 8 attempts (each was taken concurrently)");
	return -1;
}

/* ---- numbers from procfs and sysfs ---- */

bool ms_swap_active(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[256];
	int lines = 0;
	while (f && fgets(line, sizeof(line), f))
		lines++;
	if (f)
		fclose(f);
	return lines > 1;
}

void ms_assert_ranges_einval(int fd, const struct ms_bad_range *r, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		errno = 0;
		void *p = mmap(NULL, r[i].len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, r[i].off);
		int e = errno;
		if (p != MAP_FAILED)
			munmap(p, r[i].len);
		cr_assert(p == MAP_FAILED && e == EINVAL,
			  "%s: mmap of %zu bytes at offset %lld (%s): expected EINVAL, got %s",
			  what, r[i].len, (long long)r[i].off, r[i].why,
			  p == MAP_FAILED ? ms_errname(e) : "a mapping");
	}
}

void ms_read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	buf[0] = 0;
	if (f && !fgets(buf, (int)len, f))
		buf[0] = 0;
	if (f)
		fclose(f);
}

long ms_read_long_file(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

long ms_meminfo_kb(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	long v = f ? ms_proc_field(f, field) : -1;
	if (f)
		fclose(f);
	if (v < 0)
		ms_broken("/proc/meminfo has no %s", field);
	return v;
}

long ms_vmstat(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char key[64];
	long v, found = -1;
	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (strcmp(key, name) == 0)
			found = v;
	fclose(f);
	return found;
}

/* ---- system calls glibc does not wrap ---- */

int ms_sys_mseal(void *addr, size_t len, unsigned long flags)
{
	return (int)syscall(SYS_mseal, addr, len, flags);
}

void ms_require_mseal(void)
{
	if (ms_sys_mseal(NULL, 0, 0) == -1 && errno == ENOSYS)
		cr_skip_test("mseal gives ENOSYS: needs Linux 6.10 or later (64-bit)");
}

int ms_xpidfd_open_at(const char *file, int line, pid_t pid)
{
	int fd = pidfd_open(pid, 0);
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		cr_skip_test("pidfd_open: %s", ms_errname(errno));
	if (fd < 0)
		ms_broken("%s:%d: pidfd_open(%d): %s", file, line, (int)pid, ms_errname(errno));
	return fd;
}

void ms_require_pkey_mprotect(void)
{
	if (syscall(SYS_pkey_mprotect, NULL, 0, PROT_READ, -1) == -1 && errno == ENOSYS)
		cr_skip_test("pkey_mprotect gives ENOSYS: this kernel has no protection-key system "
			     "calls on this architecture (arm64 has them from 6.12)");
}

int ms_userfaultfd_or_skip(uint64_t features)
{
	ms_require_behaviour(MS_USERFAULTFD);
	int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (uffd < 0)
		cr_skip_test("userfaultfd: %s (not built in, or refused: set "
			     "vm.unprivileged_userfaultfd=1 or run as root)", ms_errname(errno));
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	if (ioctl(uffd, UFFDIO_API, &api) != 0)
		cr_skip_test("UFFDIO_API with features 0x%llx: %s (this kernel lacks them)",
			     (unsigned long long)features, ms_errname(errno));
	return uffd;
}

void ms_xuffd_register_at(const char *file, int line, int uffd, void *addr, size_t len,
			  uint64_t mode)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = len }, .mode = mode,
	};
	ms_xcheck(file, line, "ioctl(UFFDIO_REGISTER)", ioctl(uffd, UFFDIO_REGISTER, &reg));
}

/* ---- machine-wide settings ----
 * One test process changes at most a few settings; forked children inherit this state, so
 * only the process that took the locks restores (its clean-up entry, and the check below for
 * a .fini or a direct call). */

static struct {
	enum ms_machine_setting id;
	char value[64];
} saved[MS_N_MACHINE_SETTINGS];
static int n_saved;
static int lock_fd[MS_N_SETTING_LOCKS] = { -1, -1 };
static pid_t owner;

_Static_assert(MS_N_SETTING_LOCKS == 2, "lock_fd's initialiser lists every lock");

void ms_settings_restore(void)
{
	if (getpid() != owner)
		return;
	while (n_saved > 0) {
		n_saved--;
		const char *path = ms_machine_setting(saved[n_saved].id)->path;
		if (!ms_setting_file_write(path, saved[n_saved].value))
			fprintf(stderr, "mmapsuite: could not restore %s to \"%s\": %s; restore it "
				"by hand\n", path, saved[n_saved].value, ms_errname(errno));
	}
	for (int i = MS_N_SETTING_LOCKS - 1; i >= 0; i--)
		if (lock_fd[i] >= 0) {
			close(lock_fd[i]);
			lock_fd[i] = -1;
		}
}

void ms_setting_hold(enum ms_machine_setting id)
{
	const struct ms_machine_setting_info *s = ms_machine_setting(id);
	int *slot = &lock_fd[s->lock];
	if (*slot >= 0)
		return;
	/* Only root can take the lock (its directory is root's), so that no other user can
	 * squat it; without it nothing keeps a root run from changing the setting meanwhile. */
	if (geteuid() != 0)
		cr_skip_test("depends on %s staying as it is, which only a root run can ensure (by "
			     "taking %s/%s); a non-root run changes no machine setting", s->path,
			     MS_RUNTIME_ROOT, ms_setting_lock_name(s->lock));
	char why[512];
	/* the holder is another test of the run: as slow as the place (time_scale.h) */
	double wait_s = 10 * ms_time_factor();
	int fd = ms_setting_lock_take(s->lock, (int)(wait_s * 1000), why, sizeof(why));
	if (fd < 0) {
		if (errno == EWOULDBLOCK)
			ms_broken("lock of %s not had within %.0f s: %s", s->path, wait_s, why);
		ms_broken("lock of %s: %s", s->path, why);
	}
	*slot = fd;
	owner = getpid();
	ms_at_exit(MS_CLEANUP_RESTORE, ms_settings_restore);
}

bool ms_setting_read(enum ms_machine_setting id, char *buf, size_t len)
{
	return ms_setting_file_read(ms_machine_setting(id)->path, buf, len);
}

bool ms_setting_try_change(enum ms_machine_setting id, const char *value)
{
	const char *path = ms_machine_setting(id)->path;
	ms_setting_hold(id);
	char old[sizeof(saved[0].value)];
	/* read under the lock: another test may just have restored it */
	if (!ms_setting_file_read(path, old, sizeof(old)))
		ms_broken("read %s: %s", path, ms_errname(errno));
	if (n_saved == MS_N_MACHINE_SETTINGS)
		ms_broken("more settings changed in one test than the list holds");
	saved[n_saved].id = id;
	snprintf(saved[n_saved].value, sizeof(saved[n_saved].value), "%s", old);
	n_saved++;
	return ms_setting_file_write(path, value);
}

void ms_setting_change(enum ms_machine_setting id, const char *value)
{
	const char *path = ms_machine_setting(id)->path;
	if (geteuid() != 0)
		cr_skip_test("needs root to change %s; a non-root run changes no machine setting",
			     path);
	const char *no_global = ms_env("MMAPSUITE_NO_GLOBAL_SETTINGS");
	if (no_global && *no_global && ms_machine_setting(id)->global_memory)
		cr_skip_test("%s would change for the whole machine, which this run forbids "
			     "(MMAPSUITE_NO_GLOBAL_SETTINGS=%s): a broken mmap under test must not make "
			     "allocations fail elsewhere", path, no_global);
	char old[64];
	if (!ms_setting_file_read(path, old, sizeof(old)))
		cr_skip_test("%s cannot be read (%s): this kernel lacks the setting", path,
			     ms_errname(errno));
	if (!ms_setting_try_change(id, value))
		ms_broken("write \"%s\" to %s: %s", value, path, ms_errname(errno));
}

/* ---- protection bits ---- */

#if defined(__aarch64__)
unsigned long ms_arch_prot_bits(void)
{
	unsigned long hw2 = getauxval(AT_HWCAP2), bits = 0;
#ifdef HWCAP2_BTI
	if (hw2 & HWCAP2_BTI)
		bits |= 0x10; /* PROT_BTI */
#endif
#ifdef HWCAP2_MTE
	if (hw2 & HWCAP2_MTE)
		bits |= 0x20; /* PROT_MTE */
#endif
	return bits;
}
#else
unsigned long ms_arch_prot_bits(void)
{
	return 0;
}
#endif
