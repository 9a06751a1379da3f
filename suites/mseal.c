/* (e) mseal: a sealed VMA refuses munmap, mremap, MAP_FIXED over it and mprotect, and
 * discarding advice on read-only anonymous memory. */
#include "arg_classes.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- e11: mseal ---- */

/* A 4-page mapping with prot whose two middle pages are sealed; SKIPs without mseal. */
static unsigned char *map_sealed_middle(int prot)
{
	size_t pg = ms_page();
	ms_require_mseal();
	unsigned char *p = xmmap(NULL, 4 * pg, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xcheck("mseal", ms_sys_mseal(p + pg, 2 * pg, 0));
	return p;
}

/* Assert that munmap, mremap (shrink, grow, move), MAP_FIXED over, and mprotect of a sealed
 * range all fail with EPERM and leave the mapping and its data in place. LINUX (6.10+).
 * Each refused call is one row of a table and its own result (a table is a macro listing
 * ROW(t, row, call, expected, clause); CONFORM_ERRNO_ROWS, conform.h). */
#define SEALED_ROWS(ROW, t)                                                                 \
	ROW(t, munmap_inside, munmap(s + pg, pg), EPERM,                                    \
	    "mseal kernel-doc: munmap of a sealed VMA fails with EPERM")                    \
	ROW(t, munmap_around, munmap(p, 4 * pg), EPERM,                                     \
	    "mseal kernel-doc: munmap of a range holding a sealed VMA fails with EPERM")    \
	ROW(t, mremap_shrink, mremap(s, 2 * pg, pg, 0), EPERM,                              \
	    "mseal kernel-doc: mremap (shrink) of a sealed VMA fails with EPERM")           \
	ROW(t, mremap_grow_move, mremap(s, 2 * pg, 4 * pg, MREMAP_MAYMOVE), EPERM,          \
	    "mseal kernel-doc: mremap (grow, move) of a sealed VMA fails with EPERM")       \
	ROW(t, map_fixed_over,                                                              \
	    mmap(s, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EPERM,  \
	    "mseal kernel-doc: mmap MAP_FIXED over a sealed VMA fails with EPERM")          \
	ROW(t, mprotect, mprotect(s, pg, PROT_READ), EPERM,                                 \
	    "mseal kernel-doc: mprotect of a sealed VMA fails with EPERM")
#define SEALED_SETUP(row)                                                                   \
	size_t pg = ms_page();                                                              \
	unsigned char *p = map_sealed_middle(PROT_READ | PROT_WRITE);                       \
	unsigned char *s = p + pg;                                                          \
	s[0] = 0x3e;
#define SEALED_TEARDOWN(row)                                                                \
	cr_assert(s[0] == 0x3e && !ms_probe_write(s + 1, 1, NULL) &&                        \
		  !ms_probe_write(s + 2 * pg - 1, 1, NULL),                                 \
		  "the sealed pages lost their data or their write access\n%s",             \
		  ms_maps_near(p, 4 * pg));                                                 \
	/* the unsealed neighbours are still free to change */                              \
	ms_assert_ok(munmap(p, pg));                                                        \
	ms_assert_ok(mprotect(p + 3 * pg, pg, PROT_NONE));
CONFORM_ERRNO_ROWS(SEALED_ROWS, mseal, sealed_vma_refuses_unmap_remap_fixed_mprotect, "e11", LINUX,
		   SEALED_SETUP, SEALED_TEARDOWN)

/* Assert that destructive advice (MADV_DONTNEED, MADV_FREE) on a sealed read-only private
 * anonymous range fails with EPERM and keeps the data, while on a sealed writable one Linux
 * allows it (the owner could overwrite the data anyway). LINUX (6.10+). */
CONFORM(mseal, discard_advice_on_read_only_anon_eperm, "e11", LINUX)
{
	size_t pg = ms_page();
	unsigned char *rw = map_sealed_middle(PROT_READ | PROT_WRITE);
	rw[pg] = 0x99;
	ms_assert_ok(madvise(rw + pg, pg, MADV_DONTNEED));
	cr_assert(rw[pg] == 0, "MADV_DONTNEED on sealed writable anonymous memory kept 0x%02x",
		  rw[pg]);

	unsigned char *ro = xmmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro[pg] = 0x5a;
	xmprotect(ro + pg, pg, PROT_READ);
	xcheck("mseal", ms_sys_mseal(ro + pg, pg, 0));
	ms_assert_errno(madvise(ro + pg, pg, MADV_DONTNEED), EPERM);
	ms_assert_errno(madvise(ro + pg, pg, MADV_FREE), EPERM);
	cr_assert(ro[pg] == 0x5a, "the sealed read-only page reads 0x%02x after refused advice",
		  ro[pg]);
	ms_assert_ok(madvise(ro + pg, pg, MADV_WILLNEED));
}

/* ---- mseal_classes: argument classes (h15) ---- */

/* Assert mseal's classes (kernel Documentation/userspace-api/mseal.rst): EINVAL unaligned or
 * overflowing, len 0 succeeds, ENOMEM over unmapped pages. */
RANGE_TABLE(mseal_classes, linux_range_table, "h15", LINUX, ms_range_mseal,
	    0, EINVAL, 0, 0, EINVAL, ENOMEM, ENOMEM)

/* Assert that mseal covers the page holding the last byte and no more. */
RANGE_ROUNDING(mseal_classes, "h15", LINUX, ms_range_mseal)

/* Assert mseal's EINVAL cases: nonzero flags, unaligned start, start + len wrapping around;
 * and that the refused call sealed nothing (the whole mapping can still be unmapped). LINUX. */
#define MSEAL_EINVAL_ROWS(ROW, t)                                                           \
	ROW(t, nonzero_flags, ms_sys_mseal(p, pg, 1), EINVAL,                               \
	    "mseal kernel-doc EINVAL: flags is not 0")                                      \
	ROW(t, unaligned_start, ms_sys_mseal(p + 1, pg, 0), EINVAL,                         \
	    "mseal kernel-doc EINVAL: start is not page aligned")                           \
	ROW(t, wrapping_end, ms_sys_mseal(p, ~(size_t)0 - pg, 0), EINVAL,                   \
	    "mseal kernel-doc EINVAL: start + len overflows")
#define MSEAL_EINVAL_SETUP(row)                                                             \
	ms_require_mseal();                                                                 \
	size_t pg = ms_page();                                                              \
	unsigned char *p = xmap_anon(3 * pg, MAP_PRIVATE);
#define MSEAL_EINVAL_TEARDOWN(row)                                                          \
	ms_assert_ok(munmap(p, 3 * pg)); /* nothing was sealed */
CONFORM_ERRNO_ROWS(MSEAL_EINVAL_ROWS, mseal_classes, flags_alignment_overflow_einval, "h15", LINUX,
		   MSEAL_EINVAL_SETUP, MSEAL_EINVAL_TEARDOWN)

/* Assert that mseal with len 0 succeeds and seals nothing, and that an unaligned len is
 * rounded up: the next page gets sealed (munmap of it gives EPERM), the page after it does
 * not. LINUX. */
CONFORM(mseal_classes, len_zero_succeeds_unaligned_len_rounded_up, "h15", LINUX)
{
	ms_require_mseal();
	size_t pg = ms_page();
	unsigned char *p = xmap_anon(3 * pg, MAP_PRIVATE);
	ms_assert_ok(ms_sys_mseal(p, 0, 0));
	ms_assert_ok(munmap(p, pg)); /* len 0 sealed nothing */
	ms_assert_ok(ms_sys_mseal(p + pg, 1, 0));
	ms_assert_errno(munmap(p + pg, pg), EPERM);
	ms_assert_ok(munmap(p + 2 * pg, pg));
}

/* Assert that mseal gives ENOMEM when the start, the end or a middle part of the range is not
 * mapped, and seals nothing then. LINUX. */
#define MSEAL_ENOMEM_ROWS(ROW, t)                                                           \
	ROW(t, start_unmapped, ms_sys_mseal(hole + pg, 2 * pg, 0), ENOMEM,                  \
	    "mseal kernel-doc ENOMEM: the start of the range is not mapped")                \
	ROW(t, end_unmapped, ms_sys_mseal(hole, 2 * pg, 0), ENOMEM,                         \
	    "mseal kernel-doc ENOMEM: the end of the range is not mapped")                  \
	ROW(t, gap, ms_sys_mseal(hole, 3 * pg, 0), ENOMEM,                                  \
	    "mseal kernel-doc ENOMEM: a gap (unmapped memory) inside the range")            \
	ROW(t, wholly_unmapped, ms_sys_mseal(ms_unmapped_range(pg), pg, 0), ENOMEM,         \
	    "mseal kernel-doc ENOMEM: the range is not mapped")
#define MSEAL_ENOMEM_SETUP(row)                                                             \
	ms_require_mseal();                                                                 \
	size_t pg = ms_page();                                                              \
	unsigned char *hole = ms_map_with_hole();
#define MSEAL_ENOMEM_TEARDOWN(row)                                                          \
	ms_assert_ok(munmap(hole, 3 * pg)); /* nothing was sealed */
CONFORM_ERRNO_ROWS(MSEAL_ENOMEM_ROWS, mseal_classes, unmapped_start_end_gap_enomem, "h15", LINUX,
		   MSEAL_ENOMEM_SETUP, MSEAL_ENOMEM_TEARDOWN)
