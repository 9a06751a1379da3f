/* (g) remap_file_pages: the emulated nonlinear mappings of Linux 4.0 and later, and the
 * arguments it refuses. */
#include "arg_classes.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- g18 ---- */

/* Assert that remap_file_pages() (emulated since Linux 4.0) makes pages of a shared file
 * mapping show other file pages: reads give the new file page's data, stores reach that file
 * page, and the rest of the mapping is unchanged. LINUX. */
CONFORM(remap_file_pages, rearranged_pages_map_the_named_file_pages, "g18", LINUX)
{
	size_t page = ms_page(), n = 4, len = n * page;
	int fd;
	unsigned char *p = ms_map_shared_file(len, NULL, &fd);
	ms_assert_ok(remap_file_pages(p, page, 0, 3, 0));
	ms_assert_ok(remap_file_pages(p + 2 * page, page, 0, 0, 0));
	static const size_t file_page_at[] = { 3, 1, 0, 3 };
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < page; i += 29) {
			size_t off = file_page_at[k] * page + i;
			cr_assert(p[k * page + i] == ms_pattern(off), "mapping page %zu byte %zu "
				  "reads 0x%02x; file page %zu holds 0x%02x (%s)", k, i,
				  p[k * page + i], file_page_at[k], ms_pattern(off), ms_fs_name());
		}
	p[11] = 0xc3; /* mapping page 0 is file page 3 */
	unsigned char got;
	xpread(fd, &got, 1, (off_t)(3 * page + 11));
	cr_assert(got == 0xc3, "a store through the remapped page is not at file offset %zu: "
		  "0x%02x (%s)", 3 * page + 11, got, ms_fs_name());
	cr_assert(p[3 * page + 11] == 0xc3, "the other mapping of file page 3 does not see the "
		  "store");
	xmunmap(p, len);
	xclose(fd);
}

/* Assert the remap_file_pages() errno cases: a private mapping, prot other than 0, and a
 * range beyond the mapping all fail with EINVAL. LINUX. */
#define RFP_BAD_ROWS(ROW, t)                                                                \
	ROW(t, private_mapping, remap_file_pages(private, page, 0, 3, 0), EINVAL,           \
	    "remap_file_pages(2) EINVAL: addr does not refer to a VM_SHARED mapping")       \
	ROW(t, prot_not_zero, remap_file_pages(shared, page, PROT_READ, 3, 0), EINVAL,      \
	    "remap_file_pages(2): prot must be 0 (EINVAL)")                                 \
	ROW(t, range_beyond_mapping, remap_file_pages(shared, 2 * len, 0, 1, 0), EINVAL,    \
	    "remap_file_pages(2) EINVAL: addr or size is invalid")
#define RFP_BAD_SETUP(row)                                                                  \
	size_t page = ms_page(), len = 4 * page;                                            \
	int fd = ms_file(len, NULL);                                                        \
	unsigned char *private = xmmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);           \
	unsigned char *shared = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);             \
	(void)private;
#define RFP_BAD_TEARDOWN(row)                                                               \
	for (size_t i = 0; i < len; i += 53)                                                \
		cr_assert(shared[i] == ms_pattern(i),                                       \
			  "refused calls changed byte %zu: 0x%02x", i, shared[i]);          \
	xmunmap(private, len);                                                              \
	xmunmap(shared, len);                                                               \
	xclose(fd);
CONFORM_ERRNO_ROWS(RFP_BAD_ROWS, remap_file_pages, bad_arguments_fail_einval, "g18", LINUX,
		   RFP_BAD_SETUP, RFP_BAD_TEARDOWN)

/* ---- remap_file_pages_classes: argument classes (g18) ---- */

/* Assert remap_file_pages(2)'s classes on a shared mapping: start and size are rounded down
 * (an unaligned start and a partial length succeed), size 0, a wrapping size and a range
 * leaving the mapping fail EINVAL. */
RANGE_TABLE(remap_file_pages_classes, linux_range_table, "g18", LINUX, ms_range_rfp,
	    0, 0, 0, EINVAL, EINVAL, EINVAL, EINVAL)

/* Assert that remap_file_pages rounds its size down: page + 1 bytes remap one page, and the
 * next page keeps showing its own file page. */
CONFORM(remap_file_pages_classes, length_rounding_down_to_pages, "g18", LINUX)
{
	size_t pg = ms_page();
	int fd = ms_file(3 * pg, NULL);
	unsigned char *p = xmap_shared(fd, 3 * pg);
	if (remap_file_pages(p, pg + 1, 0, 2, 0) != 0)
		cr_skip_test("remap_file_pages: %s", ms_errname(errno));
	cr_assert(p[0] == ms_pattern(2 * pg), "the first page does not show file page 2");
	cr_assert(p[pg] == ms_pattern(pg), "the second page no longer shows file page 1: the "
		  "size was not rounded down");
}
