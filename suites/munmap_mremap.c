/* (g) munmap and mremap: partial unmaps split, unmapping twice is harmless, locks go with the
 * mapping, the map count limit, and mremap growing, moving, shrinking and aliasing anonymous,
 * shared anonymous and file mappings of the file system under test. */
#include "mm_util.h"

#include <fcntl.h>
#include <linux/mman.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* The backings a test runs over; file ones live on the file system under test. */
enum backing { ANON_PRIVATE, ANON_SHARED, FILE_SHARED, FILE_PRIVATE, N_BACKINGS };

static const char *const backing_name[N_BACKINGS] = {
	[ANON_PRIVATE] = "MAP_PRIVATE|MAP_ANONYMOUS",
	[ANON_SHARED] = "MAP_SHARED|MAP_ANONYMOUS",
	[FILE_SHARED] = "MAP_SHARED file",
	[FILE_PRIVATE] = "MAP_PRIVATE file",
};

/* One result per backing: suite/name_anon_private, _anon_shared, _file_shared and
 * _file_private, each running the body that follows, static void name(enum backing b), with
 * its backing. CONFORM_FILE_BACKINGS, CONFORM_SHARED_BACKINGS and CONFORM_PRIVATE_BACKINGS
 * declare the two file, the two shared and the two private ones. */
#define BACKING_BODY(name) static void name(enum backing b)
#define VARIANT_ANON_PRIVATE(s, n, i, sp) \
	CONFORM_VARIANT(s, n, anon_private, i, sp, n, ANON_PRIVATE)
#define VARIANT_ANON_SHARED(s, n, i, sp) \
	CONFORM_VARIANT(s, n, anon_shared, i, sp, n, ANON_SHARED)
#define VARIANT_FILE_SHARED(s, n, i, sp) \
	CONFORM_VARIANT(s, n, file_shared, i, sp, n, FILE_SHARED)
#define VARIANT_FILE_PRIVATE(s, n, i, sp) \
	CONFORM_VARIANT(s, n, file_private, i, sp, n, FILE_PRIVATE)
#define CONFORM_PER_BACKING(s, n, i, sp)                                                     \
	BACKING_BODY(n);                                                                     \
	VARIANT_ANON_PRIVATE(s, n, i, sp) VARIANT_ANON_SHARED(s, n, i, sp)                   \
	VARIANT_FILE_SHARED(s, n, i, sp) VARIANT_FILE_PRIVATE(s, n, i, sp) BACKING_BODY(n)
#define CONFORM_FILE_BACKINGS(s, n, i, sp)                                                   \
	BACKING_BODY(n);                                                                     \
	VARIANT_FILE_SHARED(s, n, i, sp) VARIANT_FILE_PRIVATE(s, n, i, sp) BACKING_BODY(n)
#define CONFORM_SHARED_BACKINGS(s, n, i, sp)                                                 \
	BACKING_BODY(n);                                                                     \
	VARIANT_ANON_SHARED(s, n, i, sp) VARIANT_FILE_SHARED(s, n, i, sp) BACKING_BODY(n)
#define CONFORM_PRIVATE_BACKINGS(s, n, i, sp)                                                \
	BACKING_BODY(n);                                                                     \
	VARIANT_ANON_PRIVATE(s, n, i, sp) VARIANT_FILE_PRIVATE(s, n, i, sp) BACKING_BODY(n)

/* Maps len bytes of the backing, read-write; a file backing gets a new file of file_size
 * bytes (ms_pattern content) whose fd is returned in *fd (-1 for anonymous). */
static unsigned char *map_backing(enum backing b, size_t len, size_t file_size, int *fd)
{
	static const int flags[N_BACKINGS] = {
		[ANON_PRIVATE] = MAP_PRIVATE | MAP_ANONYMOUS,
		[ANON_SHARED] = MAP_SHARED | MAP_ANONYMOUS,
		[FILE_SHARED] = MAP_SHARED,
		[FILE_PRIVATE] = MAP_PRIVATE,
	};
	*fd = (b == FILE_SHARED || b == FILE_PRIVATE) ? ms_file(file_size, NULL) : -1;
	return xmmap(NULL, len, PROT_READ | PROT_WRITE, flags[b], *fd, 0);
}

/* The bytes tests store, by offset from the start of the original mapping. */
static unsigned char stamp(size_t offset)
{
	return (unsigned char)(offset * 13u + (offset >> 12) + 5u);
}

static void fill_stamped(unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = stamp(i);
}

/* Asserts that [p + from, p + to) still holds the stamp of those offsets. */
static void assert_stamped(const unsigned char *p, size_t from, size_t to, const char *backing)
{
	for (size_t i = from; i < to; i++)
		cr_assert(p[i] == stamp(i), "%s: byte %zu at %p is 0x%02x, 0x%02x was stored\n%s",
			  backing, i, (void *)(p + i), p[i], stamp(i), ms_maps_near(p + from,
			  to - from));
}

/* Asserts that a read of addr raises SIGSEGV with SEGV_MAPERR at exactly addr. */
static void assert_unmapped(const unsigned char *addr, const char *what)
{
	struct ms_fault f;
	ms_probe_read(addr, &f);
	cr_assert(f.faulted && f.signo == SIGSEGV && f.code == SEGV_MAPERR && f.addr == addr,
		  "%s: a read of %p gave %s %s at %p; expected SIGSEGV SEGV_MAPERR there\n%s", what,
		  (void *)addr, ms_signame(f.signo), ms_sicode_name(f.signo, f.code), f.addr,
		  ms_maps_near(addr, ms_page()));
}

/* Asserts that a read of addr raises SIGBUS with BUS_ADRERR at exactly addr. */
static void assert_bus_error(const unsigned char *addr, const char *what)
{
	struct ms_fault f;
	ms_probe_read(addr, &f);
	cr_assert(f.faulted && f.signo == SIGBUS && f.code == BUS_ADRERR && f.addr == addr,
		  "%s: a read of %p gave %s %s at %p; expected SIGBUS BUS_ADRERR there\n%s", what,
		  (void *)addr, ms_signame(f.signo), ms_sicode_name(f.signo, f.code), f.addr,
		  ms_maps_near(addr, ms_page()));
}

/* The /proc/self/maps entry containing addr: its bounds and file offset. */
static bool vma_of(const void *addr, unsigned long *start, unsigned long *end,
		   unsigned long long *offset)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		ms_broken("fopen(/proc/self/maps): %s", ms_errname(errno));
	char line[512], perms[8];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%lx-%lx %7s %llx", start, end, perms, offset) == 4 &&
			(unsigned long)addr >= *start && (unsigned long)addr < *end;
	fclose(f);
	return found;
}

/* A free range of len bytes, found by mapping and unmapping it: nothing in this
 * single-threaded test maps in between. */
static unsigned char *free_range(size_t len)
{
	unsigned char *p = xmmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xmunmap(p, len);
	/* cppcheck-suppress deallocret ; the caller needs a just-unmapped address */
	return p;
}

/* A PROT_NONE reservation of len bytes with one more PROT_NONE page on each side; returns
 * the start of the inner part, where a test maps with MAP_FIXED. The guard pages keep the
 * test's mappings from merging with whatever the kernel placed next to them. */
static unsigned char *reserve_guarded(size_t len)
{
	size_t page = ms_page();
	unsigned char *r = xmmap(NULL, len + 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	return r + page;
}

static void release_guarded(unsigned char *r, size_t len)
{
	xmunmap(r - ms_page(), len + 2 * ms_page());
}

static void close_if_file(int fd)
{
	if (fd >= 0)
		xclose(fd);
}

/* ---- g1: partial munmap ---- */

static const size_t split_pages = 8;

/* Unmaps pages [first, first + count) of an 8-page mapping of backing b and checks that
 * exactly those pages are gone, the rest keeps its data, and maps shows `vmas` entries. */
static void check_partial_munmap(enum backing b, size_t first, size_t count, int vmas)
{
	size_t page = ms_page(), len = split_pages * page;
	int fd;
	unsigned char *p = map_backing(b, len, len, &fd);
	fill_stamped(p, len);
	ms_assert_ok(munmap(p + first * page, count * page));
	for (size_t i = first; i < first + count; i++)
		assert_unmapped(p + i * page + 17, backing_name[b]);
	assert_stamped(p, 0, first * page, backing_name[b]);
	assert_stamped(p, (first + count) * page, len, backing_name[b]);
	int n = vmas_in(p, len);
	cr_assert(n == vmas, "%s: after unmapping pages %zu-%zu of %zu, maps shows %d "
		  "entries in the range, expected %d\n%s", backing_name[b], first,
		  first + count - 1, split_pages, n, vmas, ms_maps_near(p, len));
	if (first > 0)
		xmunmap(p, first * page);
	if (first + count < split_pages)
		xmunmap(p + (first + count) * page, (split_pages - first - count) * page);
	close_if_file(fd);
}

/* Assert that unmapping the head of a mapping removes just those pages and keeps the rest. */
CONFORM_PER_BACKING(munmap, partial_head_keeps_rest, "g1", POSIX)
{
	check_partial_munmap(b, 0, 3, 1);
}

/* Assert that unmapping the middle of a mapping splits it in two, both halves intact. */
CONFORM_PER_BACKING(munmap, partial_middle_splits_in_two, "g1", POSIX)
{
	check_partial_munmap(b, 3, 2, 2);
}

/* Assert that unmapping the tail of a mapping removes just those pages and keeps the rest. */
CONFORM_PER_BACKING(munmap, partial_tail_keeps_rest, "g1", POSIX)
{
	check_partial_munmap(b, 5, 3, 1);
}

/* ---- g2 ---- */

/* Assert that munmap() of a range with no mapping, or of a range already unmapped, succeeds
 * and has no effect on the mappings around it. */
CONFORM(munmap, unmapped_range_succeeds_no_effect, "g2", POSIX)
{
	size_t page = ms_page();
	unsigned char *hole = free_range(4 * page);
	ms_assert_ok(munmap(hole, 4 * page));

	unsigned char *p = xmmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill_stamped(p, 3 * page);
	xmunmap(p + page, page);
	ms_assert_ok(munmap(p + page, page)); /* the same hole again */
	assert_stamped(p, 0, page, "head next to the hole");
	assert_stamped(p, 2 * page, 3 * page, "tail next to the hole");
	cr_assert(vmas_in(p, 3 * page) == 2, "unmapping the hole again changed the mappings\n%s",
		  ms_maps_near(p, 3 * page));
	ms_assert_ok(munmap(p, 3 * page)); /* a range spanning the hole */
	assert_unmapped(p, "head after unmapping across the hole");
	assert_unmapped(p + 2 * page, "tail after unmapping across the hole");
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

/* ---- g5 ---- */

/* Assert that growing a private anonymous mapping with free space behind it happens in place,
 * keeps the data, and the new part reads zero. */
CONFORM(mremap, grow_in_place_keeps_data, "g5", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	unsigned char *p = xmmap(NULL, 2 * len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	xmunmap(p + len, len);
	fill_stamped(p, len);
	unsigned char *q = mremap(p, len, 2 * len, 0);
	cr_assert(q == p, "mremap grow with free space behind: expected %p, got %p (%s)\n%s",
		  (void *)p, (void *)q, ms_errname(errno), ms_maps_near(p, 2 * len));
	assert_stamped(q, 0, len, "grown in place");
	for (size_t i = len; i < 2 * len; i++)
		cr_assert(q[i] == 0, "byte %zu of the grown part reads 0x%02x, not 0", i, q[i]);
	xmunmap(q, 2 * len);
}

/* Assert that MREMAP_MAYMOVE moves a mapping that cannot grow in place, for every backing:
 * the data comes along, the old range is unmapped and the blocking mapping is untouched. */
CONFORM_PER_BACKING(mremap, maymove_blocked_moves_with_data, "g5", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int fd;
	unsigned char *p = map_backing(b, len + page, 2 * len, &fd);
	fill_stamped(p, len + page);
	xmprotect(p + len, page, PROT_READ); /* its own entry: blocks growing */
	/* A shared anonymous object keeps its size: only the old part is checked. */
	size_t grown = 2 * len;
	unsigned char *q = mremap(p, len, grown, MREMAP_MAYMOVE);
	cr_assert(q != MAP_FAILED, "%s: mremap MAYMOVE: %s", backing_name[b],
		  ms_errname(errno));
	cr_assert(q != p, "%s: grew in place over the blocking mapping\n%s", backing_name[b],
		  ms_maps_near(p, 2 * len));
	assert_stamped(q, 0, len, backing_name[b]);
	assert_unmapped(p, backing_name[b]);
	assert_stamped(p, len, len + page, "blocking mapping");
	xmunmap(q, grown);
	xmunmap(p + len, page);
	close_if_file(fd);
}

/* Assert that a MAP_SHARED file mapping grown with MREMAP_MAYMOVE maps the file's next pages,
 * and stores through the moved mapping reach the file. */
CONFORM(mremap, shared_file_grow_maps_file_and_writes_through, "g5", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int fd = ms_file(2 * len, NULL);
	unsigned char *p = xmmap(NULL, len + page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	unsigned char *blocker = p + len;
	xmprotect(blocker, page, PROT_READ); /* its own entry: blocks growing in place */
	p[3] = 0xa1;
	unsigned char *q = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
	ms_assert_mapped(q);
	cr_assert(q[3] == 0xa1, "the store made before the move reads 0x%02x", q[3]);
	for (size_t i = 4; i < 2 * len; i++)
		cr_assert(q[i] == ms_pattern(i), "byte %zu of the grown shared mapping at %p reads "
			  "0x%02x, the file holds 0x%02x (%s)", i, (void *)(q + i), q[i],
			  ms_pattern(i), ms_fs_name());
	q[2 * len - 5] = 0x5e;
	unsigned char got;
	xpread(fd, &got, 1, (off_t)(2 * len - 5));
	cr_assert(got == 0x5e, "a store through the grown mapping is not in the file: read() "
		  "gives 0x%02x at %zu (%s)", got, 2 * len - 5, ms_fs_name());
	xmunmap(q, 2 * len);
	xmunmap(blocker, page);
	xclose(fd);
}

/* Assert that growing a file mapping past the end of the file maps pages that raise SIGBUS
 * BUS_ADRERR at the exact address, while the pages within the file keep their data. */
CONFORM_FILE_BACKINGS(mremap, grow_past_eof_raises_sigbus, "g5", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int fd;
	unsigned char *p = map_backing(b, len, len, &fd);
	unsigned char *q = mremap(p, len, len + 2 * page, MREMAP_MAYMOVE);
	cr_assert(q != MAP_FAILED, "%s: mremap grow: %s", backing_name[b],
		  ms_errname(errno));
	for (size_t i = 0; i < len; i += 97)
		cr_assert(q[i] == ms_pattern(i), "%s: byte %zu reads 0x%02x, file 0x%02x",
			  backing_name[b], i, q[i], ms_pattern(i));
	assert_bus_error(q + len + 33, backing_name[b]);
	assert_bus_error(q + len + page, backing_name[b]);
	xmunmap(q, len + 2 * page);
	xclose(fd);
}

/* Assert that a shared anonymous mapping grown with mremap keeps its data but the grown part
 * lies beyond its shmem object and raises SIGBUS BUS_ADRERR. LINUX: the object is sized at
 * mmap() time. */
CONFORM(mremap, shared_anonymous_grow_beyond_object_sigbus, "g5", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int fd;
	unsigned char *p = map_backing(ANON_SHARED, len, 0, &fd);
	fill_stamped(p, len);
	unsigned char *q = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
	ms_assert_mapped(q);
	assert_stamped(q, 0, len, backing_name[ANON_SHARED]);
	assert_bus_error(q + len + 1, "grown part of a shared anonymous mapping");
	xmunmap(q, 2 * len);
}

/* ---- g6 ---- */

/* Assert that growing without MREMAP_MAYMOVE when the next page is taken fails with ENOMEM
 * and changes nothing. */
CONFORM_PER_BACKING(mremap, grow_blocked_without_maymove_fails_enomem, "g6", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int fd;
	unsigned char *p = map_backing(b, len + page, 2 * len, &fd);
	fill_stamped(p, len + page);
	xmprotect(p + len, page, PROT_READ);
	errno = 0;
	void *q = mremap(p, len, 2 * len, 0);
	int e = errno;
	cr_assert(q == MAP_FAILED && e == ENOMEM, "%s: grow over a mapping without MAYMOVE:"
		  " expected ENOMEM, got %p with %s\n%s", backing_name[b], q, ms_errname(e),
		  ms_maps_near(p, 2 * len));
	assert_stamped(p, 0, len + page, backing_name[b]);
	cr_assert(vmas_in(p, len + page) == 2, "%s: the failed mremap changed the mappings"
		  "\n%s", backing_name[b], ms_maps_near(p, len + page));
	xmunmap(p, len + page);
	close_if_file(fd);
}

/* ---- g7 ---- */

/* Assert that MREMAP_FIXED without MREMAP_MAYMOVE fails with EINVAL. */
CONFORM(mremap, fixed_without_maymove_fails_einval, "g7", LINUX)
{
	size_t len = 4 * ms_page();
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	unsigned char *target = free_range(len);
	ms_assert_errno(mremap(p, len, len, MREMAP_FIXED, target), EINVAL);
	cr_assert(!ms_probe_read(p, NULL), "the failed mremap unmapped the source\n%s",
		  ms_maps_near(p, len));
	xmunmap(p, len);
}

/* Assert that MREMAP_FIXED to an address that is not page aligned fails with EINVAL. */
#define FIXED_UNALIGNED_ROWS(ROW)                                                           \
	ROW(plus_1, mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, target + 1), EINVAL, \
	    "mremap(2) EINVAL: new_address not page aligned (MREMAP_FIXED)")                \
	ROW(plus_half_page, mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,              \
		   target + ms_page() / 2), EINVAL,                                         \
	    "mremap(2) EINVAL: new_address not page aligned (MREMAP_FIXED)")
#define FIXED_UNALIGNED_ROW(row, call, expected, clause)                                    \
	CONFORM(mremap, fixed_unaligned_target_fails_einval_##row, "g7", LINUX)             \
	{                                                                                   \
		size_t len = 4 * ms_page();                                                 \
		unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE,                 \
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);               \
		unsigned char *target = free_range(2 * len);                                \
		ms_assert_errno_row(call, expected, clause);                                \
		xmunmap(p, len);                                                            \
	}
FIXED_UNALIGNED_ROWS(FIXED_UNALIGNED_ROW)

/* Assert that MREMAP_FIXED to a range overlapping the source fails with EINVAL and keeps
 * the source. */
#define FIXED_OVERLAP_ROWS(ROW)                                                             \
	ROW(target_above_source, mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p + page), \
		   EINVAL,                                                                  \
	    "mremap(2) EINVAL: the new range overlaps the old (MREMAP_FIXED)")              \
	ROW(target_below_source, mremap(p + len, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,   \
		   p + len - page), EINVAL,                                                 \
	    "mremap(2) EINVAL: the new range overlaps the old (MREMAP_FIXED)")              \
	ROW(growing_over_source_end, mremap(p, len, 2 * len, MREMAP_MAYMOVE | MREMAP_FIXED, \
		   p + len - page), EINVAL,                                                 \
	    "mremap(2) EINVAL: the new, larger range overlaps the old one's last page")
#define FIXED_OVERLAP_ROW(row, call, expected, clause)                                      \
	CONFORM(mremap, fixed_overlapping_target_fails_einval_##row, "g7", LINUX)           \
	{                                                                                   \
		size_t page = ms_page(), len = 4 * page;                                    \
		/* Every target lies inside this reservation, so even a move the kernel     \
		 * wrongly accepted would replace only memory of this test. */              \
		unsigned char *p = xmmap(NULL, 3 * len, PROT_READ | PROT_WRITE,             \
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);               \
		fill_stamped(p, len);                                                       \
		ms_assert_errno_row(call, expected, clause);                                \
		assert_stamped(p, 0, len, "source of the refused move");                    \
		xmunmap(p, 3 * len);                                                        \
	}
FIXED_OVERLAP_ROWS(FIXED_OVERLAP_ROW)

/* Assert that MREMAP_FIXED moves the data to the target, replaces what was mapped there
 * (only in the moved range) and unmaps the source. */
CONFORM_PER_BACKING(mremap, fixed_replaces_target_and_unmaps_source, "g7", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int fd;
	unsigned char *p = map_backing(b, len, len, &fd);
	fill_stamped(p, len);
	unsigned char *target = xmmap(NULL, 2 * len, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(target, 0xbb, 2 * len);
	unsigned char *q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	cr_assert(q == target, "%s: MREMAP_FIXED to %p returned %p (%s)", backing_name[b],
		  (void *)target, (void *)q, ms_errname(errno));
	assert_stamped(q, 0, len, backing_name[b]);
	for (size_t i = len; i < 2 * len; i++)
		cr_assert(target[i] == 0xbb, "%s: byte %zu of the target beyond the moved "
			  "range changed to 0x%02x", backing_name[b], i, target[i]);
	assert_unmapped(p + 5, backing_name[b]);
	xmunmap(target, 2 * len);
	close_if_file(fd);
}

/* ---- g8 ---- */

/* Assert that MREMAP_DONTUNMAP moves private anonymous pages and leaves the old range mapped
 * but empty: it reads zero. LINUX, 5.7+. */
CONFORM(mremap, dontunmap_anonymous_old_range_reads_zero, "g8", LINUX)
{
	ms_require_kernel(5, 7, "MREMAP_DONTUNMAP");
	size_t len = 4 * ms_page();
	int fd;
	unsigned char *p = map_backing(ANON_PRIVATE, len, 0, &fd);
	fill_stamped(p, len);
	unsigned char *q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	ms_assert_mapped(q);
	cr_assert(q != p, "MREMAP_DONTUNMAP returned the old address %p", (void *)p);
	assert_stamped(q, 0, len, "moved by MREMAP_DONTUNMAP");
	for (size_t i = 0; i < len; i += ms_page()) {
		struct ms_fault f;
		cr_assert(!ms_probe_read(p + i, &f), "the old range was unmapped: %s at %p\n%s",
			  ms_signame(f.signo), f.addr, ms_maps_near(p, len));
	}
	for (size_t i = 0; i < len; i++)
		cr_assert(p[i] == 0, "old byte %zu reads 0x%02x after the move, not 0", i, p[i]);
	xmunmap(p, len);
	xmunmap(q, len);
}

/* Assert that MREMAP_DONTUNMAP of a shared mapping (shmem or file) keeps the old range mapped
 * to the same object: it refaults the same data and stores show through both. LINUX,
 * 5.13+ (anonymous only before). */
CONFORM_SHARED_BACKINGS(mremap, dontunmap_shared_old_range_maps_same_object, "g8", LINUX)
{
	ms_require_kernel(5, 13, "MREMAP_DONTUNMAP on shared mappings");
	size_t len = 4 * ms_page();
	int fd;
	unsigned char *p = map_backing(b, len, len, &fd);
	fill_stamped(p, len);
	unsigned char *q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	cr_assert(q != MAP_FAILED && q != p, "%s: MREMAP_DONTUNMAP gave %p (%s)",
		  backing_name[b], (void *)q, ms_errname(errno));
	assert_stamped(q, 0, len, backing_name[b]);
	assert_stamped(p, 0, len, "old range of a shared DONTUNMAP");
	p[len - 1] = 0x11;
	cr_assert(q[len - 1] == 0x11, "%s: a store through the old range is not seen in "
		  "the new one", backing_name[b]);
	xmunmap(p, len);
	xmunmap(q, len);
	close_if_file(fd);
}

/* Assert that MREMAP_DONTUNMAP without MREMAP_MAYMOVE, or with a different new size, fails
 * with EINVAL. LINUX, 5.7+. */
#define DONTUNMAP_BAD_ROWS(ROW)                                                             \
	ROW(without_maymove, mremap(p, len, len, MREMAP_DONTUNMAP, NULL), EINVAL,           \
	    "mremap(2) EINVAL: MREMAP_DONTUNMAP without MREMAP_MAYMOVE")                    \
	ROW(growing, mremap(p, len, 2 * len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL), EINVAL, \
	    "mremap(2) EINVAL: MREMAP_DONTUNMAP with old_size != new_size")                 \
	ROW(shrinking, mremap(p, len, len / 2, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL), EINVAL, \
	    "mremap(2) EINVAL: MREMAP_DONTUNMAP with old_size != new_size")
#define DONTUNMAP_BAD_ROW(row, call, expected, clause)                                      \
	CONFORM(mremap, dontunmap_bad_arguments_fail_einval_##row, "g8", LINUX)             \
	{                                                                                   \
		ms_require_kernel(5, 7, "MREMAP_DONTUNMAP");                                \
		size_t len = 4 * ms_page();                                                 \
		unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE,                 \
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);               \
		ms_assert_errno_row(call, expected, clause);                                \
		xmunmap(p, len);                                                            \
	}
DONTUNMAP_BAD_ROWS(DONTUNMAP_BAD_ROW)

/* ---- g9 ---- */

/* Maps file pages [0, n) at r and [second_pgoff, second_pgoff + n) at r + 2n, then grows the
 * first in place to 2n pages. Returns r. */
static unsigned char *expand_towards_neighbour(int fd, size_t n, size_t second_pgoff)
{
	size_t page = ms_page();
	unsigned char *r = reserve_guarded(3 * n * page);
	xmmap(r, n * page, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	xmunmap(r + n * page, n * page);
	xmmap(r + 2 * n * page, n * page, PROT_READ, MAP_SHARED | MAP_FIXED, fd,
	      (off_t)(second_pgoff * page));
	unsigned char *q = mremap(r, n * page, 2 * n * page, 0);
	cr_assert(q == r, "growing in place into the free gap gave %p, not %p (%s)\n%s",
		  (void *)q, (void *)r, ms_errname(errno), ms_maps_near(r, 3 * n * page));
	return r;
}

/* Assert that growing a file mapping in place up to a neighbour mapping the next file pages
 * merges the two into one entry with file offset 0, and every page maps its own file page. */
CONFORM(mremap, expand_merges_with_file_neighbour, "g9", LINUX)
{
	size_t page = ms_page(), n = 4;
	int fd = ms_file(3 * n * page, NULL);
	unsigned char *r = expand_towards_neighbour(fd, n, 2 * n);
	unsigned long start, end;
	unsigned long long offset;
	cr_assert(vma_of(r, &start, &end, &offset), "no maps entry at %p", (void *)r);
	cr_assert(start == (unsigned long)r && end == (unsigned long)(r + 3 * n * page) &&
		  offset == 0, "grown mapping and its neighbour did not merge into one entry at "
		  "offset 0 (%s)\n%s", ms_fs_name(), ms_maps_near(r, 3 * n * page));
	for (size_t i = 0; i < 3 * n * page; i += 61)
		cr_assert(r[i] == ms_pattern(i), "byte %zu of the merged mapping reads 0x%02x, "
			  "file offset %zu holds 0x%02x", i, r[i], i, ms_pattern(i));
	release_guarded(r, 3 * n * page);
	xclose(fd);
}

/* Assert that a grown file mapping whose neighbour maps non-adjacent file pages stays a
 * separate entry, and both keep their own file offsets. */
CONFORM(mremap, expand_next_to_unrelated_offset_keeps_pgoff, "g9", LINUX)
{
	size_t page = ms_page(), n = 4, second = 2 * n + 1;
	int fd = ms_file((second + n) * page, NULL);
	unsigned char *r = expand_towards_neighbour(fd, n, second);
	cr_assert(vmas_in(r, 3 * n * page) == 2, "mappings of non-adjacent file pages merged\n%s",
		  ms_maps_near(r, 3 * n * page));
	for (size_t i = 0; i < 2 * n * page; i += 61)
		cr_assert(r[i] == ms_pattern(i), "byte %zu of the grown mapping reads 0x%02x, file "
			  "holds 0x%02x", i, r[i], ms_pattern(i));
	for (size_t i = 0; i < n * page; i += 61) {
		size_t off = second * page + i;
		cr_assert(r[2 * n * page + i] == ms_pattern(off), "byte %zu of the neighbour reads "
			  "0x%02x, file offset %zu holds 0x%02x", i, r[2 * n * page + i], off,
			  ms_pattern(off));
	}
	release_guarded(r, 3 * n * page);
	xclose(fd);
}

/* Assert that growing a private anonymous mapping up to a compatible anonymous neighbour
 * merges them into one entry, data intact. */
CONFORM(mremap, expand_merges_with_anonymous_neighbour, "g9 a7", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	unsigned char *r = reserve_guarded(3 * len);
	xmmap(r, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	xmunmap(r + len, len);
	xmmap(r + 2 * len, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	      -1, 0);
	fill_stamped(r, len);
	unsigned char *q = mremap(r, len, 2 * len, 0);
	cr_assert(q == r, "grow in place gave %p, not %p (%s)", (void *)q, (void *)r,
		  ms_errname(errno));
	cr_assert(vmas_in(r, 3 * len) == 1, "grown anonymous mapping did not merge with its "
		  "neighbour\n%s", ms_maps_near(r, 3 * len));
	assert_stamped(r, 0, len, "merged anonymous mapping");
	release_guarded(r, 3 * len);
}

/* ---- g10 ---- */

/* Assert that shrinking a mapping keeps it in place and releases the tail: a read beyond the
 * new size raises SIGSEGV SEGV_MAPERR at the exact address; the head keeps its data. */
CONFORM_PER_BACKING(mremap, shrink_releases_tail, "g10", LINUX)
{
	size_t page = ms_page(), len = 8 * page;
	int fd;
	unsigned char *p = map_backing(b, len, len, &fd);
	fill_stamped(p, len);
	unsigned char *q = mremap(p, len, len / 2, MREMAP_MAYMOVE);
	cr_assert(q == p, "%s: shrinking moved the mapping from %p to %p (%s)",
		  backing_name[b], (void *)p, (void *)q, ms_errname(errno));
	assert_stamped(p, 0, len / 2, backing_name[b]);
	assert_unmapped(p + len / 2, backing_name[b]);
	assert_unmapped(p + len - 1, backing_name[b]);
	if (b == FILE_SHARED) {
		unsigned char got;
		xpread(fd, &got, 1, (off_t)(len - 1));
		cr_assert(got == stamp(len - 1), "the file lost a store made before the "
			  "shrink: 0x%02x at %zu (%s)", got, len - 1, ms_fs_name());
	}
	xmunmap(p, len / 2);
	close_if_file(fd);
}

/* ---- g11 ---- */

/* Assert that mremap(old_size = 0) of a shared mapping (shmem or file) creates a second
 * mapping of the same pages: stores through either are seen through the other. LINUX. */
CONFORM_SHARED_BACKINGS(mremap, zero_old_size_shared_creates_alias, "g11", LINUX)
{
	size_t len = 4 * ms_page();
	int fd;
	unsigned char *p = map_backing(b, len, len, &fd);
	fill_stamped(p, len);
	unsigned char *q = mremap(p, 0, len, MREMAP_MAYMOVE);
	cr_assert(q != MAP_FAILED && q != p, "%s: mremap(old_size 0) gave %p (%s)",
		  backing_name[b], (void *)q, ms_errname(errno));
	assert_stamped(q, 0, len, "alias");
	assert_stamped(p, 0, len, "original after aliasing");
	q[10] = 0x42;
	p[len - 10] = 0x24;
	cr_assert(p[10] == 0x42 && q[len - 10] == 0x24, "%s: the alias at %p and the "
		  "original at %p do not share pages", backing_name[b], (void *)q,
		  (void *)p);
	xmunmap(p, len);
	xmunmap(q, len);
	close_if_file(fd);
}

/* Assert that mremap(old_size = 0) of a private mapping fails with EINVAL: there are no
 * shared pages to alias. LINUX. */
CONFORM_PRIVATE_BACKINGS(mremap, zero_old_size_private_fails_einval, "g11", LINUX)
{
	size_t len = 4 * ms_page();
	int fd;
	unsigned char *p = map_backing(b, len, len, &fd);
	ms_assert_errno(mremap(p, 0, len, MREMAP_MAYMOVE), EINVAL);
	xmunmap(p, len);
	close_if_file(fd);
}
