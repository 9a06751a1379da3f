/* (h) Argument classes of mincore() (h13): its address and length classes (arg_classes.h)
 * and its errno table. */
#include "arg_classes.h"

#include <stdio.h>
#include <string.h>

/* Assert mincore(2)'s classes: EINVAL unaligned, len 0 succeeds, ENOMEM past TASK_SIZE and
 * over unmapped pages. */
RANGE_TABLE(mincore_classes, linux_range_table, "h13", LINUX, ms_range_mincore,
	    0, EINVAL, 0, 0, ENOMEM, ENOMEM, ENOMEM)

/* Assert that mincore(p, page + 1) fills exactly two bytes of the vector (the rounded-up
 * page count) and leaves the third alone, and reaches the page holding the last byte. */
CONFORM(mincore_classes, length_rounding_fills_last_byte, "h13", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = ms_range_three_pages(&ms_range_mincore);
	unsigned char vec[3] = { 0xee, 0xee, 0xee };
	ms_assert_ok(mincore(p, pg + 1, vec));
	cr_assert((vec[0] & 1) && (vec[1] & 1), "the two touched pages read %#x %#x, expected "
		  "the resident bit", vec[0], vec[1]);
	cr_assert(vec[2] == 0xee, "mincore wrote a third byte (%#x) for a length of page + 1",
		  vec[2]);
	ms_range_rounding_by_hole(&ms_range_mincore);
}

/* mincore(p, a length reaching past TASK_SIZE, vec): the length check comes before the walk,
 * so vec stays as it was; a kernel that walks instead (a 64-bit kernel checking a 32-bit
 * program's range against its own limit) writes vec until the guard hole after p's two pages
 * stops it, never past vec's four bytes. */
static int mincore_past_task_size(unsigned char *p, size_t pg, unsigned char *vec)
{
	memset(vec, 0xee, 4);
	int r = mincore(p, ~(size_t)0 - 2 * pg, vec);
	int e = errno;
	cr_expect(vec[0] == 0xee, "mincore(%p, %#zx) wrote vec[0] (%#x) before it failed with %s: "
		  "the range was walked, not refused for its length past TASK_SIZE", (void *)p,
		  ~(size_t)0 - 2 * pg, vec[0], r == -1 ? ms_errname(e) : "no error");
	errno = e;
	return r;
}

/* Assert mincore's errnos: unaligned start EINVAL, vec in read-only memory EFAULT, an unmapped
 * range or one with a hole ENOMEM, a length beyond the address space ENOMEM; and, as a control
 * in every row, that a valid call on the same mapping succeeds and sees the touched page.
 * LINUX. */
#define MINCORE_ROWS(ROW, t)                                                                \
	ROW(t, unaligned_start, mincore(p + 1, pg, vec), EINVAL,                            \
	    "mincore(2) EINVAL: addr is not a multiple of the page size")                   \
	ROW(t, readonly_vec,                                                                \
	    mincore(p, 2 * pg, xmmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)), \
	    EFAULT, "mincore(2) EFAULT: vec points to an invalid address")                  \
	ROW(t, unmapped, mincore(ms_unmapped_range(pg), pg, vec), ENOMEM,                   \
	    "mincore(2) ENOMEM: [addr, addr + length) contained unmapped memory")           \
	ROW(t, hole, mincore(hole, 3 * pg, vec), ENOMEM,                                    \
	    "mincore(2) ENOMEM: [addr, addr + length) contained unmapped memory")           \
	ROW(t, length_past_task_size, mincore_past_task_size(p, pg, vec), ENOMEM,           \
	    "mincore(2) ENOMEM: length is greater than (TASK_SIZE - addr)")
#define MINCORE_SETUP(row)                                                                  \
	size_t pg = ms_page();                                                              \
	unsigned char vec[4];                                                               \
	unsigned char *p = xmap_anon(3 * pg, MAP_PRIVATE);                                  \
	xmunmap(p + 2 * pg, pg); /* a guard hole: a walk of the range stops there */        \
	unsigned char *hole = ms_map_with_hole();                                           \
	p[0] = 1;
#define MINCORE_TEARDOWN(row)                                                               \
	ms_assert_ok(mincore(p, 2 * pg, vec));                                              \
	cr_assert((vec[0] & 1) == 1,                                                        \
		  "control: the touched page is not resident (vec 0x%x)", vec[0]);          \
	xmunmap(p, 2 * pg);                                                                 \
	xmunmap(hole, 3 * pg);
CONFORM_ERRNO_ROWS(MINCORE_ROWS, mincore_classes, errnos_einval_efault_enomem, "h13", LINUX,
		   MINCORE_SETUP, MINCORE_TEARDOWN)
