/* (d) Lazy faulting and residency.
 *
 * Residency comes from mincore() (page cache for files) and /proc/self/pagemap (this process's
 * page tables); fault counts from getrusage(RUSAGE_THREAD), per thread, so that Criterion's
 * own threads never add to them. File fault counts depend on how the pages entered the page
 * cache: the tests create the file with write() and fsync() it, so it is hot and clean, and
 * state per file system what Linux 6.18 does:
 *   tmpfs, btrfs: small folios, so a read fault maps exactly the fault-around window
 *                 (fault_around_bytes, 64 KiB = 16 pages by default);
 *   ext4, xfs:    large folios from the write path; a fault maps at least the window and may
 *                 map a whole folio, up to a 2 MiB PMD: at most one fault per window (a
 *                 256 KiB file still took one per window; a 4 MiB one took 1 fault in all).
 * Which case applies is read from /proc/kpageflags (root), not assumed from the name. */
#include "conform.h"

#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <linux/kernel-page-flags.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* PAGEMAP_SCAN (Linux 6.7, include/uapi/linux/fs.h) and the userfaultfd features it works
 * with are newer than Debian 12's kernel headers: the ABI is spelled out here. */
#ifndef PAGEMAP_SCAN
struct page_region {
	uint64_t start, end, categories;
};
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PM_SCAN_WP_MATCHING (1 << 0)
#define PM_SCAN_CHECK_WPASYNC (1 << 1)
#define PAGE_IS_WRITTEN (1 << 1)
#define PAGE_IS_PRESENT (1 << 3)
#define PAGE_IS_PFNZERO (1 << 5)
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

#define PM_PRESENT (1ull << 63)
#define PM_SOFT_DIRTY (1ull << 55)
#define PM_PFN_MASK ((1ull << 55) - 1)

/* ---- helpers ---- */

static uint64_t pagemap_entry(const void *addr)
{
	int fd = xopen("/proc/self/pagemap", O_RDONLY, 0);
	uint64_t e = 0;
	xpread(fd, &e, sizeof(e), (off_t)((uintptr_t)addr / ms_page() * sizeof(e)));
	xclose(fd);
	return e;
}

/* Fills present[i] with the pagemap present bit of page i; returns how many are present. */
static size_t pagemap_present(const void *addr, size_t pages, bool *present)
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

/* 1 when every present page of [addr, +pages) is an order-0 folio, 0 when one is part of a
 * large folio, -1 when that cannot be known (PFNs and /proc/kpageflags need root). */
static int all_small_folios(const void *addr, size_t pages)
{
	if (geteuid() != 0)
		return -1;
	int kf = open("/proc/kpageflags", O_RDONLY);
	if (kf < 0)
		return -1;
	int verdict = 1;
	for (size_t i = 0; i < pages && verdict == 1; i++) {
		uint64_t e = pagemap_entry((const char *)addr + i * ms_page()), flags = 0;
		if (!(e & PM_PRESENT))
			continue;
		if ((e & PM_PFN_MASK) == 0 ||
		    pread(kf, &flags, sizeof(flags), (off_t)((e & PM_PFN_MASK) * 8)) != 8)
			verdict = -1;
		else if (flags & ((1ull << KPF_COMPOUND_HEAD) | (1ull << KPF_COMPOUND_TAIL)))
			verdict = 0;
	}
	close(kf);
	return verdict;
}

/* fault_around_bytes in pages: from debugfs when mounted, else the kernel default (64 KiB),
 * and *source says which. */
static size_t fault_around_pages(const char **source)
{
	FILE *f = fopen("/sys/kernel/debug/fault_around_bytes", "r");
	unsigned long bytes = 65536;
	*source = "the 64 KiB default (debugfs not mounted, so it could not be read)";
	if (f) {
		if (fscanf(f, "%lu", &bytes) == 1)
			*source = "/sys/kernel/debug/fault_around_bytes";
		fclose(f);
	}
	size_t pages = bytes / ms_page();
	return pages ? pages : 1;
}

static const char *folio_verdict(int small)
{
	return small == 1 ? "all small" : small == 0 ? "large" :
	       "unknown (PFNs need root), so only the bound is checked";
}

/* Maps len bytes of fd at an address aligned to align (fault-around windows and PMDs are
 * aligned in the virtual address space, so counts are exact only from an aligned start). */
static void *xmmap_aligned(size_t len, size_t align, int prot, int flags, int fd)
{
	unsigned char *raw = xmmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
				   -1, 0);
	uintptr_t at = ((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1);
	void *p = xmmap((void *)at, len, prot, flags | MAP_FIXED, fd, 0);
	if (at > (uintptr_t)raw)
		xmunmap(raw, at - (uintptr_t)raw);
	size_t tail = (uintptr_t)raw + len + align - (at + len);
	if (tail)
		xmunmap((void *)(at + len), tail);
	return p;
}

/* A hot, clean file of len bytes: written, fsync()ed, every page in the page cache. */
static int hot_file(size_t len)
{
	int fd = ms_file(len, NULL);
	xfsync(fd);
	return fd;
}

/* Drops a clean file from the page cache with POSIX_FADV_DONTNEED, never the global
 * drop_caches: that disturbs every test running beside this one (observed on 6.18: after
 * drop_caches, tmpfs read faults on the files it passed over stop mapping neighbours, 64
 * faults for 64 pages). SKIPs when pages stay (tmpfs keeps them: its only backing is swap). */
static void drop_file_cache(int fd, size_t len)
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

static long pagemap_scan(void *start, size_t len, uint64_t flags, uint64_t category,
			 struct page_region *vec, size_t vec_len)
{
	struct pm_scan_arg arg = {
		.size = sizeof(arg), .flags = flags, .start = (uintptr_t)start,
		.end = (uintptr_t)start + len, .vec = (uintptr_t)vec, .vec_len = vec_len,
		.category_mask = category, .return_mask = category,
	};
	int fd = xopen("/proc/self/pagemap", O_RDONLY, 0);
	long n = ioctl(fd, PAGEMAP_SCAN, &arg);
	int e = errno;
	close(fd);
	errno = e;
	return n;
}

static void require_pagemap_scan(void)
{
	char page[64] __attribute__((aligned(64)));
	struct page_region r;
	if (pagemap_scan((void *)((uintptr_t)page & ~(uintptr_t)(ms_page() - 1)), ms_page(), 0,
			 PAGE_IS_PRESENT, &r, 1) < 0)
		cr_skip_test("the PAGEMAP_SCAN ioctl is refused (%s): it needs Linux 6.7",
			     ms_errname(errno));
}

/* Formats the regions as "[2,4) [9,10)" in pages from base. */
static const char *regions_str(const struct page_region *r, long n, const void *base)
{
	static char out[512];
	size_t used = 0;
	out[0] = 0;
	for (long i = 0; i < n && used < sizeof(out) - 32; i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used, "[%zu,%zu) ",
					 (size_t)(r[i].start - (uintptr_t)base) / ms_page(),
					 (size_t)(r[i].end - (uintptr_t)base) / ms_page());
	return n ? out : "(none)";
}

/* A userfaultfd for user-mode faults (allowed without privilege even with
 * vm.unprivileged_userfaultfd=0), with the given features; SKIPs when refused. glibc has no
 * wrapper, hence syscall(). */
static int xuserfaultfd(uint64_t features)
{
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

static void xuffd_register(int uffd, void *addr, size_t len, uint64_t mode)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = len }, .mode = mode,
	};
	xcheck("ioctl(UFFDIO_REGISTER)", ioctl(uffd, UFFDIO_REGISTER, &reg));
}

static unsigned char *anon_nothp(size_t len)
{
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	/* a huge zero page or THP would turn per-page counts into per-2MiB counts */
	xmadvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static void touch_read(const unsigned char *p)
{
	(void)*(const volatile unsigned char *)p;
}

/* ---- d1 d2 d3: residency ---- */

/* Assert that anonymous pages are not resident before the first touch and that a touch makes
 * exactly that page resident. LINUX: mincore() is not in POSIX. */
CONFORM(faults, anon_resident_only_after_touch, "d1", LINUX)
{
	size_t page = ms_page(), pages = 16, len = pages * page;
	unsigned char *p = anon_nothp(len);
	cr_assert(ms_resident(p, len) == 0, "%ld pages of a fresh anonymous mapping are resident "
		  "before any touch\n%s", ms_resident(p, len), ms_maps_near(p, len));
	p[5 * page] = 1;
	long n = ms_resident(p, len);
	cr_assert(n == 1 && ms_page_resident(p + 5 * page), "after writing page 5, %ld pages are "
		  "resident (page 5: %s); expected exactly page 5", n,
		  ms_page_resident(p + 5 * page) ? "yes" : "no");
	xmunmap(p, len);
}

/* The read-ahead size of the device behind ms_dir(), in pages, from sysfs: the bdi of a block
 * device (whole disk, loop, or a partition's disk); for btrfs, which has its own bdi, the
 * largest btrfs bdi. 0 when not found. */
static size_t readahead_pages(const char **source)
{
	static char where[PATH_MAX];
	struct stat st;
	char path[PATH_MAX];
	*source = "unknown";
	if (stat(ms_dir(), &st) != 0)
		return 0;
	const char *tries[] = { "bdi/read_ahead_kb", "../bdi/read_ahead_kb" };
	unsigned long kb = 0;
	for (size_t i = 0; i < 2 && !kb; i++) {
		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/%s", major(st.st_dev),
			 minor(st.st_dev), tries[i]);
		FILE *f = fopen(path, "r");
		if (f && fscanf(f, "%lu", &kb) == 1)
			snprintf(where, sizeof(where), "%s", path);
		if (f)
			fclose(f);
	}
	glob_t g;
	if (!kb && ms_fs_kind() == MS_FS_BTRFS &&
	    glob("/sys/fs/btrfs/*/bdi/read_ahead_kb", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			unsigned long v = 0;
			FILE *f = fopen(g.gl_pathv[i], "r");
			if (f && fscanf(f, "%lu", &v) == 1 && v > kb)
				kb = v, snprintf(where, sizeof(where), "%s", g.gl_pathv[i]);
			if (f)
				fclose(f);
		}
		globfree(&g);
	}
	if (kb)
		*source = where;
	return kb * 1024 / ms_page();
}

/* Assert that no page of a new file mapping is resident before a touch, and one read touch
 * brings in only the read-around window: tmpfs exactly the touched page (no readahead);
 * ext4/xfs/btrfs the touched page and its neighbours, at most the device's read_ahead_kb
 * (observed: the whole read_ahead_kb window), never the whole file. LINUX (mincore). */
CONFORM(faults, file_touch_brings_in_only_window, "d2", LINUX)
{
	size_t page = ms_page(), pages = 8192, len = pages * page; /* 32 MiB, sparse */
	int fd = ms_file_flags(len, O_RDWR, NULL);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	cr_assert(ms_resident(p, len) == 0, "%ld pages of a new sparse file are resident before "
		  "any touch (fs %s)", ms_resident(p, len), ms_fs_name());
	size_t at = pages / 2;
	touch_read(p + at * page);
	long n = ms_resident(p, len);
	cr_assert(ms_page_resident(p + at * page), "the touched page %zu is not resident", at);
	const char *source;
	size_t ra = readahead_pages(&source);
	cr_log_info("%s: one read touch made %ld of %zu pages resident (read-ahead %zu pages "
		    "from %s)", ms_fs_name(), n, pages, ra, source);
	if (ms_fs_kind() == MS_FS_TMPFS)
		cr_assert(n == 1, "tmpfs: one read touch made %ld pages resident; expected exactly "
			  "1 (tmpfs has no readahead)", n);
	else if (ra)
		cr_assert(n >= 1 && n <= (long)ra, "%s: one read touch made %ld pages resident; "
			  "expected at most the read-ahead window, %zu pages (%s)", ms_fs_name(), n,
			  ra, source);
	else
		cr_assert(n >= 1 && n < (long)pages, "%s: one read touch made %ld of %zu pages "
			  "resident; expected fewer than all (read_ahead_kb not found in sysfs)",
			  ms_fs_name(), n, pages);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that pages a fork child touches in a MAP_SHARED|MAP_ANONYMOUS mapping show as
 * resident to the parent, and only those. LINUX (mincore). */
CONFORM(faults, shared_pages_touched_by_child_resident, "d3", LINUX)
{
	size_t page = ms_page(), pages = 16, len = pages * page;
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				 -1, 0);
	pid_t pid = xfork();
	if (pid == 0) {
		p[2 * page] = 1;
		p[11 * page] = 1;
		_exit(0);
	}
	xwait_ok(pid);
	long n = ms_resident(p, len);
	cr_assert(n == 2 && ms_page_resident(p + 2 * page) && ms_page_resident(p + 11 * page),
		  "the child wrote pages 2 and 11; the parent sees %ld resident (2: %d, 11: %d)",
		  n, ms_page_resident(p + 2 * page), ms_page_resident(p + 11 * page));
	xmunmap(p, len);
}

/* ---- d4 d5: locking ---- */

/* SKIPs unless RLIMIT_MEMLOCK allows bytes more, raising the soft (and as root the hard)
 * limit first. Root has CAP_IPC_LOCK and is not limited. */
static void require_memlock(size_t bytes)
{
	struct rlimit rl;
	xcheck("getrlimit", getrlimit(RLIMIT_MEMLOCK, &rl));
	if (geteuid() == 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= bytes + (1u << 20))
		return;
	rl.rlim_cur = bytes + (1u << 20);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur)
		rl.rlim_max = rl.rlim_cur;
	if (setrlimit(RLIMIT_MEMLOCK, &rl) != 0)
		cr_skip_test("RLIMIT_MEMLOCK cannot be raised to %zu bytes (%s)", bytes,
			     ms_errname(errno));
}

/* Assert that MAP_LOCKED prefaults the whole range: every page resident, smaps Locked equals
 * Rss equals the length, VmLck grows by the length. LINUX: MAP_LOCKED is Linux-only. */
CONFORM(faults, map_locked_prefaults_range, "d4", LINUX)
{
	size_t pages = 16, len = pages * ms_page();
	require_memlock(len);
	long before = ms_status_kb("VmLck");
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	long kb = (long)(len / 1024), rss = ms_smaps_kb(p, "Rss");
	long locked = ms_smaps_kb(p, "Locked");
	cr_assert(ms_resident(p, len) == (long)pages, "MAP_LOCKED: %ld of %zu pages resident\n%s",
		  ms_resident(p, len), pages, ms_maps_near(p, len));
	cr_assert(rss == kb && locked == kb, "MAP_LOCKED: smaps Rss %ld kB, Locked %ld kB; "
		  "expected both %ld kB", rss, locked, kb);
	long vmlck = ms_status_kb("VmLck") - before;
	cr_assert(vmlck == kb, "MAP_LOCKED of %ld kB raised VmLck by %ld kB", kb, vmlck);
	xmunmap(p, len);
}

/* Assert that mlock() of a file mapping faults every page in before it returns: all mapped
 * (pagemap), smaps Locked equals the length, and touching them takes no fault. POSIX: mlock
 * makes the range memory-resident; the fault count is LINUX detail. */
CONFORM(faults, mlock_file_prefaults_range, "d4", POSIX)
{
	size_t pages = 16, len = pages * ms_page();
	require_memlock(len);
	int fd = hot_file(len);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ms_assert_ok(mlock(p, len));
	size_t mapped = pagemap_present(p, pages, NULL);
	cr_assert(mapped == pages, "after mlock %zu of %zu file pages are mapped (fs %s)\n%s",
		  mapped, pages, ms_fs_name(), ms_maps_near(p, len));
	long locked = ms_smaps_kb(p, "Locked");
	cr_assert(locked == (long)(len / 1024), "smaps Locked %ld kB after mlock of %zu kB", locked,
		  len / 1024);
	struct ms_faults start = ms_faults_now();
	for (size_t i = 0; i < pages; i++)
		touch_read(p + i * ms_page());
	struct ms_faults d = ms_faults_since(start);
	cr_assert(d.minor == 0 && d.major == 0, "reading mlocked pages took %ld minor and %ld "
		  "major faults", d.minor, d.major);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that mlock2(MLOCK_ONFAULT) prefaults nothing, locks exactly the pages touched later,
 * and that locking the range again does not count them twice. LINUX (mlock2 is Linux-only). */
CONFORM(faults, mlock_onfault_locks_only_touched_pages, "d5", LINUX)
{
	size_t page = ms_page(), pages = 16, len = pages * page;
	require_memlock(len);
	long before = ms_status_kb("VmLck");
	unsigned char *p = anon_nothp(len);
	ms_assert_ok(mlock2(p, len, MLOCK_ONFAULT));
	cr_assert(ms_resident(p, len) == 0, "MLOCK_ONFAULT prefaulted %ld pages",
		  ms_resident(p, len));
	long locked = ms_smaps_kb(p, "Locked");
	cr_assert(locked == 0, "smaps Locked %ld kB before any touch; expected 0", locked);
	p[0] = 1, p[3 * page] = 1, p[9 * page] = 1;
	long three = (long)(3 * page / 1024);
	locked = ms_smaps_kb(p, "Locked");
	cr_assert(locked == three, "3 pages touched under MLOCK_ONFAULT: smaps Locked %ld kB, "
		  "expected %ld", locked, three);
	ms_assert_ok(mlock2(p, len, MLOCK_ONFAULT));
	locked = ms_smaps_kb(p, "Locked");
	long vmlck = ms_status_kb("VmLck") - before;
	cr_assert(locked == three, "relocking: smaps Locked %ld kB, expected %ld", locked, three);
	cr_assert(vmlck == (long)(len / 1024), "VmLck grew by %ld kB; it counts the locked range, "
		  "%zu kB, once", vmlck, len / 1024);
	xmunmap(p, len);
}

/* ---- d6 d7: prefaulting ---- */

/* Assert that MAP_POPULATE maps every page of an anonymous and of a file mapping (pagemap
 * present bit) and later accesses take no fault. LINUX: MAP_POPULATE is Linux-only. */
CONFORM(faults, map_populate_maps_every_page, "d6", LINUX)
{
	size_t pages = 32, len = pages * ms_page();
	int fd = hot_file(len);
	unsigned char *a = xmmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	unsigned char *f = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
				 fd, 0);
	size_t na = pagemap_present(a, pages, NULL), nf = pagemap_present(f, pages, NULL);
	cr_assert(na == pages, "anonymous MAP_POPULATE: %zu of %zu pages present\n%s", na, pages,
		  ms_maps_near(a, len));
	cr_assert(nf == pages, "file MAP_POPULATE: %zu of %zu pages present (fs %s)\n%s", nf,
		  pages, ms_fs_name(), ms_maps_near(f, len));
	struct ms_faults start = ms_faults_now();
	for (size_t i = 0; i < pages; i++)
		touch_read(a + i * ms_page()), touch_read(f + i * ms_page());
	struct ms_faults d = ms_faults_since(start);
	cr_assert(d.minor == 0 && d.major == 0, "reads after MAP_POPULATE took %ld minor and %ld "
		  "major faults", d.minor, d.major);
	xmunmap(a, len);
	xmunmap(f, len);
	xclose(fd);
}

/* Assert that MADV_POPULATE_READ maps every page of a file mapping and MADV_POPULATE_WRITE
 * makes every anonymous page writable, so that later stores take no fault. LINUX (5.14). */
CONFORM(faults, madv_populate_prefaults, "d7", LINUX)
{
	size_t pages = 32, len = pages * ms_page();
	int fd = hot_file(len);
	unsigned char *f = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	unsigned char *a = anon_nothp(len);
	if (madvise(f, len, MADV_POPULATE_READ) != 0 && errno == EINVAL)
		cr_skip_test("MADV_POPULATE_READ: EINVAL (it needs Linux 5.14)");
	size_t nf = pagemap_present(f, pages, NULL);
	cr_assert(nf == pages, "MADV_POPULATE_READ: %zu of %zu file pages present (fs %s)", nf,
		  pages, ms_fs_name());
	ms_assert_ok(madvise(a, len, MADV_POPULATE_WRITE));
	struct ms_faults start = ms_faults_now();
	for (size_t i = 0; i < pages; i++)
		a[i * ms_page()] = 1;
	struct ms_faults d = ms_faults_since(start);
	cr_assert(d.minor == 0 && d.major == 0, "stores after MADV_POPULATE_WRITE took %ld minor "
		  "and %ld major faults; expected none", d.minor, d.major);
	xmunmap(a, len);
	xmunmap(f, len);
	xclose(fd);
}

/* Assert that MADV_POPULATE_READ/WRITE fail with EINVAL where the protection forbids the
 * access (PROT_NONE for both, PROT_READ for WRITE). LINUX (madvise(2)). */
CONFORM(faults, madv_populate_wrong_protection_einval, "d7 g13", LINUX)
{
	size_t len = 4 * ms_page();
	unsigned char *none = xmmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *ro = xmmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ms_assert_errno(madvise(none, len, MADV_POPULATE_READ), EINVAL);
	ms_assert_errno(madvise(none, len, MADV_POPULATE_WRITE), EINVAL);
	ms_assert_errno(madvise(ro, len, MADV_POPULATE_WRITE), EINVAL);
	ms_assert_ok(madvise(ro, len, MADV_POPULATE_READ));
	cr_assert(ms_resident(none, len) == 0, "a failed populate of PROT_NONE made pages "
		  "resident");
	xmunmap(none, len);
	xmunmap(ro, len);
}

/* Assert that MADV_POPULATE_WRITE over a range with a hole fails with ENOMEM and still
 * populates the mapped part before the hole. LINUX (madvise(2): ENOMEM for unmapped). */
CONFORM(faults, madv_populate_hole_enomem, "d7 g14", LINUX)
{
	size_t page = ms_page(), len = 8 * page;
	unsigned char *p = anon_nothp(len);
	xmunmap(p + 4 * page, page);
	ms_assert_errno(madvise(p, len, MADV_POPULATE_WRITE), ENOMEM);
	size_t before = pagemap_present(p, 4, NULL);
	cr_assert(before == 4, "ENOMEM for the hole at page 4, but only %zu of the 4 pages before "
		  "it were populated\n%s", before, ms_maps_near(p, len));
	xmunmap(p, len);
}

/* ---- d8: readahead advice ---- */

/* Assert that after MADV_WILLNEED on a file that was dropped from the page cache, reading it
 * through the mapping takes no major fault (the read I/O already happened). LINUX: POSIX
 * posix_madvise(WILLNEED) is only a hint. tmpfs pages cannot be dropped without swap: SKIP. */
CONFORM(faults, willneed_avoids_major_faults, "d8", LINUX)
{
	size_t pages = 256, len = pages * ms_page();
	int fd = ms_file(len, NULL);
	drop_file_cache(fd, len);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ms_assert_ok(madvise(p, len, MADV_WILLNEED));
	/* the read-ahead is asynchronous: a fault that had to wait for it would count major */
	long n = 0;
	for (int i = 0; i < 200 && (n = ms_resident(p, len)) < (long)pages; i++)
		usleep(10000);
	cr_assert(n == (long)pages, "2 s after MADV_WILLNEED only %ld of %zu pages are cached "
		  "(fs %s)", n, pages, ms_fs_name());
	struct ms_faults start = ms_faults_now();
	for (size_t i = 0; i < pages; i++)
		touch_read(p + i * ms_page());
	struct ms_faults d = ms_faults_since(start);
	cr_assert(d.major == 0, "reading after MADV_WILLNEED took %ld major faults (and %ld minor) "
		  "on %s", d.major, d.minor, ms_fs_name());
	xmunmap(p, len);
	xclose(fd);
}

/* ---- d9: exact fault counts ---- */

/* Evaluates the fault delta once, before any assertion code can fault. */
#define assert_faults(delta, minor_, major_, what)                                           \
	do {                                                                                 \
		struct ms_faults d_ = (delta);                                               \
		cr_assert(d_.minor == (minor_) && d_.major == (major_),                      \
			  "%s: %ld minor and %ld major faults, expected exactly %d and %d",  \
			  what, d_.minor, d_.major, minor_, major_);                         \
	} while (0)

/* Assert the exact fault counts of anonymous memory: a first read is 1 minor fault (it maps
 * the shared zero page), a write after it faults once more (to replace the zero page), a
 * first write is 1 fault, and repeated accesses take none. LINUX: counts are Linux detail. */
CONFORM(faults, anon_first_touch_fault_counts, "d9", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	unsigned char *p = anon_nothp(len);
	struct ms_faults s = ms_faults_now();
	touch_read(p);
	assert_faults(ms_faults_since(s), 1, 0, "first read of an anonymous page");
	s = ms_faults_now();
	touch_read(p);
	assert_faults(ms_faults_since(s), 0, 0, "second read of the page");
	s = ms_faults_now();
	p[0] = 1;
	assert_faults(ms_faults_since(s), 1, 0, "write after read (zero page replaced)");
	s = ms_faults_now();
	p[2 * page] = 1;
	assert_faults(ms_faults_since(s), 1, 0, "first write of an untouched page");
	s = ms_faults_now();
	p[2 * page + 1] = 2;
	touch_read(p + 2 * page);
	assert_faults(ms_faults_since(s), 0, 0, "accesses to a written page");
	xmunmap(p, len);
}

/* Assert that read faults on anonymous memory map the shared zero page (PAGEMAP_SCAN
 * PAGE_IS_PFNZERO) and a write replaces it with a private page. LINUX (6.7 for the ioctl). */
CONFORM(faults, anon_read_maps_zero_page, "d9 a1", LINUX)
{
	require_pagemap_scan();
	size_t page = ms_page(), len = 4 * page;
	unsigned char *p = anon_nothp(len);
	touch_read(p);
	touch_read(p + page);
	struct page_region r[4];
	long n = pagemap_scan(p, len, 0, PAGE_IS_PFNZERO, r, 4);
	cr_assert(n == 1 && r[0].start == (uintptr_t)p && r[0].end == (uintptr_t)(p + 2 * page),
		  "after reading pages 0 and 1, PAGE_IS_PFNZERO regions are %s (%ld); expected "
		  "[0,2)", regions_str(r, n, p), n);
	p[page] = 1;
	n = pagemap_scan(p, len, 0, PAGE_IS_PFNZERO, r, 4);
	cr_assert(n == 1 && r[0].end == (uintptr_t)(p + page), "after writing page 1, zero-page "
		  "regions are %s; expected [0,1)", regions_str(r, n, p));
	xmunmap(p, len);
}

/* Assert that the first write to an untouched page of a hot file takes exactly 1 minor
 * fault, for MAP_PRIVATE (one COW copy, smaps Anonymous one page) and MAP_SHARED. LINUX. */
CONFORM(faults, file_first_write_one_fault, "d9", LINUX)
{
	size_t page = ms_page(), pages = 16, len = pages * page;
	int fd = hot_file(len);
	unsigned char *priv = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	unsigned char *shr = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	struct ms_faults s = ms_faults_now();
	priv[7 * page] = 1;
	assert_faults(ms_faults_since(s), 1, 0, "first write to a private file page");
	long anon = ms_smaps_kb(priv, "Anonymous");
	cr_assert(anon == (long)(page / 1024), "one private write: smaps Anonymous %ld kB, "
		  "expected one page (%zu kB) (fs %s)", anon, page / 1024, ms_fs_name());
	s = ms_faults_now();
	shr[7 * page] = 1;
	assert_faults(ms_faults_since(s), 1, 0, "first write to a shared file page");
	xmunmap(priv, len);
	xmunmap(shr, len);
	xclose(fd);
}

/* Assert that the first read of a file page that is not cached is exactly 1 major fault (no
 * minor), and of a cached page 0 major. LINUX. tmpfs cannot be made cold: SKIP there. */
CONFORM(faults, file_cold_first_read_one_major_fault, "d9", LINUX)
{
	size_t pages = 64, len = pages * ms_page();
	int fd = ms_file(len, NULL);
	drop_file_cache(fd, len);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	struct ms_faults s = ms_faults_now();
	touch_read(p + 8 * ms_page());
	assert_faults(ms_faults_since(s), 0, 1, "first read of an uncached file page");
	for (int i = 0; i < 200 && ms_resident(p, len) < (long)pages; i++)
		usleep(10000); /* let read-around finish */
	s = ms_faults_now();
	for (size_t i = 0; i < pages; i++)
		touch_read(p + i * ms_page());
	struct ms_faults d = ms_faults_since(s);
	cr_assert(d.major == 0, "reading %zu cached pages took %ld major faults (fs %s)", pages,
		  d.major, ms_fs_name());
	xmunmap(p, len);
	xclose(fd);
}

/* ---- d10: fault-around ---- */

/* Assert that one read fault on a hot file maps its fault-around window: small folios
 * (tmpfs, btrfs here) exactly the aligned fault_around_bytes window; large folios (ext4,
 * xfs here) at least that window, up to whole folios. LINUX (mm/memory.c do_fault_around). */
CONFORM(faults, read_fault_maps_fault_around_window, "d10", LINUX)
{
	const char *source;
	size_t window = fault_around_pages(&source), page = ms_page(), pages = 128;
	size_t len = pages * page, at = 37;
	int fd = hot_file(len);
	unsigned char *p = xmmap_aligned(len, 2u << 20, PROT_READ, MAP_SHARED, fd);
	touch_read(p + at * page);
	bool present[128];
	size_t n = pagemap_present(p, pages, present);
	size_t lo = at / window * window, hi = lo + window < pages ? lo + window : pages;
	for (size_t i = lo; i < hi; i++)
		cr_assert(present[i], "page %zu of the fault-around window [%zu,%zu) around page "
			  "%zu is not mapped (fs %s; window from %s)", i, lo, hi, at, ms_fs_name(),
			  source);
	int small = all_small_folios(p, pages);
	cr_log_info("%s: one read fault mapped %zu pages (window %zu pages from %s; folios: %s)",
		    ms_fs_name(), n, window, source, folio_verdict(small));
	if (small == 1)
		cr_assert(n == hi - lo, "%s (small folios): one read fault mapped %zu pages; "
			  "expected exactly the %zu-page window (fault_around_bytes from %s)",
			  ms_fs_name(), n, hi - lo, source);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that reading 64 pages of a hot file in order, through MAP_SHARED and through
 * MAP_PRIVATE, takes one fault per fault-around window: exactly 64 / window with small folios
 * (tmpfs, btrfs here: 4), between 1 and that with large folios (ext4, xfs here: 4 for this
 * 256 KiB file; 1 for a 4 MiB file, which gets a PMD mapping), never 64. LINUX. */
CONFORM(faults, sequential_read_faults_per_window, "d10 d9", LINUX)
{
	const char *source;
	size_t window = fault_around_pages(&source), page = ms_page(), pages = 64;
	size_t len = pages * page;
	long windows = (long)((pages + window - 1) / window);
	int fd = hot_file(len);
	const int kinds[] = { MAP_SHARED, MAP_PRIVATE };
	for (size_t k = 0; k < 2; k++) {
		const char *kind = kinds[k] == MAP_SHARED ? "MAP_SHARED" : "MAP_PRIVATE";
		unsigned char *p = xmmap_aligned(len, 2u << 20, PROT_READ, kinds[k], fd);
		struct ms_faults s = ms_faults_now();
		for (size_t i = 0; i < pages; i++)
			touch_read(p + i * page);
		struct ms_faults d = ms_faults_since(s);
		int small = all_small_folios(p, pages);
		cr_log_info("%s %s: reading %zu pages took %ld minor, %ld major faults (window %zu "
			    "pages from %s; folios: %s)", ms_fs_name(), kind, pages, d.minor,
			    d.major, window, source, folio_verdict(small));
		cr_assert(d.major == 0, "%s %s: %ld major faults reading a hot file", ms_fs_name(),
			  kind, d.major);
		if (small == 1)
			cr_assert(d.minor == windows, "%s %s (small folios): %zu pages read in "
				  "%ld faults; expected exactly %ld, one per %zu-page window "
				  "(fault_around_bytes from %s)", ms_fs_name(), kind, pages,
				  d.minor, windows, window, source);
		else
			cr_assert(d.minor >= 1 && d.minor <= windows, "%s %s: %zu pages read in "
				  "%ld faults; expected 1 to %ld (at most one per %zu-page window, "
				  "from %s)", ms_fs_name(), kind, pages, d.minor, windows, window,
				  source);
		xmunmap(p, len);
	}
	xclose(fd);
}

/* Assert that anonymous memory has no fault-around: each first read of a page is its own
 * fault and maps only that page. LINUX. */
CONFORM(faults, anon_has_no_fault_around, "d10 d9", LINUX)
{
	size_t page = ms_page(), pages = 16, len = pages * page;
	unsigned char *p = anon_nothp(len);
	struct ms_faults s = ms_faults_now();
	for (size_t i = 0; i < pages; i++)
		touch_read(p + i * page);
	struct ms_faults d = ms_faults_since(s);
	cr_assert(d.minor == (long)pages, "reading %zu anonymous pages took %ld faults, expected "
		  "one each", pages, d.minor);
	xmunmap(p, len);
}

/* ---- d11: dirty tracking ---- */

/* Assert that soft-dirty tracking works: clear_refs 4 clears pagemap bit 55 and a write sets
 * it again on that page only. LINUX; SKIP without CONFIG_MEM_SOFT_DIRTY (a freshly written
 * page then never shows the bit). */
CONFORM(faults, soft_dirty_set_by_write_after_clear, "d11", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	unsigned char *p = anon_nothp(len);
	memset(p, 1, len);
	if (!(pagemap_entry(p) & PM_SOFT_DIRTY))
		cr_skip_test("a freshly written page has no soft-dirty bit (pagemap bit 55): the "
			     "kernel is built without CONFIG_MEM_SOFT_DIRTY");
	int fd = xopen("/proc/self/clear_refs", O_WRONLY, 0);
	xcheck("write(clear_refs, 4)", write(fd, "4", 1));
	xclose(fd);
	for (size_t i = 0; i < 4; i++)
		cr_assert(!(pagemap_entry(p + i * page) & PM_SOFT_DIRTY), "page %zu still "
			  "soft-dirty after clear_refs", i);
	p[2 * page] = 7;
	for (size_t i = 0; i < 4; i++)
		cr_assert(!!(pagemap_entry(p + i * page) & PM_SOFT_DIRTY) == (i == 2), "page %zu: "
			  "soft-dirty %s after writing page 2 only", i,
			  pagemap_entry(p + i * page) & PM_SOFT_DIRTY ? "set" : "clear");
	xmunmap(p, len);
}

/* Assert that PAGEMAP_SCAN with PAGE_IS_PRESENT reports exactly the touched pages as
 * regions. LINUX (6.7). */
CONFORM(faults, pagemap_scan_reports_present_pages, "d11 d1", LINUX)
{
	require_pagemap_scan();
	size_t page = ms_page(), len = 16 * page;
	unsigned char *p = anon_nothp(len);
	p[2 * page] = p[3 * page] = p[9 * page] = 1;
	struct page_region r[8];
	long n = pagemap_scan(p, len, 0, PAGE_IS_PRESENT, r, 8);
	cr_assert(n == 2 && r[0].start == (uintptr_t)(p + 2 * page) &&
		  r[0].end == (uintptr_t)(p + 4 * page) &&
		  r[1].start == (uintptr_t)(p + 9 * page) &&
		  r[1].end == (uintptr_t)(p + 10 * page),
		  "present regions %s; expected [2,4) [9,10)", regions_str(r, n, p));
	xmunmap(p, len);
}

/* Assert that PAGEMAP_SCAN reports exactly the pages written since the last reset, with
 * userfaultfd async write-protection as the tracker (PAGE_IS_WRITTEN). LINUX (6.7). */
CONFORM(faults, pagemap_scan_reports_written_pages, "d11 d12", LINUX)
{
	require_pagemap_scan();
	size_t page = ms_page(), len = 16 * page;
	int uffd = xuserfaultfd(UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED);
	unsigned char *p = anon_nothp(len);
	xuffd_register(uffd, p, len, UFFDIO_REGISTER_MODE_WP);
	struct page_region r[8];
	/* registration alone protects nothing: a first scan with WP_MATCHING starts tracking */
	long n = pagemap_scan(p, len, PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC, PAGE_IS_WRITTEN,
			      r, 8);
	xcheck("ioctl(PAGEMAP_SCAN, WP_MATCHING)", n);
	n = pagemap_scan(p, len, 0, PAGE_IS_WRITTEN, r, 8);
	cr_assert(n == 0, "right after the reset, written regions are %s", regions_str(r, n, p));
	p[1 * page] = 1;
	p[5 * page] = 1;
	n = pagemap_scan(p, len, PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC, PAGE_IS_WRITTEN, r,
			 8);
	cr_assert(n == 2 && r[0].start == (uintptr_t)(p + page) && r[0].end == r[0].start + page &&
		  r[1].start == (uintptr_t)(p + 5 * page) && r[1].end == r[1].start + page,
		  "written regions %s; expected [1,2) [5,6)", regions_str(r, n, p));
	p[7 * page] = 1; /* the scan above write-protected again: only this write is new */
	n = pagemap_scan(p, len, 0, PAGE_IS_WRITTEN, r, 8);
	cr_assert(n == 1 && r[0].start == (uintptr_t)(p + 7 * page) &&
		  r[0].end == r[0].start + page,
		  "after the reset, written regions %s; expected [7,8)", regions_str(r, n, p));
	xmunmap(p, len);
	xclose(uffd);
}

/* ---- d12: userfaultfd ---- */

enum uffd_resolve { UFFD_COPY, UFFD_UNPROTECT, UFFD_CONTINUE };

struct uffd_handler {
	int uffd;
	enum uffd_resolve how;
	void *fill;          /* UFFD_COPY: the page installed */
	int error;           /* 0, or what went wrong in the handler */
	const char *what;
	struct uffd_msg msg; /* the fault it resolved */
};

/* Resolves one fault (copy a page in, remove write protection, or map the cached page),
 * waiting at most 2 s. On any failure it closes the userfaultfd, which wakes a blocked
 * faulting thread, so the test can never hang. */
static void *uffd_handle_one(void *arg)
{
	struct uffd_handler *h = arg;
	struct pollfd pfd = { .fd = h->uffd, .events = POLLIN };
	int r = poll(&pfd, 1, 2000);
	if (r != 1) {
		h->error = r == 0 ? ETIMEDOUT : errno, h->what = "poll(userfaultfd)";
		close(h->uffd);
		return NULL;
	}
	if (read(h->uffd, &h->msg, sizeof(h->msg)) != (ssize_t)sizeof(h->msg)) {
		h->error = errno, h->what = "read(userfaultfd)";
		close(h->uffd);
		return NULL;
	}
	struct uffdio_range range = {
		.start = h->msg.arg.pagefault.address & ~(uint64_t)(ms_page() - 1),
		.len = ms_page(),
	};
	struct uffdio_copy copy = { .dst = range.start, .src = (uintptr_t)h->fill,
				    .len = ms_page() };
	struct uffdio_writeprotect unprotect = { .range = range, .mode = 0 };
	struct uffdio_continue cont = { .range = range };
	int ret = h->how == UFFD_COPY ? ioctl(h->uffd, UFFDIO_COPY, &copy) :
		  h->how == UFFD_UNPROTECT ? ioctl(h->uffd, UFFDIO_WRITEPROTECT, &unprotect) :
		  ioctl(h->uffd, UFFDIO_CONTINUE, &cont);
	if (ret != 0) {
		h->error = errno, h->what = "the resolving ioctl";
		close(h->uffd);
	}
	return NULL;
}

static void start_handler(pthread_t *thread, struct uffd_handler *h)
{
	if (pthread_create(thread, NULL, uffd_handle_one, h) != 0)
		ms_broken("pthread_create failed");
}

/* True when a userfaultfd event is pending (the test expected none). */
static bool uffd_event_pending(int uffd)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	return poll(&pfd, 1, 0) == 1;
}

/* Assert that a read of a missing page in a userfaultfd-registered anonymous range is
 * delivered to the handler as a pagefault event at that page (read, not write), and the
 * faulting thread then sees exactly the page the handler copied in. LINUX. */
CONFORM(faults, userfaultfd_missing_fault_resolved_by_handler, "d12", LINUX, .timeout = 10)
{
	size_t page = ms_page(), len = 4 * page;
	int uffd = xuserfaultfd(0);
	unsigned char *p = anon_nothp(len);
	xuffd_register(uffd, p, len, UFFDIO_REGISTER_MODE_MISSING);
	unsigned char *fill = xmmap(NULL, page, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(fill, 0x42, page);
	struct uffd_handler h = { .uffd = uffd, .how = UFFD_COPY, .fill = fill };
	pthread_t thread;
	start_handler(&thread, &h);
	unsigned char got = *(volatile unsigned char *)(p + 2 * page + 5);
	pthread_join(thread, NULL);
	cr_assert(h.error == 0, "the fault handler failed: %s: %s", h.what, ms_errname(h.error));
	cr_assert(h.msg.event == UFFD_EVENT_PAGEFAULT, "event %u, expected UFFD_EVENT_PAGEFAULT",
		  h.msg.event);
	cr_assert(h.msg.arg.pagefault.address == (uintptr_t)(p + 2 * page),
		  "fault reported at %p, the read was in page %p",
		  (void *)(uintptr_t)h.msg.arg.pagefault.address, (void *)(p + 2 * page));
	cr_assert(!(h.msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WRITE),
		  "a read fault was reported as a write (flags 0x%llx)",
		  (unsigned long long)h.msg.arg.pagefault.flags);
	cr_assert(got == 0x42 && p[2 * page] == 0x42, "the faulting read saw 0x%02x, the handler "
		  "copied in 0x42", got);
	cr_assert(ms_resident(p, len) == 1, "%ld pages resident after one resolved fault",
		  ms_resident(p, len));
	xmunmap(fill, page);
	xmunmap(p, len);
	xclose(uffd);
}

/* Assert that with UFFD_FEATURE_SIGBUS a missing fault raises SIGBUS (BUS_ADRERR) at the
 * exact faulting address instead of waiting for a handler. LINUX. */
CONFORM(faults, userfaultfd_sigbus_mode_raises_sigbus, "d12 e4", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int uffd = xuserfaultfd(UFFD_FEATURE_SIGBUS);
	unsigned char *p = anon_nothp(len);
	xuffd_register(uffd, p, len, UFFDIO_REGISTER_MODE_MISSING);
	struct ms_fault f;
	unsigned char *at = p + page + 123;
	bool faulted = ms_probe_read(at, &f);
	cr_assert(faulted && f.signo == SIGBUS && f.code == BUS_ADRERR && f.addr == at,
		  "read of a missing page: %s %s at %p; expected SIGBUS BUS_ADRERR at %p\n%s",
		  ms_signame(f.signo), ms_sicode_name(f.signo, f.code), f.addr, (void *)at,
		  ms_maps_near(p, len));
	xmunmap(p, len);
	xclose(uffd);
}

/* Assert that with write protection (UFFDIO_WRITEPROTECT) reads proceed without an event and
 * a write is delivered as a WP write fault, and completes once the handler unprotects the
 * page. LINUX (anonymous WP: 5.7). */
CONFORM(faults, userfaultfd_wp_write_reported_then_completes, "d12", LINUX, .timeout = 10)
{
	size_t page = ms_page(), len = 4 * page;
	int uffd = xuserfaultfd(0);
	unsigned char *p = anon_nothp(len);
	memset(p, 0x11, len);
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)p, .len = len }, .mode = UFFDIO_REGISTER_MODE_WP,
	};
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) != 0)
		cr_skip_test("UFFDIO_REGISTER_MODE_WP on anonymous memory: %s (needs Linux 5.7 "
			     "and CONFIG_HAVE_ARCH_USERFAULTFD_WP)", ms_errname(errno));
	struct uffdio_writeprotect wp = { .range = reg.range, .mode = UFFDIO_WRITEPROTECT_MODE_WP };
	xcheck("ioctl(UFFDIO_WRITEPROTECT)", ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));
	touch_read(p + 2 * page);
	cr_assert(!uffd_event_pending(uffd), "a read of a write-protected page raised an event");
	struct uffd_handler h = { .uffd = uffd, .how = UFFD_UNPROTECT };
	pthread_t thread;
	start_handler(&thread, &h);
	p[2 * page + 9] = 0x77;
	pthread_join(thread, NULL);
	cr_assert(h.error == 0, "the fault handler failed: %s: %s", h.what, ms_errname(h.error));
	uint64_t flags = h.msg.arg.pagefault.flags;
	cr_assert(h.msg.event == UFFD_EVENT_PAGEFAULT && h.msg.arg.pagefault.address ==
		  (uintptr_t)(p + 2 * page) && (flags & UFFD_PAGEFAULT_FLAG_WP) &&
		  (flags & UFFD_PAGEFAULT_FLAG_WRITE), "event %u at %p flags 0x%llx; expected a WP "
		  "write fault at %p", h.msg.event, (void *)(uintptr_t)h.msg.arg.pagefault.address,
		  (unsigned long long)flags, (void *)(p + 2 * page));
	cr_assert(p[2 * page + 9] == 0x77 && p[2 * page] == 0x11, "the page after the resolved "
		  "write holds 0x%02x/0x%02x, expected 0x77/0x11", p[2 * page + 9], p[2 * page]);
	xmunmap(p, len);
	xclose(uffd);
}

/* Assert that a minor fault (page in the shmem page cache, not yet mapped here) is delivered
 * with UFFD_PAGEFAULT_FLAG_MINOR, and after the handler changed the page through a second
 * mapping and issued UFFDIO_CONTINUE, the faulting read sees the changed contents. LINUX
 * (5.14). */
CONFORM(faults, userfaultfd_minor_fault_on_shmem, "d12", LINUX, .timeout = 10)
{
	size_t page = ms_page(), len = 4 * page;
	int uffd = xuserfaultfd(UFFD_FEATURE_MINOR_SHMEM);
	int fd = (int)xcheck("memfd_create", memfd_create("mmapsuite-uffd-minor", MFD_CLOEXEC));
	unsigned char *data = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				    -1, 0);
	memset(data, 0x21, len);
	xpwrite(fd, data, len, 0);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	unsigned char *alias = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	xuffd_register(uffd, p, len, UFFDIO_REGISTER_MODE_MINOR);
	alias[page + 3] = 0x99; /* what a handler would do: fix the page up, then continue */
	struct uffd_handler h = { .uffd = uffd, .how = UFFD_CONTINUE };
	pthread_t thread;
	start_handler(&thread, &h);
	unsigned char got = *(volatile unsigned char *)(p + page + 3);
	pthread_join(thread, NULL);
	cr_assert(h.error == 0, "the fault handler failed: %s: %s", h.what, ms_errname(h.error));
	cr_assert(h.msg.arg.pagefault.address == (uintptr_t)(p + page) &&
		  (h.msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_MINOR), "fault at %p flags "
		  "0x%llx; expected a minor fault at %p",
		  (void *)(uintptr_t)h.msg.arg.pagefault.address,
		  (unsigned long long)h.msg.arg.pagefault.flags, (void *)(p + page));
	cr_assert(got == 0x99, "after UFFDIO_CONTINUE the read saw 0x%02x, the page cache holds "
		  "0x99", got);
	xmunmap(alias, len);
	xmunmap(p, len);
	xmunmap(data, len);
	xclose(fd);
	xclose(uffd);
}
