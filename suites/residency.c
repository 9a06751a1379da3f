/* (d) Residency, locking, prefaulting and readahead advice: d1-d8.
 *
 * Residency comes from mincore() (for files: the page cache) and /proc/self/pagemap (this
 * process's page tables). Fault counts come from getrusage(RUSAGE_THREAD), per thread, so
 * that Criterion's own threads never add to them. */
#include "mm_util.h"
#include "time_scale.h"

#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>

/* ---- d1 d2 d3: residency ---- */

/* Assert that anonymous pages are not resident before the first touch and that a touch makes
 * exactly that page resident. LINUX: mincore() is not in POSIX. */
CONFORM(residency, anon_resident_only_after_touch, "d1", LINUX)
{
	size_t page = ms_page(), pages = 16, len = pages * page;
	unsigned char *p = ms_anon_nothp(len);
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
CONFORM(residency, file_touch_brings_in_only_window, "d2", LINUX)
{
	size_t page = ms_page(), pages = 8192, len = pages * page; /* 32 MiB, sparse */
	int fd = ms_file_flags(len, O_RDWR, NULL);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	cr_assert(ms_resident(p, len) == 0, "%ld pages of a new sparse file are resident before "
		  "any touch (fs %s)", ms_resident(p, len), ms_fs_name());
	size_t at = pages / 2;
	ms_touch_read(p + at * page);
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
CONFORM(residency, shared_pages_touched_by_child_resident, "d3", LINUX)
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
CONFORM(residency, map_locked_prefaults_range, "d4", LINUX)
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
CONFORM(residency, mlock_file_prefaults_range, "d4", POSIX)
{
	size_t pages = 16, len = pages * ms_page();
	require_memlock(len);
	int fd = ms_hot_file(len);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ms_assert_ok(mlock(p, len));
	size_t mapped = ms_pagemap_present(p, pages, NULL);
	cr_assert(mapped == pages, "after mlock %zu of %zu file pages are mapped (fs %s)\n%s",
		  mapped, pages, ms_fs_name(), ms_maps_near(p, len));
	long locked = ms_smaps_kb(p, "Locked");
	cr_assert(locked == (long)(len / 1024), "smaps Locked %ld kB after mlock of %zu kB", locked,
		  len / 1024);
	ms_assert_no_faults("reading mlocked pages",
			    for (size_t i = 0; i < pages; i++) ms_touch_read(p + i * ms_page()));
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that mlock2(MLOCK_ONFAULT) prefaults nothing, locks exactly the pages touched later,
 * and that locking the range again does not count them twice. LINUX (mlock2 is Linux-only). */
CONFORM(residency, mlock_onfault_locks_only_touched_pages, "d5", LINUX)
{
	size_t page = ms_page(), pages = 16, len = pages * page;
	require_memlock(len);
	long before = ms_status_kb("VmLck");
	unsigned char *p = ms_anon_nothp(len);
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
CONFORM(residency, map_populate_maps_every_page, "d6", LINUX)
{
	size_t pages = 32, len = pages * ms_page();
	int fd = ms_hot_file(len);
	unsigned char *a = xmmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	unsigned char *f = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
				 fd, 0);
	size_t na = ms_pagemap_present(a, pages, NULL), nf = ms_pagemap_present(f, pages, NULL);
	cr_assert(na == pages, "anonymous MAP_POPULATE: %zu of %zu pages present\n%s", na, pages,
		  ms_maps_near(a, len));
	cr_assert(nf == pages, "file MAP_POPULATE: %zu of %zu pages present (fs %s)\n%s", nf,
		  pages, ms_fs_name(), ms_maps_near(f, len));
	ms_assert_no_faults("reads after MAP_POPULATE", for (size_t i = 0; i < pages; i++)
		ms_touch_read(a + i * ms_page()), ms_touch_read(f + i * ms_page()));
	xmunmap(a, len);
	xmunmap(f, len);
	xclose(fd);
}

/* Assert that MADV_POPULATE_READ maps every page of a file mapping and MADV_POPULATE_WRITE
 * makes every anonymous page writable, so that later stores take no fault. LINUX (5.14). */
CONFORM(residency, madv_populate_prefaults, "d7", LINUX)
{
	size_t pages = 32, len = pages * ms_page();
	int fd = ms_hot_file(len);
	unsigned char *f = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	unsigned char *a = ms_anon_nothp(len);
	if (madvise(f, len, MADV_POPULATE_READ) != 0 && errno == EINVAL)
		cr_skip_test("MADV_POPULATE_READ: EINVAL (it needs Linux 5.14)");
	size_t nf = ms_pagemap_present(f, pages, NULL);
	cr_assert(nf == pages, "MADV_POPULATE_READ: %zu of %zu file pages present (fs %s)", nf,
		  pages, ms_fs_name());
	ms_assert_ok(madvise(a, len, MADV_POPULATE_WRITE));
	ms_assert_no_faults("stores after MADV_POPULATE_WRITE",
			    for (size_t i = 0; i < pages; i++) a[i * ms_page()] = 1);
	xmunmap(a, len);
	xmunmap(f, len);
	xclose(fd);
}

/* Assert that MADV_POPULATE_READ/WRITE fail with EINVAL where the protection forbids the
 * access (PROT_NONE for both, PROT_READ for WRITE). LINUX (madvise(2)). */
CONFORM(residency, madv_populate_wrong_protection_einval, "d7 g13", LINUX)
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
CONFORM(residency, madv_populate_hole_enomem, "d7 g14", LINUX)
{
	size_t page = ms_page(), len = 8 * page;
	unsigned char *p = ms_anon_nothp(len);
	xmunmap(p + 4 * page, page);
	ms_assert_errno(madvise(p, len, MADV_POPULATE_WRITE), ENOMEM);
	size_t before = ms_pagemap_present(p, 4, NULL);
	cr_assert(before == 4, "ENOMEM for the hole at page 4, but only %zu of the 4 pages before "
		  "it were populated\n%s", before, ms_maps_near(p, len));
	xmunmap(p, len);
}

/* ---- d8: readahead advice ---- */

/* Waits (up to 5 s on the host, ms_scaled_s) until the read I/O of every cached page of fd's first
 * len bytes is done. The read-ahead that MADV_WILLNEED starts is asynchronous (right after it, a
 * RWF_NOWAIT read found the data not ready in 7 of 50 tries on ext4, 44 on xfs, 21 on btrfs), and
 * mincore() counts a page as soon as it is in the page cache, still locked under I/O; a fault on it
 * waits, and a kernel that retries such a fault counts it major. preadv2(RWF_NOWAIT) copies only
 * pages whose data is there and reads nothing in for pages that are cached (all are, by the
 * caller's check), so it observes without helping. */
static void wait_for_read_io(int fd, size_t len)
{
	unsigned char *buf = xmmap(NULL, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	ssize_t got = -1;
	double end = ms_now_s() + ms_scaled_s(5);
	do {
		got = preadv2(fd, &iov, 1, 0, RWF_NOWAIT);
		if (got == (ssize_t)len || (got < 0 && errno != EAGAIN))
			break;
		usleep(10000);
	} while (ms_now_s() < end);
	if (got < 0 && errno != EAGAIN && errno != EOPNOTSUPP)
		ms_broken("preadv2(RWF_NOWAIT): %s", ms_errname(errno));
	xmunmap(buf, len);
}

/* Assert that after MADV_WILLNEED on a file that was dropped from the page cache, reading it
 * through the mapping takes no major fault (the read I/O already happened). LINUX: POSIX
 * posix_madvise(WILLNEED) is only a hint. tmpfs pages cannot be dropped without swap: SKIP. */
CONFORM(residency, willneed_avoids_major_faults, "d8", LINUX)
{
	/* 1 MiB, not a number of pages: MADV_WILLNEED reads at most max(bdi->io_pages,
	 * ra_pages) pages (force_page_cache_ra(), mm/readahead.c), 1280 KiB on a loop device
	 * (BLK_DEF_MAX_SECTORS_CAP); 256 pages of 16 KiB got 80 of them cached on arm64-16k. */
	size_t len = 1024 * 1024 > ms_page() ? 1024 * 1024 : ms_page(), pages = len / ms_page();
	int fd = ms_file(len, NULL);
	ms_drop_file_cache(fd, len);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ms_assert_ok(madvise(p, len, MADV_WILLNEED));
	long n = 0;
	double wait_s = ms_scaled_s(5), end = ms_now_s() + wait_s;
	while ((n = ms_resident(p, len)) < (long)pages && ms_now_s() < end)
		usleep(10000);
	cr_assert(n == (long)pages, "%.0f s after MADV_WILLNEED only %ld of %zu pages are cached "
		  "(fs %s)", wait_s, n, pages, ms_fs_name());
	wait_for_read_io(fd, len);
	struct ms_faults start = ms_faults_now();
	for (size_t i = 0; i < pages; i++)
		ms_touch_read(p + i * ms_page());
	struct ms_faults d = ms_faults_since(start);
	cr_assert(d.major == 0, "reading after MADV_WILLNEED took %ld major faults (and %ld minor) "
		  "on %s", d.major, d.minor, ms_fs_name());
	xmunmap(p, len);
	xclose(fd);
}
