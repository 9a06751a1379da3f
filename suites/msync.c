/* (f) msync: flushing shared file mappings, its errors, and what it does not do.
 *
 * Page state is read from /proc/kpageflags through /proc/self/pagemap (root only: without
 * CAP_SYS_ADMIN the page frame numbers read as zero). tmpfs has no writeback: its pages stay
 * dirty in memory until swapped, and msync(MS_SYNC) has nothing to write. */
#include "arg_classes.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bits of /proc/kpageflags (Documentation/admin-guide/mm/pagemap.rst). */
enum { KPF_DIRTY_BIT = 4, KPF_WRITEBACK_BIT = 8 };

/* Skips the test unless the file system under test writes pages back (tmpfs does not). */
static void require_writeback(void)
{
	if (ms_fs_kind() == MS_FS_TMPFS)
		cr_skip_test("tmpfs has no writeback: its pages stay dirty in memory and "
			     "msync(MS_SYNC) writes nothing; there is no clean state to check");
}

/* The /proc/kpageflags word of the page mapped at addr (faulted in by the caller). SKIPs when
 * the page frame cannot be read (not root, or no /proc/kpageflags). */
static uint64_t page_flags(const void *addr)
{
	if (geteuid() != 0)
		cr_skip_test("needs root: /proc/kpageflags is root-only and /proc/self/pagemap "
			     "hides page frame numbers without CAP_SYS_ADMIN");
	uint64_t flags = 0;
	switch (ms_page_kpageflags(addr, &flags)) {
	case KPAGEFLAGS_READ:
		break;
	case KPAGEFLAGS_UNREADABLE:
		cr_skip_test("cannot open /proc/self/pagemap or /proc/kpageflags: %s",
			     ms_errname(errno));
	case KPAGEFLAGS_NOT_PRESENT:
		ms_broken("page at %p is not present in /proc/self/pagemap", addr);
	case KPAGEFLAGS_PFN_HIDDEN:
		cr_skip_test("/proc/self/pagemap hides page frame numbers (needs CAP_SYS_ADMIN)");
	}
	return flags;
}

static bool page_dirty(const void *addr)
{
	return page_flags(addr) & (1ull << KPF_DIRTY_BIT);
}

static bool page_in_writeback(const void *addr)
{
	return page_flags(addr) & (1ull << KPF_WRITEBACK_BIT);
}

/* ---- f1: success on whole and partial ranges ---- */

/* Assert that msync(MS_SYNC) of a whole shared mapping succeeds and its stores are in the file. */
CONFORM(msync, ms_sync_whole_range_succeeds, "f1", POSIX)
{
	struct ms_file_map m = ms_file_map(4 * ms_page(), NULL, true);
	ms_assert_ok(msync(m.p, m.len, MS_SYNC));
	ms_assert_file_bytes(m.fd, 0, m.len, ms_stored,
			     "after msync(MS_SYNC) of the whole mapping");
	ms_file_map_release(&m);
}

/* Assert that msync(MS_ASYNC) of a whole shared mapping succeeds. */
CONFORM(msync, ms_async_whole_range_succeeds, "f1", POSIX)
{
	struct ms_file_map m = ms_file_map(4 * ms_page(), NULL, true);
	ms_assert_ok(msync(m.p, m.len, MS_ASYNC));
	ms_file_map_release(&m);
}

/* Assert that msync() of a part of a mapping, starting at an inner page and with a length that
 * is not a multiple of the page size, succeeds for MS_SYNC and MS_ASYNC. */
CONFORM(msync, partial_range_with_unaligned_length_succeeds, "f1", POSIX)
{
	size_t page = ms_page();
	struct ms_file_map m = ms_file_map(4 * page, NULL, false);
	ms_fill_stored(m.p, page, 3 * page);
	ms_assert_ok(msync(m.p + page, page + 100, MS_SYNC));
	ms_assert_file_bytes(m.fd, page, 3 * page, ms_stored, "after msync(MS_SYNC) of pages 1-2");
	ms_assert_ok(msync(m.p + 2 * page, 1, MS_ASYNC));
	ms_file_map_release(&m);
}

/* ---- f2: MS_SYNC leaves the pages clean ---- */

/* Assert that stores dirty the page cache pages and that when msync(MS_SYNC) returns they are,
 * per file system: ext4, xfs, btrfs: written back, so clean and out of writeback. tmpfs: still
 * dirty and never in writeback, since tmpfs has no writeback (pages stay dirty in memory until
 * swapped; msync04 in LTP skips tmpfs for that reason). LINUX (/proc/kpageflags). */
CONFORM(msync, ms_sync_leaves_pages_clean, "f2", LINUX)
{
	enum ms_fs_kind kind = ms_fs_kind();
	if (kind == MS_FS_OTHER)
		cr_skip_test("no stated expectation for %s (known: tmpfs, ext4, xfs, btrfs)",
			     ms_fs_name());
	bool stays_dirty = kind == MS_FS_TMPFS;
	size_t page = ms_page(), len = 4 * page;
	int fd = ms_file(len, NULL);
	xfsync(fd); /* the pattern written by ms_file() is on disk: only our stores dirty pages */
	unsigned char *p = xmap_shared(fd, len);
	ms_fill_stored(p, 0, len);
	for (size_t pg = 0; pg < 4; pg++)
		cr_assert(page_dirty(p + pg * page), "%s: page %zu not dirty after a store "
			  "(kpageflags 0x%llx)", ms_fs_name(), pg,
			  (unsigned long long)page_flags(p + pg * page));
	ms_assert_ok(msync(p, len, MS_SYNC));
	for (size_t pg = 0; pg < 4; pg++) {
		uint64_t f = page_flags(p + pg * page);
		bool dirty = f & (1ull << KPF_DIRTY_BIT), wb = f & (1ull << KPF_WRITEBACK_BIT);
		cr_assert(dirty == stays_dirty && !wb, "%s: page %zu is %s%s after msync(MS_SYNC) "
			  "returned, expected %s (kpageflags 0x%llx)", ms_fs_name(), pg,
			  dirty ? "dirty" : "clean", wb ? " and in writeback" : "",
			  stays_dirty ? "dirty (no writeback on tmpfs)" : "clean",
			  (unsigned long long)f);
	}
	ms_assert_file_bytes(fd, 0, len, ms_stored, "after msync(MS_SYNC)");
	xmunmap(p, len);
	xclose(fd);
}

/* ---- f3: MS_INVALIDATE ---- */

/* Assert that after pwrite(), msync(MS_INVALIDATE) succeeds and the mapping shows the file's
 * new contents, also combined with MS_SYNC. */
CONFORM(msync, ms_invalidate_shows_file_contents, "f3", POSIX)
{
	size_t page = ms_page();
	struct ms_file_map m = ms_file_map(4 * page, NULL, false);
	cr_assert(m.p[page] == ms_pattern(page)); /* cached and mapped before the write */
	unsigned char buf[256];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = ms_stored(page + i);
	xpwrite(m.fd, buf, sizeof(buf), (off_t)page);
	ms_assert_ok(msync(m.p, m.len, MS_INVALIDATE));
	for (size_t i = 0; i < sizeof(buf); i++)
		cr_assert(m.p[page + i] == ms_stored(page + i), "after pwrite() and MS_INVALIDATE "
			  "the mapping shows 0x%02x at offset %zu, the file holds 0x%02x\n%s",
			  m.p[page + i], page + i, ms_stored(page + i), ms_maps_near(m.p, m.len));
	ms_assert_ok(msync(m.p, m.len, MS_INVALIDATE | MS_SYNC));
	ms_file_map_release(&m);
}

/* ---- f5: ENOMEM for unmapped ranges ---- */

/* Shared mappings of two files with an unmapped page between them:
 * page 0 = file a, page 1 = hole, page 2 = file b. Both pages are stored into. */
struct holey {
	unsigned char *base;
	int fd_a, fd_b;
};

static struct holey map_files_around_hole(void)
{
	size_t page = ms_page();
	struct holey h;
	h.base = ms_map_with_hole();
	h.fd_a = ms_file(page, NULL);
	h.fd_b = ms_file(page, NULL);
	xmmap(h.base, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, h.fd_a, 0);
	xmmap(h.base + 2 * page, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, h.fd_b, 0);
	ms_fill_stored(h.base, 0, page);
	for (size_t i = 0; i < page; i++)
		h.base[2 * page + i] = ms_stored(i);
	return h;
}

/* ---- f4 f5: the errno table ---- */

/* What the range of a row covers. */
enum errno_setup {
	SHARED_FILE,        /* a 2-page MAP_SHARED mapping of a file */
	SHARED_FILE_LOCKED, /* the same, mlock()ed (SKIP when mlock fails) */
	UNMAPPED,           /* 2 pages that were mapped and are unmapped again */
	WITH_HOLE,          /* map_files_around_hole(): file page, hole, file page */
};

/* An unknown msync() flag bit. */
#define MSYNC_UNKNOWN_FLAG 0x100
_Static_assert(!(MSYNC_UNKNOWN_FLAG & (MS_SYNC | MS_ASYNC | MS_INVALIDATE)),
	       "MSYNC_UNKNOWN_FLAG must be none of the known flags");

/* The range of a row: [p, p + len). */
struct errno_range {
	enum errno_setup setup;
	unsigned char *p;
	size_t len;
	int fd;
	struct holey h;
};

static struct errno_range errno_range(enum errno_setup setup)
{
	size_t page = ms_page();
	struct errno_range r = { .setup = setup, .len = 2 * page, .fd = -1,
				 .h = { .fd_a = -1, .fd_b = -1 } };
	switch (setup) {
	case SHARED_FILE:
	case SHARED_FILE_LOCKED:
		r.p = ms_map_shared_file(r.len, NULL, &r.fd);
		if (setup == SHARED_FILE_LOCKED && mlock(r.p, r.len) != 0)
			cr_skip_test("mlock() of %zu bytes failed with %s (RLIMIT_MEMLOCK?)", r.len,
				     ms_errname(errno));
		break;
	case UNMAPPED:
		r.p = ms_unmapped_range(r.len);
		break;
	case WITH_HOLE:
		r.h = map_files_around_hole();
		r.p = r.h.base;
		r.len = 3 * page;
		break;
	}
	return r;
}

static void errno_range_release(const struct errno_range *r)
{
	if (r->setup == SHARED_FILE_LOCKED)
		xcheck("munlock", munlock(r->p, r->len));
	if (r->setup != UNMAPPED)
		xmunmap(r->p, r->len);
	ms_close_if_open(r->fd);
	ms_close_if_open(r->h.fd_a);
	ms_close_if_open(r->h.fd_b);
}

/* Each row is its own result, under the row's name; its range by ERRNO_SETUP_<row>, named in
 * its clause. */
#define ERRNO_SETUP(row) struct errno_range r = errno_range(ERRNO_SETUP_##row);
#define ERRNO_TEARDOWN(row) errno_range_release(&r);
#define ERRNO_SETUP_unaligned_address_fails_einval SHARED_FILE
#define ERRNO_SETUP_unknown_flag_fails_einval SHARED_FILE
#define ERRNO_SETUP_sync_and_async_together_fail_einval SHARED_FILE
#define ERRNO_SETUP_invalidate_locked_range_fails_ebusy SHARED_FILE_LOCKED
#define ERRNO_SETUP_unmapped_range_ms_sync_fails_enomem UNMAPPED
#define ERRNO_SETUP_unmapped_range_ms_async_fails_enomem UNMAPPED
#define ERRNO_SETUP_range_with_hole_ms_sync_fails_enomem WITH_HOLE
#define ERRNO_SETUP_range_with_hole_ms_async_fails_enomem WITH_HOLE

/* Assert that msync() fails with EINVAL for an address that is not page aligned, an unknown
 * flag bit, and MS_SYNC with MS_ASYNC, and with EBUSY for MS_INVALIDATE over locked pages. */
#define EINVAL_EBUSY_ROWS(ROW, t)                                                           \
	ROW(t, unaligned_address_fails_einval, msync(r.p + 1, r.len - 1, MS_SYNC), EINVAL,  \
	    "p + 1, 2 pages - 1 of a shared file; "                                         \
	    "POSIX msync() ERRORS EINVAL addr (P-msync-E02, L-msync-E02)")                  \
	ROW(t, unknown_flag_fails_einval, msync(r.p, r.len, MS_SYNC | MSYNC_UNKNOWN_FLAG),  \
	    EINVAL, "2 pages of a shared file, flag 0x100; "                                \
	    "POSIX msync() ERRORS EINVAL flags (P-msync-E03, L-msync-E02)")                 \
	ROW(t, sync_and_async_together_fail_einval, msync(r.p, r.len, MS_SYNC | MS_ASYNC),  \
	    EINVAL, "2 pages of a shared file; "                                            \
	    "POSIX msync() ERRORS EINVAL flags (P-msync-E03, L-msync-E02)")                 \
	ROW(t, invalidate_locked_range_fails_ebusy, msync(r.p, r.len, MS_INVALIDATE), EBUSY, \
	    "2 locked pages of a shared file; "                                             \
	    "POSIX msync() ERRORS EBUSY (P-msync-E01, L-msync-E01)")
CONFORM_ERRNO_TESTS(EINVAL_EBUSY_ROWS, msync, "f4", POSIX, ERRNO_SETUP, ERRNO_TEARDOWN)

/* Assert that msync() of a range that is unmapped, or has an unmapped page inside, fails with
 * ENOMEM, for MS_SYNC and MS_ASYNC. */
#define ENOMEM_ROWS(ROW, t)                                                                 \
	ROW(t, unmapped_range_ms_sync_fails_enomem, msync(r.p, r.len, MS_SYNC), ENOMEM,     \
	    "2 unmapped pages; POSIX msync() ERRORS ENOMEM (P-msync-E04, L-msync-E03)")     \
	ROW(t, unmapped_range_ms_async_fails_enomem, msync(r.p, r.len, MS_ASYNC), ENOMEM,   \
	    "2 unmapped pages; POSIX msync() ERRORS ENOMEM (P-msync-E04, L-msync-E03)")     \
	ROW(t, range_with_hole_ms_sync_fails_enomem, msync(r.p, r.len, MS_SYNC), ENOMEM,    \
	    "page, hole, page; POSIX msync() ERRORS ENOMEM (P-msync-E04)")                  \
	ROW(t, range_with_hole_ms_async_fails_enomem, msync(r.p, r.len, MS_ASYNC), ENOMEM,  \
	    "page, hole, page; POSIX msync() ERRORS ENOMEM (P-msync-E04)")
CONFORM_ERRNO_TESTS(ENOMEM_ROWS, msync, "f5", POSIX, ERRNO_SETUP, ERRNO_TEARDOWN)

/* Assert that msync(MS_SYNC) over a hole still writes back the mapped parts on both sides of
 * it (each a different file) before returning ENOMEM. LINUX: msync(2) continues past the hole;
 * POSIX does not say. Needs writeback (not tmpfs) and root (kpageflags). */
CONFORM(msync, range_with_hole_still_syncs_mapped_parts, "f5", LINUX)
{
	require_writeback();
	struct holey h = map_files_around_hole();
	size_t page = ms_page();
	cr_assert(page_dirty(h.base) && page_dirty(h.base + 2 * page),
		  "%s: the stored pages are not dirty before msync (kpageflags 0x%llx, 0x%llx)",
		  ms_fs_name(), (unsigned long long)page_flags(h.base),
		  (unsigned long long)page_flags(h.base + 2 * page));
	ms_assert_errno(msync(h.base, 3 * page, MS_SYNC), ENOMEM);
	for (size_t pg = 0; pg < 3; pg += 2) {
		uint64_t f = page_flags(h.base + pg * page);
		cr_assert(!(f & ((1ull << KPF_DIRTY_BIT) | (1ull << KPF_WRITEBACK_BIT))),
			  "%s: the page %s the hole is still %s after msync(MS_SYNC) returned "
			  "ENOMEM (kpageflags 0x%llx)", ms_fs_name(), pg ? "after" : "before",
			  f & (1ull << KPF_DIRTY_BIT) ? "dirty" : "in writeback",
			  (unsigned long long)f);
	}
	ms_assert_file_bytes(h.fd_a, 0, page, ms_stored, "file before the hole");
	xmunmap(h.base, 3 * page);
}

/* ---- f6: no-ops ---- */

/* Assert that msync() of a private file mapping succeeds, leaves the file unchanged and keeps
 * the private stores. LINUX: msync(2) writes back shared mappings only. */
CONFORM(msync, private_file_mapping_is_noop, "f6", LINUX)
{
	size_t len = 2 * ms_page();
	int fd = ms_file(len, NULL);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ms_fill_stored(p, 0, len);
	ms_assert_ok(msync(p, len, MS_SYNC));
	ms_assert_ok(msync(p, len, MS_ASYNC | MS_INVALIDATE));
	unsigned char buf[256];
	xpread(fd, buf, sizeof(buf), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		cr_assert(buf[i] == ms_pattern(i), "msync() of a MAP_PRIVATE mapping wrote 0x%02x "
			  "to file offset %zu (was 0x%02x)", buf[i], i, ms_pattern(i));
	for (size_t i = 0; i < len; i++)
		cr_assert(p[i] == ms_stored(i), "msync() lost the private store at offset %zu", i);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that msync() of anonymous memory of kind (MAP_PRIVATE or MAP_SHARED, one result
 * each) succeeds and keeps the data. LINUX. */
static void anonymous_mapping_is_noop(int kind)
{
	size_t len = 2 * ms_page();
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, kind | MAP_ANONYMOUS, -1, 0);
	ms_fill_stored(p, 0, len);
	ms_assert_ok(msync(p, len, MS_SYNC));
	ms_assert_ok(msync(p, len, MS_ASYNC | MS_INVALIDATE));
	for (size_t i = 0; i < len; i++)
		cr_assert(p[i] == ms_stored(i), "msync() of %s anonymous memory changed byte %zu",
			  kind == MAP_SHARED ? "shared" : "private", i);
	xmunmap(p, len);
}
CONFORM_PER_MAP_TYPE(msync, anonymous_mapping_is_noop, "f6", LINUX,
		     anonymous_mapping_is_noop)

/* Assert that msync(MS_ASYNC) starts no writeback: the stored page is still dirty and not
 * under writeback when it returns. LINUX (since 2.6.19, MS_ASYNC is a no-op; background
 * writeback would take 30 s to start on its own). Needs root. On tmpfs, which never writes
 * back, it holds as well. */
CONFORM(msync, ms_async_starts_no_io, "f6", LINUX)
{
	size_t len = ms_page();
	int fd = ms_file(len, NULL);
	xfsync(fd);
	unsigned char *p = xmap_shared(fd, len);
	ms_fill_stored(p, 0, len);
	cr_assert(page_dirty(p), "%s: page not dirty after a store", ms_fs_name());
	ms_assert_ok(msync(p, len, MS_ASYNC));
	cr_assert(page_dirty(p) && !page_in_writeback(p), "%s: msync(MS_ASYNC) started writeback "
		  "(kpageflags 0x%llx)", ms_fs_name(), (unsigned long long)page_flags(p));
	xmunmap(p, len);
	xclose(fd);
}

/* ---- f7: writeback errors ---- */

/* Assert that a writeback I/O error is reported by msync(MS_SYNC) once, then cleared for that
 * open file; another descriptor opened before the error gets it once from fsync(); one opened
 * after the error does not get it. LINUX (errseq_t, 4.13+). The failing device: a loop device
 * whose backing file, four times larger, lives on a 256 KiB private tmpfs, so writeback past
 * the first 256 KiB fails (no device-mapper is needed): the loop device completes those
 * writes with BLK_STS_NOSPC, and the block device's page cache records EIO (seen on 6.18).
 * Stored and synced a chunk at a time, stopping at the first error: a request the tmpfs takes
 * only in part completes without error (the loop driver fails a request whose write returns
 * an error, not one that writes less), so the error must come from a request that starts
 * where the tmpfs is full. One msync of the whole 1 MiB made one request of it on 16 KiB and
 * 64 KiB pages (128 segments of a page) and saw no error there (6.12 arm64-16k, ppc64el-64k);
 * on 4 KiB pages its second 512 KiB request failed. */
CONFORM(msync, writeback_error_reported_once, "f7 f8", LINUX)
{
	char dir[PATH_MAX], image[PATH_MAX + 16], dev_name[PATH_MAX];
	ms_private_tmpfs("size=256k", dir);
	size_t len = 1024 * 1024, chunk = ms_page() > 65536 ? ms_page() : 65536;
	snprintf(image, sizeof(image), "%s/image", dir);
	int backing = xopen(image, O_RDWR | O_CREAT | O_EXCL, 0600);
	xftruncate(backing, (off_t)len); /* sparse: the space runs out as it is written */
	int dev = ms_loop_attach_or_skip(backing, dev_name);
	xclose(backing);
	int early = xopen(dev_name, O_RDWR, 0); /* samples the error state before the error */
	unsigned char *p = xmap_shared(dev, len);
	int first = 0, first_errno = 0;
	for (size_t off = 0; off < len && first == 0; off += chunk) {
		ms_fill_stored(p, off, off + chunk);
		errno = 0;
		first = msync(p + off, chunk, MS_SYNC);
		first_errno = errno;
	}
	cr_assert(first == -1 && first_errno == EIO,
		  "msync(MS_SYNC) of %zu KiB of %s, %zu KiB at a time, whose backing store holds "
		  "only 256 KiB: expected -1 with EIO, got %d with %s", len / 1024, dev_name,
		  chunk / 1024, first, ms_errname(first_errno));
	ms_assert_ok(msync(p, len, MS_SYNC)); /* reported once per open file */
	ms_assert_errno(fsync(early), first_errno);
	ms_assert_ok(fsync(early));
	int late = xopen(dev_name, O_RDWR, 0);
	ms_assert_ok(fsync(late));
	xclose(late);
	xclose(early);
	xmunmap(p, len);
	xclose(dev);
}

/* ---- msync_classes: argument classes (f4, f5) ---- */

/* Assert POSIX's msync classes: EINVAL for an unaligned addr, ENOMEM outside the address
 * space or over unmapped pages (len 0 is unspecified: LINUX table). */
RANGE_TABLE(msync_classes, posix_range_table, "f4 f5", POSIX, ms_range_msync,
	    0, EINVAL, 0, NONE, ENOMEM, ENOMEM, ENOMEM)

/* Assert msync(2)'s classes; len 0 succeeds. */
RANGE_TABLE(msync_classes, linux_range_table, "f4 f5", LINUX, ms_range_msync,
	    0, EINVAL, 0, 0, ENOMEM, ENOMEM, ENOMEM)

/* Assert that msync covers the whole page holding the last byte, and not the next. POSIX */
RANGE_ROUNDING(msync_classes, "f1 f5", POSIX, ms_range_msync)

/* Assert msync's flags: every bit other than MS_ASYNC, MS_INVALIDATE, MS_SYNC fails EINVAL,
 * MS_SYNC|MS_ASYNC fails EINVAL, and flags 0 is accepted as MS_ASYNC (msync(2) NOTES). */
CONFORM(msync_classes, flags_table, "f4", LINUX)
{
	size_t pg = ms_page();
	int fd = ms_memfd_of(pg, 0);
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char msg[2048] = "";
	const unsigned long known = MS_ASYNC | MS_INVALIDATE | MS_SYNC;
	for (int bit = ms_next_bit_not_in(known, 0); bit; bit = ms_next_bit_not_in(known, bit)) {
		errno = 0;
		if (msync(p, pg, MS_ASYNC | bit) != -1 || errno != EINVAL)
			ms_append(msg, "MS_ASYNC|%#x: %s, expected EINVAL", bit, ms_errname(errno));
	}
	errno = 0;
	if (msync(p, pg, MS_SYNC | MS_ASYNC) != -1 || errno != EINVAL)
		ms_append(msg, "MS_SYNC|MS_ASYNC: %s, expected EINVAL", ms_errname(errno));
	if (msync(p, pg, 0) != 0)
		ms_append(msg, "flags 0: %s, expected success", ms_errname(errno));
	cr_assert(msg[0] == 0, "%s", msg);
}
