/* (h) Argument classes of every call that takes an address and a length (issue 11): one table
 * per call and per document, rows = class (page-aligned, unaligned address, length not a page
 * multiple, length 0, a range wrapping past the top of the address space, partly and wholly
 * unmapped), and one test per call that checks the rounding of the length on the exact pages
 * either side of the boundary. The cells each test fills are listed in
 * suites/clauses/args-matrix.classes. Where POSIX and the man page disagree (mlock on a range
 * that wraps), the POSIX table and the LINUX table each judge their own clause. */
#include "mm_util.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>


/* The classes, each named as its row's result is (suite/table_<class>). */
enum range_class {
	RC_page_aligned,
	RC_addr_unaligned,
	RC_len_not_page_multiple,
	RC_len_zero,
	RC_wraps_top,
	RC_partly_unmapped,
	RC_wholly_unmapped,
};

static const char *const class_name[] = {
	[RC_page_aligned] = "page_aligned",       [RC_addr_unaligned] = "addr_unaligned",
	[RC_len_not_page_multiple] = "len_not_page_multiple", [RC_len_zero] = "len_zero",
	[RC_wraps_top] = "wraps_top",             [RC_partly_unmapped] = "partly_unmapped",
	[RC_wholly_unmapped] = "wholly_unmapped",
};

/* The call under test with (addr, len): 0 on success, -1 with errno set on failure. */
typedef long (*range_call)(void *addr, size_t len);

struct range_target {
	const char *name;
	range_call call;
	bool shared_file; /* the call needs a shared file mapping (remap_file_pages) */
	void (*require)(void); /* SKIPs where the call does not exist, or NULL */
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

/* One row of a call's table: call t with the range of class cls over three fresh pages and
 * assert the answer, success (expect 0) or failure with errno expect. */
static void check_range_row(const struct range_target *t, enum range_class cls, int expect)
{
	if (t->require)
		t->require();
	size_t pg = ms_page();
	if (t->lock_limited && cls == RC_wraps_top && lock_limit_checked_first())
		cr_skip_test("row wraps_top not judged: %s checks RLIMIT_MEMLOCK before the range "
			     "and fails ENOMEM for any length past the limit, and this process lacks "
			     "CAP_IPC_LOCK (run as root)", t->name);
	unsigned char *p = three_pages(t);
	unsigned char *addr = p;
	size_t len = pg;
	switch (cls) {
	case RC_page_aligned: break;
	case RC_addr_unaligned: addr = p + 1; break;
	case RC_len_not_page_multiple: len = pg + 1; break;
	case RC_len_zero: len = 0; break;
	/* addr + len wraps to one page below addr */
	case RC_wraps_top: len = (size_t)0 - pg; break;
	case RC_partly_unmapped: xmunmap(p + pg, pg); len = 3 * pg; break;
	case RC_wholly_unmapped: xmunmap(p + pg, pg); addr = p + pg; break;
	}
	errno = 0;
	long r = t->call(addr, len);
	int e = errno;
	bool ok = expect ? (r == -1 && e == expect) : r == 0;
	cr_assert(ok, "row %s: %s(%p, %#zx) returned %ld (%s), expected %s", class_name[cls],
		  t->name, (void *)addr, len, r, r == -1 ? ms_errname(e) : "no error",
		  expect ? ms_errname(expect) : "success");
}

/* One row of a table as its own result, suite/table_cls, with the ids and spec of the table:
 *   RANGE_ROW(mlock_classes, posix_range_table, wraps_top, "h14", POSIX, t_mlock, ENOMEM) */
#define RANGE_ROW(suite, table, cls, ids, spec, target, expect)                             \
	CONFORM(suite, table##_##cls, ids, spec)                                            \
	{                                                                                   \
		check_range_row(&(target), RC_##cls, expect);                               \
	}

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
	/* cppcheck-suppress memleak ; MAP_FIXED over the test's own mapping */
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
static long call_mseal(void *a, size_t l) { return ms_sys_mseal(a, l, 0); }
static long call_mremap(void *a, size_t l)
{
	void *r = mremap(a, l, l ? l : ms_page(), 0);
	return r == MAP_FAILED ? -1 : 0;
}
static long call_remap_file_pages(void *a, size_t l)
{
	return remap_file_pages(a, l, 0, 0, 0);
}

static const struct range_target t_mmap = { .name = "mmap(MAP_FIXED)", .call = call_mmap_fixed };
static const struct range_target t_munmap = { .name = "munmap", .call = call_munmap };
static const struct range_target t_mprotect = { .name = "mprotect", .call = call_mprotect };
static const struct range_target t_pkey = {
	.name = "pkey_mprotect(pkey -1)", .call = call_pkey_mprotect,
	.require = ms_require_pkey_mprotect };
static const struct range_target t_msync = { .name = "msync(MS_ASYNC)", .call = call_msync };
static const struct range_target t_mlock = {
	.name = "mlock", .call = call_mlock, .lock_limited = true };
static const struct range_target t_munlock = { .name = "munlock", .call = call_munlock };
static const struct range_target t_mlock2 = {
	.name = "mlock2", .call = call_mlock2, .lock_limited = true };
static const struct range_target t_madvise = {
	.name = "madvise(MADV_NORMAL)", .call = call_madvise };
static const struct range_target t_padv = {
	.name = "posix_madvise(NORMAL)", .call = call_posix_madvise };
static const struct range_target t_mincore = { .name = "mincore", .call = call_mincore };
static const struct range_target t_mseal = {
	.name = "mseal", .call = call_mseal, .require = ms_require_mseal };
static const struct range_target t_mremap = { .name = "mremap(same size)", .call = call_mremap };
static const struct range_target t_rfp = {
	.name = "remap_file_pages", .call = call_remap_file_pages, .shared_file = true };

/* ---- mmap(MAP_FIXED) ---- */

/* Assert that mmap(MAP_FIXED) answers each range class as POSIX says: EINVAL for an
 * unaligned addr and for len 0, ENOMEM for a range past the address space, success over
 * mapped or unmapped pages (a fixed mapping replaces whatever was there). */
RANGE_ROW(mmap_classes, posix_range_table, page_aligned, "h1 h3 h8 k2", POSIX, t_mmap, 0)
RANGE_ROW(mmap_classes, posix_range_table, addr_unaligned, "h1 h3 h8 k2", POSIX, t_mmap, EINVAL)
RANGE_ROW(mmap_classes, posix_range_table, len_not_page_multiple, "h1 h3 h8 k2", POSIX, t_mmap, 0)
RANGE_ROW(mmap_classes, posix_range_table, len_zero, "h1 h3 h8 k2", POSIX, t_mmap, EINVAL)
RANGE_ROW(mmap_classes, posix_range_table, wraps_top, "h1 h3 h8 k2", POSIX, t_mmap, ENOMEM)
RANGE_ROW(mmap_classes, posix_range_table, partly_unmapped, "h1 h3 h8 k2", POSIX, t_mmap, 0)
RANGE_ROW(mmap_classes, posix_range_table, wholly_unmapped, "h1 h3 h8 k2", POSIX, t_mmap, 0)

/* Assert the same classes against mmap(2): length > 0, aligned addr, ENOMEM past the CPU's
 * address space. */
RANGE_ROW(mmap_classes, linux_range_table, page_aligned, "h1 h3 h8 k2", LINUX, t_mmap, 0)
RANGE_ROW(mmap_classes, linux_range_table, addr_unaligned, "h1 h3 h8 k2", LINUX, t_mmap, EINVAL)
RANGE_ROW(mmap_classes, linux_range_table, len_not_page_multiple, "h1 h3 h8 k2", LINUX, t_mmap, 0)
RANGE_ROW(mmap_classes, linux_range_table, len_zero, "h1 h3 h8 k2", LINUX, t_mmap, EINVAL)
RANGE_ROW(mmap_classes, linux_range_table, wraps_top, "h1 h3 h8 k2", LINUX, t_mmap, ENOMEM)
RANGE_ROW(mmap_classes, linux_range_table, partly_unmapped, "h1 h3 h8 k2", LINUX, t_mmap, 0)
RANGE_ROW(mmap_classes, linux_range_table, wholly_unmapped, "h1 h3 h8 k2", LINUX, t_mmap, 0)

/* Assert that a MAP_FIXED mapping of page + 1 bytes replaces exactly two pages: the page
 * holding the last byte reads zero, the page after it keeps its old contents. POSIX */
CONFORM(mmap_classes, length_rounding_fixed_replaces_whole_last_page, "h3 k2", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = three_pages(&t_mmap);
	/* cppcheck-suppress leakReturnValNotUsed ; kept until the test's own process exits */
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
RANGE_ROW(munmap_classes, posix_range_table, page_aligned, "h10 g2", POSIX, t_munmap, 0)
RANGE_ROW(munmap_classes, posix_range_table, addr_unaligned, "h10 g2", POSIX, t_munmap, EINVAL)
RANGE_ROW(munmap_classes, posix_range_table, len_not_page_multiple, "h10 g2", POSIX, t_munmap, 0)
RANGE_ROW(munmap_classes, posix_range_table, len_zero, "h10 g2", POSIX, t_munmap, EINVAL)
RANGE_ROW(munmap_classes, posix_range_table, wraps_top, "h10 g2", POSIX, t_munmap, EINVAL)
RANGE_ROW(munmap_classes, posix_range_table, partly_unmapped, "h10 g2", POSIX, t_munmap, 0)
RANGE_ROW(munmap_classes, posix_range_table, wholly_unmapped, "h10 g2", POSIX, t_munmap, 0)

/* Assert munmap(2)'s classes (the same answers, in the man page's words). */
RANGE_ROW(munmap_classes, linux_range_table, page_aligned, "h10 g2", LINUX, t_munmap, 0)
RANGE_ROW(munmap_classes, linux_range_table, addr_unaligned, "h10 g2", LINUX, t_munmap, EINVAL)
RANGE_ROW(munmap_classes, linux_range_table, len_not_page_multiple, "h10 g2", LINUX, t_munmap, 0)
RANGE_ROW(munmap_classes, linux_range_table, len_zero, "h10 g2", LINUX, t_munmap, EINVAL)
RANGE_ROW(munmap_classes, linux_range_table, wraps_top, "h10 g2", LINUX, t_munmap, EINVAL)
RANGE_ROW(munmap_classes, linux_range_table, partly_unmapped, "h10 g2", LINUX, t_munmap, 0)
RANGE_ROW(munmap_classes, linux_range_table, wholly_unmapped, "h10 g2", LINUX, t_munmap, 0)

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
RANGE_ROW(mprotect_classes, posix_range_table, page_aligned, "g12", POSIX, t_mprotect, 0)
RANGE_ROW(mprotect_classes, posix_range_table, addr_unaligned, "g12", POSIX, t_mprotect, EINVAL)
RANGE_ROW(mprotect_classes, posix_range_table, len_not_page_multiple, "g12", POSIX, t_mprotect, 0)
RANGE_ROW(mprotect_classes, posix_range_table, wraps_top, "g12", POSIX, t_mprotect, ENOMEM)
RANGE_ROW(mprotect_classes, posix_range_table, partly_unmapped, "g12", POSIX, t_mprotect, ENOMEM)
RANGE_ROW(mprotect_classes, posix_range_table, wholly_unmapped, "g12", POSIX, t_mprotect, ENOMEM)

/* Assert mprotect(2)'s classes; len 0 succeeds. */
RANGE_ROW(mprotect_classes, linux_range_table, page_aligned, "g12", LINUX, t_mprotect, 0)
RANGE_ROW(mprotect_classes, linux_range_table, addr_unaligned, "g12", LINUX, t_mprotect, EINVAL)
RANGE_ROW(mprotect_classes, linux_range_table, len_not_page_multiple, "g12", LINUX, t_mprotect, 0)
RANGE_ROW(mprotect_classes, linux_range_table, len_zero, "g12", LINUX, t_mprotect, 0)
RANGE_ROW(mprotect_classes, linux_range_table, wraps_top, "g12", LINUX, t_mprotect, ENOMEM)
RANGE_ROW(mprotect_classes, linux_range_table, partly_unmapped, "g12", LINUX, t_mprotect, ENOMEM)
RANGE_ROW(mprotect_classes, linux_range_table, wholly_unmapped, "g12", LINUX, t_mprotect, ENOMEM)

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
RANGE_ROW(pkey_mprotect_classes, linux_range_table, page_aligned, "g12 e7", LINUX, t_pkey, 0)
RANGE_ROW(pkey_mprotect_classes, linux_range_table, addr_unaligned, "g12 e7", LINUX, t_pkey, EINVAL)
RANGE_ROW(pkey_mprotect_classes, linux_range_table, len_not_page_multiple, "g12 e7", LINUX,
	  t_pkey, 0)
RANGE_ROW(pkey_mprotect_classes, linux_range_table, len_zero, "g12 e7", LINUX, t_pkey, 0)
RANGE_ROW(pkey_mprotect_classes, linux_range_table, wraps_top, "g12 e7", LINUX, t_pkey, ENOMEM)
RANGE_ROW(pkey_mprotect_classes, linux_range_table, partly_unmapped, "g12 e7", LINUX,
	  t_pkey, ENOMEM)
RANGE_ROW(pkey_mprotect_classes, linux_range_table, wholly_unmapped, "g12 e7", LINUX,
	  t_pkey, ENOMEM)

/* Assert that pkey_mprotect rounds a partial length up to the page holding the last byte. */
CONFORM(pkey_mprotect_classes, length_rounding_reaches_last_page, "g12 e7", LINUX)
{
	ms_require_pkey_mprotect();
	check_rounding_by_hole(&t_pkey);
}

/* ---- msync ---- */

/* Assert POSIX's msync classes: EINVAL for an unaligned addr, ENOMEM outside the address
 * space or over unmapped pages (len 0 is unspecified: LINUX table). */
RANGE_ROW(msync_classes, posix_range_table, page_aligned, "f4 f5", POSIX, t_msync, 0)
RANGE_ROW(msync_classes, posix_range_table, addr_unaligned, "f4 f5", POSIX, t_msync, EINVAL)
RANGE_ROW(msync_classes, posix_range_table, len_not_page_multiple, "f4 f5", POSIX, t_msync, 0)
RANGE_ROW(msync_classes, posix_range_table, wraps_top, "f4 f5", POSIX, t_msync, ENOMEM)
RANGE_ROW(msync_classes, posix_range_table, partly_unmapped, "f4 f5", POSIX, t_msync, ENOMEM)
RANGE_ROW(msync_classes, posix_range_table, wholly_unmapped, "f4 f5", POSIX, t_msync, ENOMEM)

/* Assert msync(2)'s classes; len 0 succeeds. */
RANGE_ROW(msync_classes, linux_range_table, page_aligned, "f4 f5", LINUX, t_msync, 0)
RANGE_ROW(msync_classes, linux_range_table, addr_unaligned, "f4 f5", LINUX, t_msync, EINVAL)
RANGE_ROW(msync_classes, linux_range_table, len_not_page_multiple, "f4 f5", LINUX, t_msync, 0)
RANGE_ROW(msync_classes, linux_range_table, len_zero, "f4 f5", LINUX, t_msync, 0)
RANGE_ROW(msync_classes, linux_range_table, wraps_top, "f4 f5", LINUX, t_msync, ENOMEM)
RANGE_ROW(msync_classes, linux_range_table, partly_unmapped, "f4 f5", LINUX, t_msync, ENOMEM)
RANGE_ROW(msync_classes, linux_range_table, wholly_unmapped, "f4 f5", LINUX, t_msync, ENOMEM)

/* Assert that msync covers the whole page holding the last byte, and not the next. POSIX */
CONFORM(msync_classes, length_rounding_reaches_last_page, "f1 f5", POSIX)
{
	check_rounding_by_hole(&t_msync);
}

/* ---- mlock, munlock, mlock2 ---- */

/* Assert POSIX's mlock classes: ENOMEM for any range not wholly mapped, a range that wraps
 * past the top included. An unaligned addr is a "may fail" (LINUX table). */
RANGE_ROW(mlock_classes, posix_range_table, page_aligned, "h14", POSIX, t_mlock, 0)
RANGE_ROW(mlock_classes, posix_range_table, len_not_page_multiple, "h14", POSIX, t_mlock, 0)
RANGE_ROW(mlock_classes, posix_range_table, wraps_top, "h14", POSIX, t_mlock, ENOMEM)
RANGE_ROW(mlock_classes, posix_range_table, partly_unmapped, "h14", POSIX, t_mlock, ENOMEM)
RANGE_ROW(mlock_classes, posix_range_table, wholly_unmapped, "h14", POSIX, t_mlock, ENOMEM)

/* Assert mlock(2)'s classes: addr rounded down, len 0 succeeds, EINVAL when addr+len
 * overflows, ENOMEM over unmapped pages. */
RANGE_ROW(mlock_classes, linux_range_table, page_aligned, "h14", LINUX, t_mlock, 0)
RANGE_ROW(mlock_classes, linux_range_table, addr_unaligned, "h14", LINUX, t_mlock, 0)
RANGE_ROW(mlock_classes, linux_range_table, len_not_page_multiple, "h14", LINUX, t_mlock, 0)
RANGE_ROW(mlock_classes, linux_range_table, len_zero, "h14", LINUX, t_mlock, 0)
RANGE_ROW(mlock_classes, linux_range_table, wraps_top, "h14", LINUX, t_mlock, EINVAL)
RANGE_ROW(mlock_classes, linux_range_table, partly_unmapped, "h14", LINUX, t_mlock, ENOMEM)
RANGE_ROW(mlock_classes, linux_range_table, wholly_unmapped, "h14", LINUX, t_mlock, ENOMEM)

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
RANGE_ROW(munlock_classes, posix_range_table, page_aligned, "h14", POSIX, t_munlock, 0)
RANGE_ROW(munlock_classes, posix_range_table, len_not_page_multiple, "h14", POSIX, t_munlock, 0)
RANGE_ROW(munlock_classes, posix_range_table, wraps_top, "h14", POSIX, t_munlock, ENOMEM)
RANGE_ROW(munlock_classes, posix_range_table, partly_unmapped, "h14", POSIX, t_munlock, ENOMEM)
RANGE_ROW(munlock_classes, posix_range_table, wholly_unmapped, "h14", POSIX, t_munlock, ENOMEM)

/* Assert munlock's classes in mlock(2). */
RANGE_ROW(munlock_classes, linux_range_table, page_aligned, "h14", LINUX, t_munlock, 0)
RANGE_ROW(munlock_classes, linux_range_table, addr_unaligned, "h14", LINUX, t_munlock, 0)
RANGE_ROW(munlock_classes, linux_range_table, len_not_page_multiple, "h14", LINUX, t_munlock, 0)
RANGE_ROW(munlock_classes, linux_range_table, len_zero, "h14", LINUX, t_munlock, 0)
RANGE_ROW(munlock_classes, linux_range_table, wraps_top, "h14", LINUX, t_munlock, EINVAL)
RANGE_ROW(munlock_classes, linux_range_table, partly_unmapped, "h14", LINUX, t_munlock, ENOMEM)
RANGE_ROW(munlock_classes, linux_range_table, wholly_unmapped, "h14", LINUX, t_munlock, ENOMEM)

/* Assert that munlock covers the page holding the last byte. POSIX */
CONFORM(munlock_classes, length_rounding_reaches_last_page, "h14", POSIX)
{
	check_rounding_by_hole(&t_munlock);
}

/* Assert mlock2(flags 0)'s classes: as mlock. */
RANGE_ROW(mlock2_classes, linux_range_table, page_aligned, "h14", LINUX, t_mlock2, 0)
RANGE_ROW(mlock2_classes, linux_range_table, addr_unaligned, "h14", LINUX, t_mlock2, 0)
RANGE_ROW(mlock2_classes, linux_range_table, len_not_page_multiple, "h14", LINUX, t_mlock2, 0)
RANGE_ROW(mlock2_classes, linux_range_table, len_zero, "h14", LINUX, t_mlock2, 0)
RANGE_ROW(mlock2_classes, linux_range_table, wraps_top, "h14", LINUX, t_mlock2, EINVAL)
RANGE_ROW(mlock2_classes, linux_range_table, partly_unmapped, "h14", LINUX, t_mlock2, ENOMEM)
RANGE_ROW(mlock2_classes, linux_range_table, wholly_unmapped, "h14", LINUX, t_mlock2, ENOMEM)

/* Assert that mlock2 covers the page holding the last byte. */
CONFORM(mlock2_classes, length_rounding_reaches_last_page, "h14", LINUX)
{
	check_rounding_by_hole(&t_mlock2);
}

/* ---- madvise, posix_madvise ---- */

/* Assert madvise(2)'s classes: EINVAL for an unaligned addr and a range that wraps ("length
 * negative"), len 0 succeeds, ENOMEM over unmapped pages. */
RANGE_ROW(madvise_classes, linux_range_table, page_aligned, "g13 g14", LINUX, t_madvise, 0)
RANGE_ROW(madvise_classes, linux_range_table, addr_unaligned, "g13 g14", LINUX, t_madvise, EINVAL)
RANGE_ROW(madvise_classes, linux_range_table, len_not_page_multiple, "g13 g14", LINUX, t_madvise, 0)
RANGE_ROW(madvise_classes, linux_range_table, len_zero, "g13 g14", LINUX, t_madvise, 0)
RANGE_ROW(madvise_classes, linux_range_table, wraps_top, "g13 g14", LINUX, t_madvise, EINVAL)
RANGE_ROW(madvise_classes, linux_range_table, partly_unmapped, "g13 g14", LINUX, t_madvise, ENOMEM)
RANGE_ROW(madvise_classes, linux_range_table, wholly_unmapped, "g13 g14", LINUX, t_madvise, ENOMEM)

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
RANGE_ROW(posix_madvise_classes, posix_range_table, page_aligned, "g13", POSIX, t_padv, 0)
RANGE_ROW(posix_madvise_classes, posix_range_table, len_not_page_multiple, "g13", POSIX, t_padv, 0)
RANGE_ROW(posix_madvise_classes, posix_range_table, wraps_top, "g13", POSIX, t_padv, ENOMEM)
RANGE_ROW(posix_madvise_classes, posix_range_table, partly_unmapped, "g13", POSIX, t_padv, ENOMEM)
RANGE_ROW(posix_madvise_classes, posix_range_table, wholly_unmapped, "g13", POSIX, t_padv, ENOMEM)

/* Assert what glibc's posix_madvise on Linux (madvise underneath) answers per class. */
RANGE_ROW(posix_madvise_classes, linux_range_table, page_aligned, "g13", LINUX, t_padv, 0)
RANGE_ROW(posix_madvise_classes, linux_range_table, addr_unaligned, "g13", LINUX, t_padv, EINVAL)
RANGE_ROW(posix_madvise_classes, linux_range_table, len_not_page_multiple, "g13", LINUX, t_padv, 0)
RANGE_ROW(posix_madvise_classes, linux_range_table, len_zero, "g13", LINUX, t_padv, 0)
RANGE_ROW(posix_madvise_classes, linux_range_table, wraps_top, "g13", LINUX, t_padv, EINVAL)
RANGE_ROW(posix_madvise_classes, linux_range_table, partly_unmapped, "g13", LINUX, t_padv, ENOMEM)
RANGE_ROW(posix_madvise_classes, linux_range_table, wholly_unmapped, "g13", LINUX, t_padv, ENOMEM)

/* Assert that posix_madvise covers the page holding the last byte. POSIX */
CONFORM(posix_madvise_classes, length_rounding_reaches_last_page, "g13", POSIX)
{
	check_rounding_by_hole(&t_padv);
}

/* ---- mincore ---- */

/* Assert mincore(2)'s classes: EINVAL unaligned, len 0 succeeds, ENOMEM past TASK_SIZE and
 * over unmapped pages. */
RANGE_ROW(mincore_classes, linux_range_table, page_aligned, "h13", LINUX, t_mincore, 0)
RANGE_ROW(mincore_classes, linux_range_table, addr_unaligned, "h13", LINUX, t_mincore, EINVAL)
RANGE_ROW(mincore_classes, linux_range_table, len_not_page_multiple, "h13", LINUX, t_mincore, 0)
RANGE_ROW(mincore_classes, linux_range_table, len_zero, "h13", LINUX, t_mincore, 0)
RANGE_ROW(mincore_classes, linux_range_table, wraps_top, "h13", LINUX, t_mincore, ENOMEM)
RANGE_ROW(mincore_classes, linux_range_table, partly_unmapped, "h13", LINUX, t_mincore, ENOMEM)
RANGE_ROW(mincore_classes, linux_range_table, wholly_unmapped, "h13", LINUX, t_mincore, ENOMEM)

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
RANGE_ROW(mseal_classes, linux_range_table, page_aligned, "h15", LINUX, t_mseal, 0)
RANGE_ROW(mseal_classes, linux_range_table, addr_unaligned, "h15", LINUX, t_mseal, EINVAL)
RANGE_ROW(mseal_classes, linux_range_table, len_not_page_multiple, "h15", LINUX, t_mseal, 0)
RANGE_ROW(mseal_classes, linux_range_table, len_zero, "h15", LINUX, t_mseal, 0)
RANGE_ROW(mseal_classes, linux_range_table, wraps_top, "h15", LINUX, t_mseal, EINVAL)
RANGE_ROW(mseal_classes, linux_range_table, partly_unmapped, "h15", LINUX, t_mseal, ENOMEM)
RANGE_ROW(mseal_classes, linux_range_table, wholly_unmapped, "h15", LINUX, t_mseal, ENOMEM)

/* Assert that mseal covers the page holding the last byte and no more. */
CONFORM(mseal_classes, length_rounding_reaches_last_page, "h15", LINUX)
{
	ms_require_mseal();
	check_rounding_by_hole(&t_mseal);
}

/* ---- mremap (old range), remap_file_pages ---- */

/* Assert mremap(2)'s classes for the old range, resized to its own size without flags:
 * EINVAL for an unaligned address, for old_size 0 without MREMAP_MAYMOVE and for a size
 * that wraps; EFAULT when part or all of the old range is unmapped. */
RANGE_ROW(mremap_classes, linux_range_table, page_aligned, "h12", LINUX, t_mremap, 0)
RANGE_ROW(mremap_classes, linux_range_table, addr_unaligned, "h12", LINUX, t_mremap, EINVAL)
RANGE_ROW(mremap_classes, linux_range_table, len_not_page_multiple, "h12", LINUX, t_mremap, 0)
RANGE_ROW(mremap_classes, linux_range_table, len_zero, "h12", LINUX, t_mremap, EINVAL)
RANGE_ROW(mremap_classes, linux_range_table, wraps_top, "h12", LINUX, t_mremap, EINVAL)
RANGE_ROW(mremap_classes, linux_range_table, partly_unmapped, "h12", LINUX, t_mremap, EFAULT)
RANGE_ROW(mremap_classes, linux_range_table, wholly_unmapped, "h12", LINUX, t_mremap, EFAULT)

/* Assert remap_file_pages(2)'s classes on a shared mapping: start and size are rounded down
 * (an unaligned start and a partial length succeed), size 0, a wrapping size and a range
 * leaving the mapping fail EINVAL. */
RANGE_ROW(remap_file_pages_classes, linux_range_table, page_aligned, "g18", LINUX, t_rfp, 0)
RANGE_ROW(remap_file_pages_classes, linux_range_table, addr_unaligned, "g18", LINUX, t_rfp, 0)
RANGE_ROW(remap_file_pages_classes, linux_range_table, len_not_page_multiple, "g18", LINUX,
	  t_rfp, 0)
RANGE_ROW(remap_file_pages_classes, linux_range_table, len_zero, "g18", LINUX, t_rfp, EINVAL)
RANGE_ROW(remap_file_pages_classes, linux_range_table, wraps_top, "g18", LINUX, t_rfp, EINVAL)
RANGE_ROW(remap_file_pages_classes, linux_range_table, partly_unmapped, "g18", LINUX, t_rfp, EINVAL)
RANGE_ROW(remap_file_pages_classes, linux_range_table, wholly_unmapped, "g18", LINUX, t_rfp, EINVAL)
