/* (g) mremap growing, moving, shrinking and aliasing anonymous, shared anonymous and file
 * mappings of the file system under test (munmap: munmap.c). */
#include "arg_classes.h"

#include <fcntl.h>
#include <linux/mman.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* len bytes of backing b (stamped) followed by one more stamped page of it made read-only,
 * so that it is an entry of its own which blocks growing the first part in place. */
static unsigned char *map_blocked(enum ms_backing b, size_t len, int *fd)
{
	size_t page = ms_page();
	unsigned char *p = ms_map_backing(b, len + page, 2 * len, PROT_READ | PROT_WRITE, fd);
	ms_fill_stamped(p, len + page);
	xmprotect(p + len, page, PROT_READ);
	return p;
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
	ms_fill_stamped(p, len);
	unsigned char *q = mremap(p, len, 2 * len, 0);
	cr_assert(q == p, "mremap grow with free space behind: expected %p, got %p (%s)\n%s",
		  (void *)p, (void *)q, ms_errname(errno), ms_maps_near(p, 2 * len));
	ms_assert_stamped(q, 0, len, "grown in place");
	ms_assert_zero(q, len, 2 * len, "grown part");
	xmunmap(q, 2 * len);
}

/* Assert that MREMAP_MAYMOVE moves a mapping that cannot grow in place, for every backing:
 * the data comes along, the old range is unmapped and the blocking mapping is untouched. */
CONFORM_PER_BACKING(MS_BACKINGS_ALL, mremap, maymove_blocked_moves_with_data, "g5", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int fd;
	unsigned char *p = map_blocked(b, len, &fd);
	/* A shared anonymous object keeps its size: only the old part is checked. */
	size_t grown = 2 * len;
	unsigned char *q = mremap(p, len, grown, MREMAP_MAYMOVE);
	cr_assert(q != MAP_FAILED, "%s: mremap MAYMOVE: %s", ms_backing_name[b],
		  ms_errname(errno));
	cr_assert(q != p, "%s: grew in place over the blocking mapping\n%s", ms_backing_name[b],
		  ms_maps_near(p, 2 * len));
	ms_assert_stamped(q, 0, len, ms_backing_name[b]);
	ms_assert_unmapped(p, ms_backing_name[b]);
	ms_assert_stamped(p, len, len + page, "blocking mapping");
	xmunmap(q, grown);
	xmunmap(p + len, page);
	ms_close_if_open(fd);
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
CONFORM_PER_BACKING(MS_BACKINGS_FILE, mremap, grow_past_eof_raises_sigbus, "g5", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int fd;
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, &fd);
	unsigned char *q = mremap(p, len, len + 2 * page, MREMAP_MAYMOVE);
	cr_assert(q != MAP_FAILED, "%s: mremap grow: %s", ms_backing_name[b],
		  ms_errname(errno));
	for (size_t i = 0; i < len; i += 97)
		cr_assert(q[i] == ms_pattern(i), "%s: byte %zu reads 0x%02x, file 0x%02x",
			  ms_backing_name[b], i, q[i], ms_pattern(i));
	ms_assert_bus_error(q + len + 33, ms_backing_name[b]);
	ms_assert_bus_error(q + len + page, ms_backing_name[b]);
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
	unsigned char *p = ms_map_backing(MS_ANON_SHARED, len, 0, PROT_READ | PROT_WRITE, &fd);
	ms_fill_stamped(p, len);
	unsigned char *q = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
	ms_assert_mapped(q);
	ms_assert_stamped(q, 0, len, ms_backing_name[MS_ANON_SHARED]);
	ms_assert_bus_error(q + len + 1, "grown part of a shared anonymous mapping");
	xmunmap(q, 2 * len);
}

/* ---- g6 ---- */

/* Assert that growing without MREMAP_MAYMOVE when the next page is taken fails with ENOMEM
 * and changes nothing. */
CONFORM_PER_BACKING(MS_BACKINGS_ALL, mremap, grow_blocked_without_maymove_fails_enomem, "g6", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int fd;
	unsigned char *p = map_blocked(b, len, &fd);
	errno = 0;
	void *q = mremap(p, len, 2 * len, 0);
	int e = errno;
	cr_assert(q == MAP_FAILED && e == ENOMEM, "%s: grow over a mapping without MAYMOVE:"
		  " expected ENOMEM, got %p with %s\n%s", ms_backing_name[b], q, ms_errname(e),
		  ms_maps_near(p, 2 * len));
	ms_assert_stamped(p, 0, len + page, ms_backing_name[b]);
	cr_assert(ms_vmas_in(p, len + page) == 2, "%s: the failed mremap changed the mappings"
		  "\n%s", ms_backing_name[b], ms_maps_near(p, len + page));
	xmunmap(p, len + page);
	ms_close_if_open(fd);
}

/* ---- g7 ---- */

/* Assert that MREMAP_FIXED without MREMAP_MAYMOVE fails with EINVAL. */
CONFORM(mremap, fixed_without_maymove_fails_einval, "g7", LINUX)
{
	size_t len = 4 * ms_page();
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	unsigned char *target = ms_unmapped_range(len);
	ms_assert_errno(mremap(p, len, len, MREMAP_FIXED, target), EINVAL);
	cr_assert(!ms_probe_read(p, NULL), "the failed mremap unmapped the source\n%s",
		  ms_maps_near(p, len));
	xmunmap(p, len);
}

/* Assert that MREMAP_FIXED to an address that is not page aligned fails with EINVAL. */
#define FIXED_UNALIGNED_ROWS(ROW, t)                                                        \
	ROW(t, plus_1, mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, target + 1),      \
		 EINVAL,                                                                    \
	    "mremap(2) EINVAL: new_address not page aligned (MREMAP_FIXED)")                \
	ROW(t, plus_half_page, mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,           \
		   target + ms_page() / 2), EINVAL,                                         \
	    "mremap(2) EINVAL: new_address not page aligned (MREMAP_FIXED)")
#define FIXED_UNALIGNED_SETUP(row)                                                          \
	size_t len = 4 * ms_page();                                                         \
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE,                         \
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);                       \
	unsigned char *target = ms_unmapped_range(2 * len);
#define FIXED_UNALIGNED_TEARDOWN(row)                                                       \
	xmunmap(p, len);
CONFORM_ERRNO_ROWS(FIXED_UNALIGNED_ROWS, mremap, fixed_unaligned_target_fails_einval, "g7", LINUX,
		   FIXED_UNALIGNED_SETUP, FIXED_UNALIGNED_TEARDOWN)

/* Assert that MREMAP_FIXED to a range overlapping the source fails with EINVAL and keeps
 * the source. */
#define FIXED_OVERLAP_ROWS(ROW, t)                                                          \
	ROW(t, target_above_source, mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,      \
		 p + page),                                                                 \
		   EINVAL,                                                                  \
	    "mremap(2) EINVAL: the new range overlaps the old (MREMAP_FIXED)")              \
	ROW(t, target_below_source, mremap(p + len, len, len,                               \
		 MREMAP_MAYMOVE | MREMAP_FIXED,                                             \
		   p + len - page), EINVAL,                                                 \
	    "mremap(2) EINVAL: the new range overlaps the old (MREMAP_FIXED)")              \
	ROW(t, growing_over_source_end, mremap(p, len, 2 * len,                             \
		 MREMAP_MAYMOVE | MREMAP_FIXED,                                             \
		   p + len - page), EINVAL,                                                 \
	    "mremap(2) EINVAL: the new, larger range overlaps the old one's last page")
#define FIXED_OVERLAP_SETUP(row)                                                            \
	size_t page = ms_page(), len = 4 * page;                                            \
	/* Every target lies inside this reservation, so even a move the kernel             \
	 * wrongly accepted would replace only memory of this test. */                      \
	unsigned char *p = xmmap(NULL, 3 * len, PROT_READ | PROT_WRITE,                     \
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);                       \
	ms_fill_stamped(p, len);
#define FIXED_OVERLAP_TEARDOWN(row)                                                         \
	ms_assert_stamped(p, 0, len, "source of the refused move");                            \
	xmunmap(p, 3 * len);
CONFORM_ERRNO_ROWS(FIXED_OVERLAP_ROWS, mremap, fixed_overlapping_target_fails_einval, "g7", LINUX,
		   FIXED_OVERLAP_SETUP, FIXED_OVERLAP_TEARDOWN)

/* Assert that MREMAP_FIXED moves the data to the target, replaces what was mapped there
 * (only in the moved range) and unmaps the source. */
CONFORM_PER_BACKING(MS_BACKINGS_ALL, mremap, fixed_replaces_target_and_unmaps_source, "g7", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int fd;
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, &fd);
	ms_fill_stamped(p, len);
	unsigned char *target = xmmap(NULL, 2 * len, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(target, 0xbb, 2 * len);
	unsigned char *q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, target);
	cr_assert(q == target, "%s: MREMAP_FIXED to %p returned %p (%s)", ms_backing_name[b],
		  (void *)target, (void *)q, ms_errname(errno));
	ms_assert_stamped(q, 0, len, ms_backing_name[b]);
	for (size_t i = len; i < 2 * len; i++)
		cr_assert(target[i] == 0xbb, "%s: byte %zu of the target beyond the moved "
			  "range changed to 0x%02x", ms_backing_name[b], i, target[i]);
	ms_assert_unmapped(p + 5, ms_backing_name[b]);
	xmunmap(target, 2 * len);
	ms_close_if_open(fd);
}

/* ---- g8 ---- */

/* Assert that MREMAP_DONTUNMAP moves private anonymous pages and leaves the old range mapped
 * but empty: it reads zero. LINUX, 5.7+. */
CONFORM(mremap, dontunmap_anonymous_old_range_reads_zero, "g8", LINUX)
{
	ms_require_kernel(5, 7, "MREMAP_DONTUNMAP");
	size_t len = 4 * ms_page();
	int fd;
	unsigned char *p = ms_map_backing(MS_ANON_PRIVATE, len, 0, PROT_READ | PROT_WRITE, &fd);
	ms_fill_stamped(p, len);
	unsigned char *q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	ms_assert_mapped(q);
	cr_assert(q != p, "MREMAP_DONTUNMAP returned the old address %p", (void *)p);
	ms_assert_stamped(q, 0, len, "moved by MREMAP_DONTUNMAP");
	for (size_t i = 0; i < len; i += ms_page()) {
		struct ms_fault f;
		cr_assert(!ms_probe_read(p + i, &f), "the old range was unmapped: %s at %p\n%s",
			  ms_signame(f.signo), f.addr, ms_maps_near(p, len));
	}
	ms_assert_zero(p, 0, len, "old range after the move");
	xmunmap(p, len);
	xmunmap(q, len);
}

/* Assert that MREMAP_DONTUNMAP of a shared mapping (shmem or file) keeps the old range mapped
 * to the same object: it refaults the same data and stores show through both. LINUX,
 * 5.13+ (anonymous only before). */
CONFORM_PER_BACKING(MS_BACKINGS_SHARED,
                    mremap, dontunmap_shared_old_range_maps_same_object, "g8", LINUX)
{
	ms_require_kernel(5, 13, "MREMAP_DONTUNMAP on shared mappings");
	size_t len = 4 * ms_page();
	int fd;
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, &fd);
	ms_fill_stamped(p, len);
	unsigned char *q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	cr_assert(q != MAP_FAILED && q != p, "%s: MREMAP_DONTUNMAP gave %p (%s)",
		  ms_backing_name[b], (void *)q, ms_errname(errno));
	ms_assert_stamped(q, 0, len, ms_backing_name[b]);
	ms_assert_stamped(p, 0, len, "old range of a shared DONTUNMAP");
	p[len - 1] = 0x11;
	cr_assert(q[len - 1] == 0x11, "%s: a store through the old range is not seen in "
		  "the new one", ms_backing_name[b]);
	xmunmap(p, len);
	xmunmap(q, len);
	ms_close_if_open(fd);
}

/* Assert that MREMAP_DONTUNMAP without MREMAP_MAYMOVE, or with a different new size, fails
 * with EINVAL. LINUX, 5.7+. */
#define DONTUNMAP_BAD_ROWS(ROW, t)                                                          \
	ROW(t, without_maymove, mremap(p, len, len, MREMAP_DONTUNMAP, NULL), EINVAL,        \
	    "mremap(2) EINVAL: MREMAP_DONTUNMAP without MREMAP_MAYMOVE")                    \
	ROW(t, growing, mremap(p, len, 2 * len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL),   \
		 EINVAL,                                                                    \
	    "mremap(2) EINVAL: MREMAP_DONTUNMAP with old_size != new_size")                 \
	ROW(t, shrinking, mremap(p, len, len / 2, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL), \
		 EINVAL,                                                                    \
	    "mremap(2) EINVAL: MREMAP_DONTUNMAP with old_size != new_size")
#define DONTUNMAP_BAD_SETUP(row)                                                            \
	ms_require_kernel(5, 7, "MREMAP_DONTUNMAP");                                        \
	size_t len = 4 * ms_page();                                                         \
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE,                         \
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#define DONTUNMAP_BAD_TEARDOWN(row)                                                         \
	xmunmap(p, len);
CONFORM_ERRNO_ROWS(DONTUNMAP_BAD_ROWS, mremap, dontunmap_bad_arguments_fail_einval, "g8", LINUX,
		   DONTUNMAP_BAD_SETUP, DONTUNMAP_BAD_TEARDOWN)

/* ---- g9 ---- */

/* Maps file pages [0, n) at r and [second_pgoff, second_pgoff + n) at r + 2n, then grows the
 * first in place to 2n pages. Returns r. */
static unsigned char *expand_towards_neighbour(int fd, size_t n, size_t second_pgoff)
{
	size_t page = ms_page();
	unsigned char *r = ms_fenced_range(3 * n * page);
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
	struct ms_vma vma;
	cr_assert(ms_vma_at(r, &vma, NULL, 0), "no maps entry at %p", (void *)r);
	cr_assert(vma.start == (unsigned long)r && vma.end == (unsigned long)(r + 3 * n * page) &&
		  vma.offset == 0, "grown mapping and its neighbour did not merge into one entry "
		  "at offset 0 (%s)\n%s", ms_fs_name(), ms_maps_near(r, 3 * n * page));
	for (size_t i = 0; i < 3 * n * page; i += 61)
		cr_assert(r[i] == ms_pattern(i), "byte %zu of the merged mapping reads 0x%02x, "
			  "file offset %zu holds 0x%02x", i, r[i], i, ms_pattern(i));
	ms_fenced_release(r, 3 * n * page);
	xclose(fd);
}

/* Assert that a grown file mapping whose neighbour maps non-adjacent file pages stays a
 * separate entry, and both keep their own file offsets. */
CONFORM(mremap, expand_next_to_unrelated_offset_keeps_pgoff, "g9", LINUX)
{
	size_t page = ms_page(), n = 4, second = 2 * n + 1;
	int fd = ms_file((second + n) * page, NULL);
	unsigned char *r = expand_towards_neighbour(fd, n, second);
	cr_assert(ms_vmas_in(r, 3 * n * page) == 2,
		  "mappings of non-adjacent file pages merged\n%s", ms_maps_near(r, 3 * n * page));
	for (size_t i = 0; i < 2 * n * page; i += 61)
		cr_assert(r[i] == ms_pattern(i), "byte %zu of the grown mapping reads 0x%02x, file "
			  "holds 0x%02x", i, r[i], ms_pattern(i));
	for (size_t i = 0; i < n * page; i += 61) {
		size_t off = second * page + i;
		cr_assert(r[2 * n * page + i] == ms_pattern(off), "byte %zu of the neighbour reads "
			  "0x%02x, file offset %zu holds 0x%02x", i, r[2 * n * page + i], off,
			  ms_pattern(off));
	}
	ms_fenced_release(r, 3 * n * page);
	xclose(fd);
}

/* Assert that growing a private anonymous mapping up to a compatible anonymous neighbour
 * merges them into one entry, data intact. */
CONFORM(mremap, expand_merges_with_anonymous_neighbour, "g9 a7", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	unsigned char *r = ms_fenced_range(3 * len);
	xmmap(r, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	xmunmap(r + len, len);
	xmmap(r + 2 * len, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	      -1, 0);
	ms_fill_stamped(r, len);
	unsigned char *q = mremap(r, len, 2 * len, 0);
	cr_assert(q == r, "grow in place gave %p, not %p (%s)", (void *)q, (void *)r,
		  ms_errname(errno));
	cr_assert(ms_vmas_in(r, 3 * len) == 1, "grown anonymous mapping did not merge with its "
		  "neighbour\n%s", ms_maps_near(r, 3 * len));
	ms_assert_stamped(r, 0, len, "merged anonymous mapping");
	ms_fenced_release(r, 3 * len);
}

/* ---- g10 ---- */

/* Assert that shrinking a mapping keeps it in place and releases the tail: a read beyond the
 * new size raises SIGSEGV SEGV_MAPERR at the exact address; the head keeps its data. */
CONFORM_PER_BACKING(MS_BACKINGS_ALL, mremap, shrink_releases_tail, "g10", LINUX)
{
	size_t page = ms_page(), len = 8 * page;
	int fd;
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, &fd);
	ms_fill_stamped(p, len);
	unsigned char *q = mremap(p, len, len / 2, MREMAP_MAYMOVE);
	cr_assert(q == p, "%s: shrinking moved the mapping from %p to %p (%s)",
		  ms_backing_name[b], (void *)p, (void *)q, ms_errname(errno));
	ms_assert_stamped(p, 0, len / 2, ms_backing_name[b]);
	ms_assert_unmapped(p + len / 2, ms_backing_name[b]);
	ms_assert_unmapped(p + len - 1, ms_backing_name[b]);
	if (b == MS_FILE_SHARED) {
		unsigned char got;
		xpread(fd, &got, 1, (off_t)(len - 1));
		cr_assert(got == ms_stamp(len - 1), "the file lost a store made before the "
			  "shrink: 0x%02x at %zu (%s)", got, len - 1, ms_fs_name());
	}
	xmunmap(p, len / 2);
	ms_close_if_open(fd);
}

/* ---- g11 ---- */

/* Assert that mremap(old_size = 0) of a shared mapping (shmem or file) creates a second
 * mapping of the same pages: stores through either are seen through the other. LINUX. */
CONFORM_PER_BACKING(MS_BACKINGS_SHARED, mremap, zero_old_size_shared_creates_alias, "g11", LINUX)
{
	size_t len = 4 * ms_page();
	int fd;
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, &fd);
	ms_fill_stamped(p, len);
	unsigned char *q = mremap(p, 0, len, MREMAP_MAYMOVE);
	cr_assert(q != MAP_FAILED && q != p, "%s: mremap(old_size 0) gave %p (%s)",
		  ms_backing_name[b], (void *)q, ms_errname(errno));
	ms_assert_stamped(q, 0, len, "alias");
	ms_assert_stamped(p, 0, len, "original after aliasing");
	q[10] = 0x42;
	p[len - 10] = 0x24;
	cr_assert(p[10] == 0x42 && q[len - 10] == 0x24, "%s: the alias at %p and the "
		  "original at %p do not share pages", ms_backing_name[b], (void *)q,
		  (void *)p);
	xmunmap(p, len);
	xmunmap(q, len);
	ms_close_if_open(fd);
}

/* Assert that mremap(old_size = 0) of a private mapping fails with EINVAL: there are no
 * shared pages to alias. LINUX. */
CONFORM_PER_BACKING(MS_BACKINGS_PRIVATE, mremap, zero_old_size_private_fails_einval, "g11", LINUX)
{
	size_t len = 4 * ms_page();
	int fd;
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, &fd);
	ms_assert_errno(mremap(p, 0, len, MREMAP_MAYMOVE), EINVAL);
	xmunmap(p, len);
	ms_close_if_open(fd);
}

/* ---- mremap_classes: argument classes (h12) ---- */

/* Assert mremap(2)'s classes for the old range, resized to its own size without flags:
 * EINVAL for an unaligned address, for old_size 0 without MREMAP_MAYMOVE and for a size
 * that wraps; EFAULT when part or all of the old range is unmapped. */
RANGE_TABLE(mremap_classes, linux_range_table, "h12", LINUX, ms_range_mremap,
	    0, EINVAL, 0, EINVAL, EINVAL, EFAULT, EFAULT)

/* Assert mremap's flags: every bit other than MAYMOVE, FIXED and DONTUNMAP fails EINVAL, and
 * FIXED or DONTUNMAP without MAYMOVE fails EINVAL. */
CONFORM(mremap_classes, flags_table, "h12 g7 g8", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	char msg[2048] = "";
	int known = MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP;
	for (int bit = ms_next_bit_not_in(known, 0); bit; bit = ms_next_bit_not_in(known, bit)) {
		errno = 0;
		void *r = mremap(p, pg, pg, MREMAP_MAYMOVE | bit);
		if (r != MAP_FAILED || errno != EINVAL)
			ms_append(msg, "MAYMOVE|%#x: %s, expected EINVAL", bit,
			          r == MAP_FAILED ? ms_errname(errno) : "remapped");
		if (r != MAP_FAILED)
			p = r;
	}
	errno = 0;
	if (mremap(p, pg, pg, MREMAP_FIXED, p + 16 * pg) != MAP_FAILED || errno != EINVAL)
		ms_append(msg, "FIXED without MAYMOVE: %s, expected EINVAL", ms_errname(errno));
	errno = 0;
	if (mremap(p, pg, pg, MREMAP_DONTUNMAP) != MAP_FAILED || errno != EINVAL)
		ms_append(msg, "DONTUNMAP without MAYMOVE: %s, expected EINVAL", ms_errname(errno));
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert that mremap gives EINVAL for an unaligned old_address, new_size 0, an unknown flag,
 * MREMAP_FIXED without MREMAP_MAYMOVE, MREMAP_DONTUNMAP with a size change, and a new range
 * overlapping the old, and that the mapping is untouched afterwards. LINUX (mremap is
 * Linux-only). */
#define MREMAP_EINVAL_ROWS(ROW, t)                                                          \
	ROW(t, unaligned_old_address, mremap(p + 1, pg, 2 * pg, MREMAP_MAYMOVE), EINVAL,    \
	    "mremap(2) EINVAL: old_address not page aligned")                               \
	ROW(t, new_size_zero, mremap(p, pg, 0, MREMAP_MAYMOVE), EINVAL,                     \
	    "mremap(2) EINVAL: new_size was zero")                                          \
	ROW(t, unknown_flag, mremap(p, pg, 2 * pg, MREMAP_MAYMOVE | (1 << 30)), EINVAL,     \
	    "mremap(2) EINVAL: an invalid flag was specified in flags")                     \
	ROW(t, fixed_without_maymove, mremap(p, pg, pg, MREMAP_FIXED, dst), EINVAL,         \
	    "mremap(2) EINVAL: MREMAP_FIXED without MREMAP_MAYMOVE")                        \
	ROW(t, dontunmap_size_change,                                                       \
	    mremap(p, pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_DONTUNMAP), EINVAL,               \
	    "mremap(2) EINVAL: MREMAP_DONTUNMAP with old_size != new_size")                 \
	ROW(t, fixed_overlapping_old,                                                       \
	    mremap(p, 2 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, p + pg), EINVAL,       \
	    "mremap(2) EINVAL: the new and old ranges overlap")
#define MREMAP_EINVAL_SETUP(row)                                                            \
	size_t pg = ms_page();                                                              \
	unsigned char *p = xmap_anon(2 * pg, MAP_PRIVATE);                        \
	unsigned char *dst = ms_unmapped_range(4 * pg);                                     \
	(void)dst;                                                                          \
	p[0] = 0x12;
#define MREMAP_EINVAL_TEARDOWN(row)                                                         \
	cr_assert(p[0] == 0x12, "a refused mremap changed the mapping\n%s",                 \
		  ms_maps_near(p, 2 * pg));                                                 \
	xmunmap(p, 2 * pg);
CONFORM_ERRNO_ROWS(MREMAP_EINVAL_ROWS, mremap_classes, bad_address_size_flags_einval, "h12", LINUX,
		   MREMAP_EINVAL_SETUP, MREMAP_EINVAL_TEARDOWN)

/* Assert that mremap of an unmapped old range, or of one extending past its mapping, gives
 * EFAULT. LINUX (mremap(2): "EFAULT: some address in the range ... is invalid"). */
#define MREMAP_EFAULT_ROWS(ROW, t)                                                          \
	ROW(t, unmapped, mremap(ms_unmapped_range(2 * pg), pg, 2 * pg, MREMAP_MAYMOVE),     \
		 EFAULT,                                                                    \
	    "mremap(2) EFAULT: the old range is not mapped")                                \
	ROW(t, hole, mremap(hole, 2 * pg, 4 * pg, MREMAP_MAYMOVE), EFAULT,                  \
	    "mremap(2) EFAULT: the old range extends past its mapping into a hole")
CONFORM_ERRNO_ROWS(MREMAP_EFAULT_ROWS, mremap_classes, unmapped_old_range_efault, "h12", LINUX,
		   MS_HOLE_SETUP, MS_HOLE_TEARDOWN)

/* Assert that a locked mapping grown by mremap stays locked over its whole new size. */
CONFORM(mremap_classes, locked_mapping_stays_locked, "g5 h14", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	if (mlock(p, pg) != 0)
		cr_skip_test("mlock failed with %s (RLIMIT_MEMLOCK?)", ms_errname(errno));
	unsigned char *q = mremap(p, pg, 4 * pg, MREMAP_MAYMOVE);
	ms_assert_mapped(q);
	long locked = ms_smaps_kb(q, "Locked");
	cr_assert(locked >= (long)(4 * pg / 1024), "after growing a locked mapping to 4 pages, "
		  "Locked: %ld kB\n%s", locked, ms_maps_near(q, 4 * pg));
}

/* Assert that the length of mremap's old range is rounded up: remapping page + 1 bytes of a
 * three-page mapping to three pages moves two pages (the one holding the last byte
 * included) and takes nothing of the third. */
CONFORM(mremap_classes, length_rounding_moves_whole_last_page, "g5 h12", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 3; i++)
		memset(p + i * pg, 0x11 * (i + 1), pg);
	unsigned char *q = mremap(p, pg + 1, 3 * pg, MREMAP_MAYMOVE);
	ms_assert_mapped(q);
	cr_assert(q[pg] == 0x22 && q[2 * pg - 1] == 0x22, "the page holding the last byte did "
		  "not move with the range (reads %#x)", q[pg]);
	cr_assert(q[2 * pg] == 0, "the grown part reads %#x, expected a new zero page", q[2 * pg]);
}
