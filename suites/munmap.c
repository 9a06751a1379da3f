/* (g, e) munmap: partial unmaps split, unmapping twice is harmless, locks go with the mapping,
 * and a split beyond the map count limit fails; over anonymous, shared anonymous and file
 * mappings of the file system under test. Then the signal an access to an unmapped page
 * raises (munmap_signals) and its argument classes (munmap_classes). */
#include "arg_classes.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* ---- g1: partial munmap ---- */

static const size_t split_pages = 8;

/* Unmaps pages [first, first + count) of an 8-page mapping of backing b and checks that
 * exactly those pages are gone, the rest keeps its data, and maps shows `vmas` entries. */
static void check_partial_munmap(enum ms_backing b, size_t first, size_t count, int vmas)
{
	size_t page = ms_page(), len = split_pages * page;
	int fd;
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, &fd);
	ms_fill_stamped(p, len);
	ms_assert_ok(munmap(p + first * page, count * page));
	for (size_t i = first; i < first + count; i++)
		ms_assert_unmapped(p + i * page + 17, ms_backing_name[b]);
	ms_assert_stamped(p, 0, first * page, ms_backing_name[b]);
	ms_assert_stamped(p, (first + count) * page, len, ms_backing_name[b]);
	int n = ms_vmas_in(p, len);
	cr_assert(n == vmas, "%s: after unmapping pages %zu-%zu of %zu, maps shows %d "
		  "entries in the range, expected %d\n%s", ms_backing_name[b], first,
		  first + count - 1, split_pages, n, vmas, ms_maps_near(p, len));
	if (first > 0)
		xmunmap(p, first * page);
	if (first + count < split_pages)
		xmunmap(p + (first + count) * page, (split_pages - first - count) * page);
	ms_close_if_open(fd);
}

/* Assert that unmapping the head of a mapping removes just those pages and keeps the rest. */
CONFORM_PER_BACKING(MS_BACKINGS_ALL, munmap, partial_head_keeps_rest, "g1", POSIX)
{
	check_partial_munmap(b, 0, 3, 1);
}

/* Assert that unmapping the middle of a mapping splits it in two, both halves intact. */
CONFORM_PER_BACKING(MS_BACKINGS_ALL, munmap, partial_middle_splits_in_two, "g1", POSIX)
{
	check_partial_munmap(b, 3, 2, 2);
}

/* Assert that unmapping the tail of a mapping removes just those pages and keeps the rest. */
CONFORM_PER_BACKING(MS_BACKINGS_ALL, munmap, partial_tail_keeps_rest, "g1", POSIX)
{
	check_partial_munmap(b, 5, 3, 1);
}

/* ---- g2 ---- */

/* Assert that munmap() of a range with no mapping, or of a range already unmapped, succeeds
 * and has no effect on the mappings around it. */
CONFORM(munmap, unmapped_range_succeeds_no_effect, "g2", POSIX)
{
	size_t page = ms_page();
	unsigned char *hole = ms_unmapped_range(4 * page);
	ms_assert_ok(munmap(hole, 4 * page));

	unsigned char *p = xmmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ms_fill_stamped(p, 3 * page);
	xmunmap(p + page, page);
	ms_assert_ok(munmap(p + page, page)); /* the same hole again */
	ms_assert_stamped(p, 0, page, "head next to the hole");
	ms_assert_stamped(p, 2 * page, 3 * page, "tail next to the hole");
	cr_assert(ms_vmas_in(p, 3 * page) == 2, "unmapping the hole again changed the mappings\n%s",
		  ms_maps_near(p, 3 * page));
	ms_assert_ok(munmap(p, 3 * page)); /* a range spanning the hole */
	ms_assert_unmapped(p, "head after unmapping across the hole");
	ms_assert_unmapped(p + 2 * page, "tail after unmapping across the hole");
	ms_assert_ok(munmap(p, 3 * page)); /* all gone: still fine */
}

/* ---- g3 ---- */

/* Assert that munmap() removes the memory locks of the pages it unmaps: VmLck drops by the
 * unmapped part, and a new mapping at the same address is not locked. */
CONFORM(munmap, removes_memory_locks, "g3", POSIX)
{
	size_t page = ms_page(), len = 16 * page;
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	long before = ms_status_kb("VmLck");
	if (mlock(p, len) != 0)
		cr_skip_test("mlock(64 KiB) failed with %s: RLIMIT_MEMLOCK too low and no "
			     "CAP_IPC_LOCK", ms_errname(errno));
	long locked = ms_status_kb("VmLck");
	cr_assert(locked - before == (long)(len / 1024), "mlock of %zu kB raised VmLck from %ld to "
		  "%ld kB", len / 1024, before, locked);
	xmunmap(p + 8 * page, 8 * page);
	long half = ms_status_kb("VmLck");
	cr_assert(locked - half == (long)(8 * page / 1024), "unmapping %zu locked kB took VmLck "
		  "from %ld to %ld kB", 8 * page / 1024, locked, half);
	unsigned char *again = xmmap(p + 8 * page, 8 * page, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	again[0] = 1;
	long relocked = ms_smaps_kb(again, "Locked");
	cr_assert(relocked == 0 && ms_status_kb("VmLck") == half, "a new mapping at the unmapped, "
		  "once locked address %p is locked (%ld kB)\n%s", (void *)again, relocked,
		  ms_maps_near(again, 8 * page));
	xmunmap(p, len);
	cr_assert(ms_status_kb("VmLck") == before, "VmLck is %ld kB after unmapping everything, "
		  "%ld kB before mlock", ms_status_kb("VmLck"), before);
}

/* ---- g4 ---- */

/* In a child: raises the map count to vm.max_map_count by splitting one big PROT_READ
 * reservation with single-page mprotect()s, then splits a prepared mapping with munmap. */
static void child_munmap_at_map_count_limit(long max_count)
{
	size_t page = ms_page();
	unsigned char *victim = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	child_check(victim != MAP_FAILED, "mmap victim: %s", ms_errname(errno));
	victim[page] = 0x77;
	size_t pages = 2 * (size_t)max_count + 16;
	unsigned char *filler = mmap(NULL, pages * page, PROT_READ,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	child_check(filler != MAP_FAILED, "mmap filler of %zu pages: %s", pages,
		    ms_errname(errno));
	size_t i;
	for (i = 1; i + 1 < pages; i += 2)
		if (mprotect(filler + i * page, page, PROT_NONE) != 0)
			break;
	child_check(i + 1 < pages && errno == ENOMEM, "splitting the filler never hit "
		    "vm.max_map_count %ld (last mprotect: %s)", max_count, ms_errname(errno));
	errno = 0;
	int r = munmap(victim + page, page);
	child_check(r == -1 && errno == ENOMEM, "munmap splitting a mapping at the map count "
		    "limit: expected ENOMEM, got %d with %s", r, ms_errname(errno));
	child_check(victim[page] == 0x77, "the failed munmap lost the page at %p",
		    (void *)(victim + page));
	/* Unmapping whole entries needs no split and still works at the limit. */
	r = munmap(victim, 3 * page);
	child_check(r == 0, "munmap of a whole mapping at the limit: %s", ms_errname(errno));
	_exit(0);
}

/* Assert that munmap() fails with ENOMEM when splitting a mapping would take the process
 * beyond vm.max_map_count, and leaves the mapping intact. LINUX: the limit is Linux's. */
CONFORM(munmap, split_beyond_max_map_count_fails_enomem, "g4", LINUX)
{
	long max_count = ms_map_count_limit();
	pid_t pid = xfork();
	if (pid == 0)
		child_munmap_at_map_count_limit(max_count);
	xwait_ok(pid);
}

/* ---- e3 e4: the signal an access to an unmapped page raises (munmap_signals) ---- */

/* Assert that after munmap of a whole mapping a load raises SIGSEGV SEGV_MAPERR at the byte
 * (POSIX: references to unmapped pages raise SIGSEGV; the code is Linux's). */
CONFORM_PER_BACKING(MS_BACKINGS_ANON_PRIVATE_AND_FILE,
                    munmap_signals, whole_unmap_then_access_segv_maperr, "e3 e4", POSIX)
{
	size_t len = 4 * ms_page();
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, NULL);
	memset(p, 0x11, len);
	xmunmap(p, len);
	struct ms_fault f;
	ms_probe_read(p + 3 * ms_page() + 9, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, p + 3 * ms_page() + 9,
		        "load after munmap", p, len);
	ms_probe_write(p, 1, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, p, "store after munmap", p, len);
}

/* Assert that after munmap of the middle page of three only that page faults (SIGSEGV
 * SEGV_MAPERR at the byte) and both neighbours keep their data. */
CONFORM_PER_BACKING(MS_BACKINGS_ANON_PRIVATE_AND_FILE,
                    munmap_signals, partial_unmap_hole_segv_neighbours_intact, "e3 e4", POSIX)
{
	size_t pg = ms_page(), len = 3 * pg;
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, NULL);
	p[0] = 0xa1;
	p[2 * pg] = 0xa3;
	xmunmap(p + pg, pg);
	struct ms_fault f;
	ms_probe_write(p + pg + pg / 2, 7, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, p + pg + pg / 2, "store into the hole", p,
		        len);
	cr_assert(p[0] == 0xa1 && p[2 * pg] == 0xa3,
		  "%s: neighbours of the hole read 0x%02x 0x%02x, stored 0xa1 0xa3\n%s",
		  ms_backing_name[b], p[0], p[2 * pg], ms_maps_near(p, len));
	xmunmap(p, pg);
	xmunmap(p + 2 * pg, pg);
}

/* ---- munmap_classes: argument classes (h10) ---- */

/* Assert POSIX's munmap classes: EINVAL for an unaligned addr, len 0 and a range outside the
 * address space; success, with no effect on holes, over partly or wholly unmapped ranges. */
RANGE_TABLE(munmap_classes, posix_range_table, "h10 g2", POSIX, ms_range_munmap,
	    0, EINVAL, 0, EINVAL, EINVAL, 0, 0)

/* Assert munmap(2)'s classes (the same answers, in the man page's words). */
RANGE_TABLE(munmap_classes, linux_range_table, "h10 g2", LINUX, ms_range_munmap,
	    0, EINVAL, 0, EINVAL, EINVAL, 0, 0)

/* Assert that munmap(p, page + 1) removes exactly the first two pages. POSIX */
CONFORM(munmap_classes, length_rounding_unmaps_whole_last_page, "h10 g1", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = ms_range_three_pages(&ms_range_munmap);
	unsigned char vec;
	ms_assert_ok(munmap(p, pg + 1));
	errno = 0;
	cr_assert(mincore(p + pg, pg, &vec) == -1 && errno == ENOMEM,
		  "the page holding the last byte is still mapped after munmap(p, page + 1)\n%s",
		  ms_maps_near(p, 3 * pg));
	cr_assert(mincore(p + 2 * pg, pg, &vec) == 0, "the page after the range was unmapped "
		  "too (%s)\n%s", ms_errname(errno), ms_maps_near(p, 3 * pg));
}

/* Assert that munmap() with an address that is not page aligned fails with EINVAL and
 * unmaps nothing. */
#define MUNMAP_UNALIGNED_ROWS(ROW, t)                                                       \
	ROW(t, addr_plus_1, munmap(p + 1, page), EINVAL,                                    \
	    "POSIX munmap() EINVAL: addr is not a multiple of the page size")               \
	ROW(t, addr_plus_half_page, munmap(p + page / 2, page), EINVAL,                     \
	    "POSIX munmap() EINVAL: addr is not a multiple of the page size")
#define MUNMAP_UNALIGNED_SETUP(row)                                                         \
	size_t page = ms_page();                                                            \
	unsigned char *p = xmmap(NULL, 2 * page, PROT_READ | PROT_WRITE,                    \
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);                       \
	p[0] = 1;                                                                           \
	p[page] = 2;
#define MUNMAP_UNALIGNED_TEARDOWN(row)                                                      \
	cr_assert(!ms_probe_read(p, NULL) && !ms_probe_read(p + page, NULL) &&              \
		  p[0] == 1 && p[page] == 2,                                                \
		  "a failed munmap changed the mapping at %p\n%s", (void *)p,               \
		  ms_maps_near(p, 2 * page));                                               \
	xmunmap(p, 2 * page);
CONFORM_ERRNO_ROWS(MUNMAP_UNALIGNED_ROWS, munmap_classes, unaligned_addr_fails_einval, "h10", POSIX,
		   MUNMAP_UNALIGNED_SETUP, MUNMAP_UNALIGNED_TEARDOWN)

/* Assert that munmap() with len 0 fails with EINVAL. */
CONFORM(munmap_classes, zero_length_fails_einval, "h10", POSIX)
{
	unsigned char *p = xmmap(NULL, ms_page(), PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* cppcheck-suppress invalidFunctionArg ; length 0 is the argument under test (EINVAL) */
	ms_assert_errno(munmap(p, 0), EINVAL);
	cr_assert(!ms_probe_read(p, NULL), "munmap(%p, 0) unmapped the page\n%s", (void *)p,
		  ms_maps_near(p, ms_page()));
	xmunmap(p, ms_page());
}

/* Assert that munmap() of a range outside the process address space fails with EINVAL: one
 * beyond TASK_SIZE, one whose end wraps around (and unmaps nothing), and one crossing TASK_SIZE
 * (x86-64 with 4-level paging only). */
#define MUNMAP_OUTSIDE_ROWS(ROW, t)                                                         \
	ROW(t, beyond_user_space, munmap(ms_beyond_user_space, page), EINVAL,                  \
	    "POSIX munmap() EINVAL: addresses outside the valid range of the address space") \
	ROW(t, wrapping_end, munmap(p, SIZE_MAX & ~(page - 1)), EINVAL,                     \
	    "POSIX munmap() EINVAL: addresses outside the valid range of the address space") \
	ROW(t, crossing_task_size,                                                          \
	    munmap((void *)(ms_x86_64_low_half_end - page), 2 * page), EINVAL,                 \
	    "POSIX munmap() EINVAL: addresses outside the valid range of the address space")
#define MUNMAP_OUTSIDE_SETUP(row)                                                           \
	ms_require_va(VA_NEEDED_##row);                                                        \
	size_t page = ms_page();                                                            \
	unsigned char *p = xmmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#define MUNMAP_OUTSIDE_TEARDOWN(row)                                                        \
	cr_assert(!ms_probe_read(p, NULL), "a failed munmap unmapped the page at %p\n%s",   \
		  (void *)p, ms_maps_near(p, page));                                        \
	xmunmap(p, page);
CONFORM_ERRNO_ROWS(MUNMAP_OUTSIDE_ROWS, munmap_classes, outside_address_space_fails_einval,
		   "h10", POSIX, MUNMAP_OUTSIDE_SETUP, MUNMAP_OUTSIDE_TEARDOWN)
