/* (e) MAP_GROWSDOWN: a touch below grows the VMA, the stack guard gap refuses growth too
 * close to the mapping below. */
#include "mm_util.h"

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

/* ---- e9: MAP_GROWSDOWN ---- */

/* stack_guard_gap in bytes: the stack_guard_gap= boot parameter (pages), else 256 pages. */
static size_t stack_guard_gap(void)
{
	struct ms_setting s;
	unsigned long pages = ms_cmdline_param("stack_guard_gap", &s) ? strtoul(s.value, NULL, 0)
								      : 256;
	return pages * ms_page();
}

/* The start of the VMA containing addr; 0 if none. */
static unsigned long vma_start(const void *addr)
{
	struct ms_vma vma;
	return ms_vma_at(addr, &vma, NULL, 0) ? vma.start : 0;
}

/* A MAP_GROWSDOWN mapping of 4 pages placed gap_pages above one accessible page:
 * [accessible page][gap_pages unmapped][4 pages MAP_GROWSDOWN]. Returns the growsdown start. */
static unsigned char *growsdown_above_neighbour(size_t gap_pages, unsigned char **base)
{
	size_t pg = ms_page(), total = (1 + gap_pages + 4) * pg;
	unsigned char *r = xmmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xmmap(r, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	unsigned char *stack = r + (1 + gap_pages) * pg;
	xmmap(stack, 4 * pg, PROT_READ | PROT_WRITE,
	      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0);
	xmunmap(r + pg, gap_pages * pg);
	*base = r;
	return stack;
}

/* Assert that a store just below a MAP_GROWSDOWN mapping with free space beneath it (more than
 * stack_guard_gap) succeeds and extends the VMA down to that page. LINUX. */
CONFORM(mmap_growsdown, touch_below_grows_vma, "e9", LINUX)
{
	size_t pg = ms_page(), gap_pages = stack_guard_gap() / pg + 8;
	unsigned char *base, *stack = growsdown_above_neighbour(gap_pages, &base);
	unsigned char *below = stack - 3 * pg + 0x10;
	struct ms_fault f;
	cr_assert(!ms_probe_write(below, 0x66, &f),
		  "store 3 pages below a MAP_GROWSDOWN map faulted: %s %s at %p\n%s",
		  ms_signame(f.signo), ms_sicode_name(f.signo, f.code), f.addr,
		  ms_maps_near(below, 4 * pg));
	cr_assert(*below == 0x66, "the grown page reads 0x%02x, stored 0x66", *below);
	cr_assert(vma_start(stack) == (unsigned long)stack - 3 * pg,
		  "the VMA starts at 0x%lx, expected it grown to %p\n%s", vma_start(stack),
		  (void *)(stack - 3 * pg), ms_maps_near(below, 4 * pg));
	xmunmap(base, (1 + gap_pages + 4) * pg);
}

/* Assert that growth is refused (SIGSEGV SEGV_MAPERR at the byte, VMA unchanged) when it would
 * come closer than stack_guard_gap to an accessible mapping below, and allowed at exactly the
 * gap. LINUX (expand_downwards: refused while address - prev_end < stack_guard_gap). */
CONFORM(mmap_growsdown, stack_guard_gap_refuses_growth, "e9 e4", LINUX)
{
	size_t pg = ms_page(), gap = stack_guard_gap();
	if (gap < 2 * pg)
		cr_skip_test("stack_guard_gap is %zu pages: too small to place a refused growth",
			     gap / pg);
	size_t gap_pages = gap / pg + 2;
	unsigned char *base, *stack = growsdown_above_neighbour(gap_pages, &base);
	unsigned char *prev_end = base + pg;

	unsigned char *too_close = prev_end + gap - pg + 8;
	struct ms_fault f;
	ms_probe_write(too_close, 1, &f);
	size_t total = (size_t)(stack + 4 * pg - base);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, too_close,
		        "growth to one page inside stack_guard_gap", base, total);
	cr_assert(vma_start(stack) == (unsigned long)stack,
		  "the refused growth moved the VMA start to 0x%lx\n%s", vma_start(stack),
		  ms_maps_near(base, total));

	unsigned char *at_gap = prev_end + gap;
	cr_assert(!ms_probe_write(at_gap, 1, &f),
		  "growth to exactly stack_guard_gap (%zu bytes) above the neighbour faulted: %s %s"
		  "\n%s", gap, ms_signame(f.signo), ms_sicode_name(f.signo, f.code),
		  ms_maps_near(base, total));
	xmunmap(base, (1 + gap_pages + 4) * pg);
}
