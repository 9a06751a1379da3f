/* (h) Argument classes of every call that takes an address and a length (issue 11): one table
 * per call and per document, rows = class (page-aligned, unaligned address, length not a page
 * multiple, length 0, a range wrapping past the top of the address space, partly and wholly
 * unmapped), and one test per call that checks the rounding of the length on the exact pages
 * either side of the boundary. The cells each test fills are listed in
 * suites/clauses/args-matrix.classes. Where POSIX and the man page disagree (mlock on a range
 * that wraps), the POSIX table and the LINUX table each judge their own clause. */
#include "conform.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_mseal
#define SYS_mseal 462
#endif

enum range_class {
	RC_ALIGNED,
	RC_ADDR_UNALIGNED,
	RC_LEN_PARTIAL,
	RC_LEN_ZERO,
	RC_WRAPS_TOP,
	RC_PARTLY_UNMAPPED,
	RC_WHOLLY_UNMAPPED,
};

static const char *const class_name[] = {
	[RC_ALIGNED] = "page_aligned",         [RC_ADDR_UNALIGNED] = "addr_unaligned",
	[RC_LEN_PARTIAL] = "len_not_page_multiple", [RC_LEN_ZERO] = "len_zero",
	[RC_WRAPS_TOP] = "wraps_top",          [RC_PARTLY_UNMAPPED] = "partly_unmapped",
	[RC_WHOLLY_UNMAPPED] = "wholly_unmapped",
};

/* A row: the class and the expected result, 0 for success or the errno. */
struct range_case {
	enum range_class cls;
	int expect;
};

/* The call under test with (addr, len): 0 on success, -1 with errno set on failure. */
typedef long (*range_call)(void *addr, size_t len);

struct range_target {
	const char *name;
	range_call call;
	bool shared_file; /* the call needs a shared file mapping (remap_file_pages) */
	bool lock_limited; /* RLIMIT_MEMLOCK is checked before the range (mlock, mlock2) */
};

/* Whether RLIMIT_MEMLOCK answers ENOMEM before the call looks at the range: mm/mlock.c
 * do_mlock() compares the length with the limit first unless the caller has CAP_IPC_LOCK.
 * The soft limit is raised to the hard one first (this test runs in its own process). */
static bool lock_limit_checked_first(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) != 0)
		return false;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_MEMLOCK, &rl);
	return rl.rlim_max != RLIM_INFINITY && !ms_capable(CAP_IPC_LOCK);
}

/* Three fresh read-write pages, filled; shared memfd pages when the target needs a file. */
static unsigned char *three_pages(const struct range_target *t)
{
	size_t pg = ms_page();
	unsigned char *p;
	if (t->shared_file) {
		int fd = memfd_create("mmapsuite-classes", 0);
		xcheck("memfd_create", fd);
		xftruncate(fd, 3 * pg);
		p = xmmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		xclose(fd);
	} else {
		p = xmmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	memset(p, 0xa5, 3 * pg);
	return p;
}

static void run_range_table(const struct range_target *t, const struct range_case *rows,
			    size_t n)
{
	size_t pg = ms_page();
	char msg[2048] = "";
	int failed = 0;
	bool limit_first = t->lock_limited && lock_limit_checked_first();
	const char *unjudged = NULL;
	for (size_t i = 0; i < n; i++) {
		if (limit_first && rows[i].cls == RC_WRAPS_TOP) {
			unjudged = class_name[rows[i].cls];
			continue;
		}
		unsigned char *p = three_pages(t);
		unsigned char *addr = p;
		size_t len = pg;
		switch (rows[i].cls) {
		case RC_ALIGNED: break;
		case RC_ADDR_UNALIGNED: addr = p + 1; break;
		case RC_LEN_PARTIAL: len = pg + 1; break;
		case RC_LEN_ZERO: len = 0; break;
		/* addr + len wraps to one page below addr */
		case RC_WRAPS_TOP: len = (size_t)0 - pg; break;
		case RC_PARTLY_UNMAPPED: xmunmap(p + pg, pg); len = 3 * pg; break;
		case RC_WHOLLY_UNMAPPED: xmunmap(p + pg, pg); addr = p + pg; break;
		}
		errno = 0;
		long r = t->call(addr, len);
		int e = errno;
		bool ok = rows[i].expect ? (r == -1 && e == rows[i].expect) : r == 0;
		if (!ok) {
			failed++;
			size_t used = strlen(msg);
			snprintf(msg + used, sizeof(msg) - used,
				 "%srow %s: %s(%p, %#zx) returned %ld (%s), expected %s",
				 used ? "; " : "", class_name[rows[i].cls], t->name, (void *)addr, len,
				 r, r == -1 ? ms_errname(e) : "no error",
				 rows[i].expect ? ms_errname(rows[i].expect) : "success");
		}
	}
	cr_assert(failed == 0, "%d of %zu rows: %s", failed, n, msg);
	if (unjudged)
		cr_skip_test("%zu of %zu rows passed; row %s not judged: %s checks RLIMIT_MEMLOCK "
			     "before the range and fails ENOMEM for any length past the limit, and "
			     "this process lacks CAP_IPC_LOCK (run as root)", n - 1, n, unjudged,
			     t->name);
}

#define RUN_TABLE(target, rows) run_range_table(&(target), rows, sizeof(rows) / sizeof(rows[0]))

/* Rounding of a length that is not a page multiple, for a call that fails ENOMEM on an
 * unmapped page: [p0][p1][p2 unmapped] with len = pg + 1 must succeed (the rounded range
 * ends at p1 and does not reach p2), and [p0][p1 unmapped] with len = pg + 1 must fail
 * ENOMEM (the rounded range includes p1, the page holding the last byte). */
static void check_rounding_by_hole(const struct range_target *t)
{
	size_t pg = ms_page();
	unsigned char *p = three_pages(t);
	xmunmap(p + 2 * pg, pg);
	errno = 0;
	long r = t->call(p, pg + 1);
	cr_assert(r == 0, "%s(p, page + 1) over [mapped][mapped][hole] returned %ld (%s): the "
		  "rounded range must end at the second page", t->name, r, ms_errname(errno));
	p = three_pages(t);
	xmunmap(p + pg, pg);
	errno = 0;
	r = t->call(p, pg + 1);
	cr_assert(r == -1 && errno == ENOMEM, "%s(p, page + 1) over [mapped][hole] returned %ld "
		  "(%s), expected ENOMEM: the page holding the last byte belongs to the range",
		  t->name, r, ms_errname(errno));
}

/* ---- the calls ---- */

static long call_mmap_fixed(void *a, size_t l)
{
	void *r = mmap(a, l, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	return r == MAP_FAILED ? -1 : 0;
}
static long call_munmap(void *a, size_t l) { return munmap(a, l); }
static long call_mprotect(void *a, size_t l) { return mprotect(a, l, PROT_READ); }
static long call_pkey_mprotect(void *a, size_t l)
{
	return syscall(SYS_pkey_mprotect, a, l, PROT_READ, -1);
}
static long call_msync(void *a, size_t l) { return msync(a, l, MS_ASYNC); }
static long call_mlock(void *a, size_t l) { return mlock(a, l); }
static long call_munlock(void *a, size_t l) { return munlock(a, l); }
static long call_mlock2(void *a, size_t l) { return syscall(SYS_mlock2, a, l, 0); }
static long call_madvise(void *a, size_t l) { return madvise(a, l, MADV_NORMAL); }
/* posix_madvise returns the error number; anything but 0 or a positive errno is itself
 * wrong (P-padv-03) and is reported as errno 0 with -1, which matches no row. */
static long call_posix_madvise(void *a, size_t l)
{
	int r = posix_madvise(a, l, POSIX_MADV_NORMAL);
	if (r == 0)
		return 0;
	errno = r > 0 ? r : 0;
	return -1;
}
static long call_mincore(void *a, size_t l)
{
	static unsigned char vec[8];
	return mincore(a, l, vec);
}
static long call_mseal(void *a, size_t l) { return syscall(SYS_mseal, a, l, 0); }
static long call_mremap(void *a, size_t l)
{
	void *r = mremap(a, l, l ? l : ms_page(), 0);
	return r == MAP_FAILED ? -1 : 0;
}
static long call_remap_file_pages(void *a, size_t l)
{
	return remap_file_pages(a, l, 0, 0, 0);
}

static const struct range_target t_mmap = { "mmap(MAP_FIXED)", call_mmap_fixed, false, false };
static const struct range_target t_munmap = { "munmap", call_munmap, false, false };
static const struct range_target t_mprotect = { "mprotect", call_mprotect, false, false };
static const struct range_target t_pkey = { "pkey_mprotect(pkey -1)", call_pkey_mprotect, false, false };
static const struct range_target t_msync = { "msync(MS_ASYNC)", call_msync, false, false };
static const struct range_target t_mlock = { "mlock", call_mlock, false, true };
static const struct range_target t_munlock = { "munlock", call_munlock, false, false };
static const struct range_target t_mlock2 = { "mlock2", call_mlock2, false, true };
static const struct range_target t_madvise = { "madvise(MADV_NORMAL)", call_madvise, false, false };
static const struct range_target t_padv = { "posix_madvise(NORMAL)", call_posix_madvise, false, false };
static const struct range_target t_mincore = { "mincore", call_mincore, false, false };
static const struct range_target t_mseal = { "mseal", call_mseal, false, false };
static const struct range_target t_mremap = { "mremap(same size)", call_mremap, false, false };
static const struct range_target t_rfp = { "remap_file_pages", call_remap_file_pages, true, false };

static void require_mseal(void)
{
	unsigned char *p = xmmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (syscall(SYS_mseal, p, ms_page(), 0) != 0 && errno == ENOSYS)
		cr_skip_test("mseal(2) is not in this kernel (ENOSYS; added in 6.10)");
}

/* ---- mmap(MAP_FIXED) ---- */

/* Assert that mmap(MAP_FIXED) answers each range class as POSIX says: EINVAL for an
 * unaligned addr and for len 0, ENOMEM for a range past the address space, success over
 * mapped or unmapped pages (a fixed mapping replaces whatever was there). */
CONFORM(mmap_classes, posix_range_table, "h1 h3 h8 k2", POSIX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, EINVAL },   { RC_WRAPS_TOP, ENOMEM },      { RC_PARTLY_UNMAPPED, 0 },
		{ RC_WHOLLY_UNMAPPED, 0 },
	};
	RUN_TABLE(t_mmap, rows);
}

/* Assert the same classes against mmap(2): length > 0, aligned addr, ENOMEM past the CPU's
 * address space. */
CONFORM(mmap_classes, linux_range_table, "h1 h3 h8 k2", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, EINVAL },   { RC_WRAPS_TOP, ENOMEM },      { RC_PARTLY_UNMAPPED, 0 },
		{ RC_WHOLLY_UNMAPPED, 0 },
	};
	RUN_TABLE(t_mmap, rows);
}

/* Assert that a MAP_FIXED mapping of page + 1 bytes replaces exactly two pages: the page
 * holding the last byte reads zero, the page after it keeps its old contents. POSIX */
CONFORM(mmap_classes, length_rounding_fixed_replaces_whole_last_page, "h3 k2", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = three_pages(&t_mmap);
	ms_assert_mapped(mmap(p, pg + 1, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	cr_assert(p[pg] == 0 && p[2 * pg - 1] == 0, "the second page reads %#x..%#x, expected "
		  "zero: the partial page was not replaced", p[pg], p[2 * pg - 1]);
	cr_assert(p[2 * pg] == 0xa5, "the third page reads %#x, expected the old 0xa5: the "
		  "mapping reached past the page holding its last byte", p[2 * pg]);
}

/* ---- munmap ---- */

/* Assert POSIX's munmap classes: EINVAL for an unaligned addr, len 0 and a range outside the
 * address space; success, with no effect on holes, over partly or wholly unmapped ranges. */
CONFORM(munmap_classes, posix_range_table, "h10 g2", POSIX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, EINVAL },   { RC_WRAPS_TOP, EINVAL },      { RC_PARTLY_UNMAPPED, 0 },
		{ RC_WHOLLY_UNMAPPED, 0 },
	};
	RUN_TABLE(t_munmap, rows);
}

/* Assert munmap(2)'s classes (the same answers, in the man page's words). */
CONFORM(munmap_classes, linux_range_table, "h10 g2", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, EINVAL },   { RC_WRAPS_TOP, EINVAL },      { RC_PARTLY_UNMAPPED, 0 },
		{ RC_WHOLLY_UNMAPPED, 0 },
	};
	RUN_TABLE(t_munmap, rows);
}

/* Assert that munmap(p, page + 1) removes exactly the first two pages. POSIX */
CONFORM(munmap_classes, length_rounding_unmaps_whole_last_page, "h10 g1", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = three_pages(&t_munmap);
	unsigned char vec;
	ms_assert_ok(munmap(p, pg + 1));
	errno = 0;
	cr_assert(mincore(p + pg, pg, &vec) == -1 && errno == ENOMEM,
		  "the page holding the last byte is still mapped after munmap(p, page + 1)\n%s",
		  ms_maps_near(p, 3 * pg));
	cr_assert(mincore(p + 2 * pg, pg, &vec) == 0, "the page after the range was unmapped "
		  "too (%s)\n%s", ms_errname(errno), ms_maps_near(p, 3 * pg));
}

/* ---- mprotect, pkey_mprotect ---- */

/* Assert POSIX's mprotect classes: EINVAL for an unaligned addr, ENOMEM for a range outside
 * the address space or with unmapped pages. POSIX says nothing of len 0: that row is in the
 * LINUX table. */
CONFORM(mprotect_classes, posix_range_table, "g12", POSIX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },          { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_WRAPS_TOP, ENOMEM },   { RC_PARTLY_UNMAPPED, ENOMEM },
		{ RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_mprotect, rows);
}

/* Assert mprotect(2)'s classes; len 0 succeeds. */
CONFORM(mprotect_classes, linux_range_table, "g12", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, 0 },        { RC_WRAPS_TOP, ENOMEM },      { RC_PARTLY_UNMAPPED, ENOMEM },
		{ RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_mprotect, rows);
}

/* Assert that mprotect(p, page + 1, PROT_READ) protects exactly two pages: a store into the
 * page holding the last byte faults, a store into the next page does not. POSIX */
CONFORM(mprotect_classes, length_rounding_protects_whole_last_page, "g12 e1", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = three_pages(&t_mprotect);
	ms_assert_ok(mprotect(p, pg + 1, PROT_READ));
	struct ms_fault f;
	cr_assert(ms_probe_write(p + 2 * pg - 1, 1, &f) && f.signo == SIGSEGV,
		  "a store into the page holding the last byte did not fault");
	cr_assert(!ms_probe_write(p + 2 * pg, 1, &f), "a store into the page after the range "
		  "faulted with %s", ms_signame(f.signo));
	check_rounding_by_hole(&t_mprotect);
}

/* Assert that pkey_mprotect with pkey -1 answers every class as mprotect(2) does. */
CONFORM(pkey_mprotect_classes, linux_range_table, "g12 e7", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, 0 },        { RC_WRAPS_TOP, ENOMEM },      { RC_PARTLY_UNMAPPED, ENOMEM },
		{ RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_pkey, rows);
}

/* Assert that pkey_mprotect rounds a partial length up to the page holding the last byte. */
CONFORM(pkey_mprotect_classes, length_rounding_reaches_last_page, "g12 e7", LINUX)
{
	check_rounding_by_hole(&t_pkey);
}

/* ---- msync ---- */

/* Assert POSIX's msync classes: EINVAL for an unaligned addr, ENOMEM outside the address
 * space or over unmapped pages (len 0 is unspecified: LINUX table). */
CONFORM(msync_classes, posix_range_table, "f4 f5", POSIX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },          { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_WRAPS_TOP, ENOMEM },   { RC_PARTLY_UNMAPPED, ENOMEM },
		{ RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_msync, rows);
}

/* Assert msync(2)'s classes; len 0 succeeds. */
CONFORM(msync_classes, linux_range_table, "f4 f5", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, 0 },        { RC_WRAPS_TOP, ENOMEM },      { RC_PARTLY_UNMAPPED, ENOMEM },
		{ RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_msync, rows);
}

/* Assert that msync covers the whole page holding the last byte, and not the next. POSIX */
CONFORM(msync_classes, length_rounding_reaches_last_page, "f1 f5", POSIX)
{
	check_rounding_by_hole(&t_msync);
}

/* ---- mlock, munlock, mlock2 ---- */

/* Assert POSIX's mlock classes: ENOMEM for any range not wholly mapped, a range that wraps
 * past the top included. An unaligned addr is a "may fail" (LINUX table). */
CONFORM(mlock_classes, posix_range_table, "h14", POSIX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },          { RC_LEN_PARTIAL, 0 },          { RC_WRAPS_TOP, ENOMEM },
		{ RC_PARTLY_UNMAPPED, ENOMEM }, { RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_mlock, rows);
}

/* Assert mlock(2)'s classes: addr rounded down, len 0 succeeds, EINVAL when addr+len
 * overflows, ENOMEM over unmapped pages. */
CONFORM(mlock_classes, linux_range_table, "h14", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, 0 },     { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, 0 },        { RC_WRAPS_TOP, EINVAL },     { RC_PARTLY_UNMAPPED, ENOMEM },
		{ RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_mlock, rows);
}

/* Assert that mlock(p, page + 1) locks exactly two pages (smaps: the VMA holding the second
 * page is locked, the one holding the third is not) and reaches no further. POSIX */
CONFORM(mlock_classes, length_rounding_locks_whole_last_page, "h14 d4", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = three_pages(&t_mlock);
	if (mlock(p, pg + 1) != 0)
		cr_skip_test("mlock of two pages failed with %s (RLIMIT_MEMLOCK?)", ms_errname(errno));
	long locked = ms_smaps_kb(p + pg, "Locked"), after = ms_smaps_kb(p + 2 * pg, "Locked");
	cr_assert(locked == (long)(2 * pg / 1024), "the VMA of the locked range shows Locked: "
		  "%ld kB, expected %zu\n%s", locked, 2 * pg / 1024, ms_maps_near(p, 3 * pg));
	cr_assert(after == 0, "the page after the range shows Locked: %ld kB", after);
	check_rounding_by_hole(&t_mlock);
}

/* Assert that one munlock undoes two mlocks of the same range: locks do not nest. POSIX */
CONFORM(mlock_classes, locks_do_not_stack, "h14", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = three_pages(&t_mlock);
	if (mlock(p, pg) != 0)
		cr_skip_test("mlock failed with %s (RLIMIT_MEMLOCK?)", ms_errname(errno));
	ms_assert_ok(mlock(p, pg));
	ms_assert_ok(munlock(p, pg));
	long locked = ms_smaps_kb(p, "Locked");
	cr_assert(locked == 0, "after mlock, mlock, munlock the page shows Locked: %ld kB", locked);
}

/* Assert POSIX's munlock classes (the mlock page's errors apply to both calls). */
CONFORM(munlock_classes, posix_range_table, "h14", POSIX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },          { RC_LEN_PARTIAL, 0 },          { RC_WRAPS_TOP, ENOMEM },
		{ RC_PARTLY_UNMAPPED, ENOMEM }, { RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_munlock, rows);
}

/* Assert munlock's classes in mlock(2). */
CONFORM(munlock_classes, linux_range_table, "h14", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, 0 },     { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, 0 },        { RC_WRAPS_TOP, EINVAL },     { RC_PARTLY_UNMAPPED, ENOMEM },
		{ RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_munlock, rows);
}

/* Assert that munlock covers the page holding the last byte. POSIX */
CONFORM(munlock_classes, length_rounding_reaches_last_page, "h14", POSIX)
{
	check_rounding_by_hole(&t_munlock);
}

/* Assert mlock2(flags 0)'s classes: as mlock. */
CONFORM(mlock2_classes, linux_range_table, "h14", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, 0 },     { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, 0 },        { RC_WRAPS_TOP, EINVAL },     { RC_PARTLY_UNMAPPED, ENOMEM },
		{ RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_mlock2, rows);
}

/* Assert that mlock2 covers the page holding the last byte. */
CONFORM(mlock2_classes, length_rounding_reaches_last_page, "h14", LINUX)
{
	check_rounding_by_hole(&t_mlock2);
}

/* ---- madvise, posix_madvise ---- */

/* Assert madvise(2)'s classes: EINVAL for an unaligned addr and a range that wraps ("length
 * negative"), len 0 succeeds, ENOMEM over unmapped pages. */
CONFORM(madvise_classes, linux_range_table, "g13 g14", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, 0 },        { RC_WRAPS_TOP, EINVAL },      { RC_PARTLY_UNMAPPED, ENOMEM },
		{ RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_madvise, rows);
}

/* Assert that MADV_DONTNEED on page + 1 bytes of private anonymous memory empties exactly
 * two pages (they read zero) and keeps the third, and that the length reaches the page
 * holding the last byte and no further. */
CONFORM(madvise_classes, length_rounding_dontneed_whole_last_page, "g13 a8", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = three_pages(&t_madvise);
	ms_assert_ok(madvise(p, pg + 1, MADV_DONTNEED));
	cr_assert(p[pg] == 0 && p[2 * pg - 1] == 0, "the page holding the last byte kept its "
		  "data (%#x)", p[pg]);
	cr_assert(p[2 * pg] == 0xa5, "the page after the range lost its data (%#x)", p[2 * pg]);
	check_rounding_by_hole(&t_madvise);
}

/* Assert that MADV_REMOVE fails EACCES on a shared mapping that is not writable (madvise(2)
 * 6.03: "not a shared writable mapping"), whether the descriptor was read-only (row
 * read_only_fd) or read-write with the mapping made PROT_READ (row read_only_mapping). */
CONFORM(madvise_classes, remove_on_read_only_shared_eacces, "g13", LINUX)
{
	size_t pg = ms_page();
	char path[PATH_MAX];
	int fd = ms_file(pg, path);
	int rofd = xopen(path, O_RDONLY, 0);
	static const char *const row[] = { "read_only_fd", "read_only_mapping" };
	char msg[512] = "";
	for (int i = 0; i < 2; i++) {
		unsigned char *p = xmmap(NULL, pg, PROT_READ, MAP_SHARED, i ? fd : rofd, 0);
		errno = 0;
		int r = madvise(p, pg, MADV_REMOVE);
		if (r != -1 || errno != EACCES)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
				 "%srow %s: MADV_REMOVE returned %d (%s), expected EACCES",
				 msg[0] ? "; " : "", row[i], r, ms_errname(errno));
	}
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert POSIX's posix_madvise classes: ENOMEM (returned, not in errno) for a range partly
 * or wholly outside the address space, a range that wraps included. */
CONFORM(posix_madvise_classes, posix_range_table, "g13", POSIX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },          { RC_LEN_PARTIAL, 0 },          { RC_WRAPS_TOP, ENOMEM },
		{ RC_PARTLY_UNMAPPED, ENOMEM }, { RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_padv, rows);
}

/* Assert what glibc's posix_madvise on Linux (madvise underneath) answers per class. */
CONFORM(posix_madvise_classes, linux_range_table, "g13", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, 0 },        { RC_WRAPS_TOP, EINVAL },      { RC_PARTLY_UNMAPPED, ENOMEM },
		{ RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_padv, rows);
}

/* Assert that posix_madvise covers the page holding the last byte. POSIX */
CONFORM(posix_madvise_classes, length_rounding_reaches_last_page, "g13", POSIX)
{
	check_rounding_by_hole(&t_padv);
}

/* ---- mincore ---- */

/* Assert mincore(2)'s classes: EINVAL unaligned, len 0 succeeds, ENOMEM past TASK_SIZE and
 * over unmapped pages. */
CONFORM(mincore_classes, linux_range_table, "h13", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, 0 },        { RC_WRAPS_TOP, ENOMEM },      { RC_PARTLY_UNMAPPED, ENOMEM },
		{ RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_mincore, rows);
}

/* Assert that mincore(p, page + 1) fills exactly two bytes of the vector (the rounded-up
 * page count) and leaves the third alone, and reaches the page holding the last byte. */
CONFORM(mincore_classes, length_rounding_fills_last_byte, "h13", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = three_pages(&t_mincore);
	unsigned char vec[3] = { 0xee, 0xee, 0xee };
	ms_assert_ok(mincore(p, pg + 1, vec));
	cr_assert((vec[0] & 1) && (vec[1] & 1), "the two touched pages read %#x %#x, expected "
		  "the resident bit", vec[0], vec[1]);
	cr_assert(vec[2] == 0xee, "mincore wrote a third byte (%#x) for a length of page + 1",
		  vec[2]);
	check_rounding_by_hole(&t_mincore);
}

/* ---- mseal ---- */

/* Assert mseal's classes (kernel Documentation/userspace-api/mseal.rst): EINVAL unaligned or
 * overflowing, len 0 succeeds, ENOMEM over unmapped pages. */
CONFORM(mseal_classes, linux_range_table, "h15", LINUX)
{
	require_mseal();
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },         { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, 0 },        { RC_WRAPS_TOP, EINVAL },      { RC_PARTLY_UNMAPPED, ENOMEM },
		{ RC_WHOLLY_UNMAPPED, ENOMEM },
	};
	RUN_TABLE(t_mseal, rows);
}

/* Assert that mseal covers the page holding the last byte and no more. */
CONFORM(mseal_classes, length_rounding_reaches_last_page, "h15", LINUX)
{
	require_mseal();
	check_rounding_by_hole(&t_mseal);
}

/* ---- mremap (old range), remap_file_pages ---- */

/* Assert mremap(2)'s classes for the old range, resized to its own size without flags:
 * EINVAL for an unaligned address, for old_size 0 without MREMAP_MAYMOVE and for a size
 * that wraps; EFAULT when part or all of the old range is unmapped. */
CONFORM(mremap_classes, linux_range_table, "h12", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },          { RC_ADDR_UNALIGNED, EINVAL }, { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, EINVAL },    { RC_WRAPS_TOP, EINVAL },      { RC_PARTLY_UNMAPPED, EFAULT },
		{ RC_WHOLLY_UNMAPPED, EFAULT },
	};
	RUN_TABLE(t_mremap, rows);
}

/* Assert remap_file_pages(2)'s classes on a shared mapping: start and size are rounded down
 * (an unaligned start and a partial length succeed), size 0, a wrapping size and a range
 * leaving the mapping fail EINVAL. */
CONFORM(remap_file_pages_classes, linux_range_table, "g18", LINUX)
{
	static const struct range_case rows[] = {
		{ RC_ALIGNED, 0 },          { RC_ADDR_UNALIGNED, 0 },      { RC_LEN_PARTIAL, 0 },
		{ RC_LEN_ZERO, EINVAL },    { RC_WRAPS_TOP, EINVAL },      { RC_PARTLY_UNMAPPED, EINVAL },
		{ RC_WHOLLY_UNMAPPED, EINVAL },
	};
	RUN_TABLE(t_rfp, rows);
}
