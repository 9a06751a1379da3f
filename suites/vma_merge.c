/* (a) VMA merging and splitting: adjacent compatible mappings are one VMA, and a change of
 * protection or locking over part of one splits it and merges it back (Linux; seen only in
 * /proc/self/maps). */
#include "mm_util.h"

/* ---- a7: VMA merge and split ---- */

/* Assert that two adjacent anonymous mappings with the same protection are one VMA, that
 * mprotect of the middle page splits it in three and restoring the protection merges it back
 * (Linux VMA merging; visible only in /proc/self/maps). Fenced by guard pages: a neighbour
 * the kernel placed beside them would take part in the merges. */
CONFORM(vma_merge, adjacent_anon_merge_mprotect_splits_and_remerges, "a7", LINUX)
{
	size_t pg = ms_page(), len = 6 * pg;
	unsigned char *base = ms_fenced_range(len);
	xmmap(base, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	xmmap(base + 3 * pg, 3 * pg, PROT_READ | PROT_WRITE,
	      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	int n = ms_vmas_in(base, len);
	cr_assert(n == 1, "two adjacent compatible anonymous mappings are %d VMAs, expected 1 "
		  "(merged)\n%s", n, ms_maps_near(base, len));
	xmprotect(base + 2 * pg, 2 * pg, PROT_READ);
	n = ms_vmas_in(base, len);
	cr_assert(n == 3, "mprotect of the middle: %d VMAs, expected 3\n%s", n,
		  ms_maps_near(base, len));
	xmprotect(base + 2 * pg, 2 * pg, PROT_READ | PROT_WRITE);
	n = ms_vmas_in(base, len);
	cr_assert(n == 1, "mprotect back: %d VMAs, expected 1 (merged again)\n%s", n,
		  ms_maps_near(base, len));
	ms_fenced_release(base, len);
}

/* Assert that mlock of the middle of an anonymous mapping splits it in three VMAs (the middle
 * one Locked) and munlock merges it back into one. Fenced by guard pages, as above: merged
 * into a faulted neighbour, the mapping would share its anon_vma and 6.1 would merge it. */
CONFORM(vma_merge, mlock_splits_and_munlock_remerges, "a7", LINUX)
{
	size_t pg = ms_page(), len = 6 * pg;
	unsigned char *base = ms_fenced_range(len);
	xmmap(base, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (mlock(base + 2 * pg, 2 * pg) != 0)
		cr_skip_test("mlock of 2 pages: %s (RLIMIT_MEMLOCK too small?)", ms_errname(errno));
	int n = ms_vmas_in(base, len);
	cr_assert(n == 3, "mlock of the middle: %d VMAs, expected 3\n%s", n,
		  ms_maps_near(base, len));
	long locked = ms_smaps_kb(base + 2 * pg, "Locked");
	cr_assert(locked == (long)(2 * pg / 1024), "the mlocked VMA shows Locked: %ld kB, "
		  "expected %zu", locked, 2 * pg / 1024);
	xcheck("munlock", munlock(base + 2 * pg, 2 * pg));
	n = ms_vmas_in(base, len);
	cr_assert(n == 1, "munlock: %d VMAs, expected 1 (merged again)\n%s", n,
		  ms_maps_near(base, len));
	ms_fenced_release(base, len);
}
