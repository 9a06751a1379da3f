/* (h) <sys/mman.h> (h2): the symbols POSIX names, defined and usable as documented. */
#include "mm_util.h"

#include <stdio.h>
#include <string.h>

/* Assert that <sys/mman.h> defines the symbols POSIX names, usable as documented: PROT_ bits
 * distinct and combinable with PROT_NONE holding none, MAP_SHARED and MAP_PRIVATE distinct
 * with MAP_FIXED apart from both, MAP_ANON a synonym of MAP_ANONYMOUS, the MS_ and MCL_
 * flags distinct, five distinct POSIX_MADV_ values, and MAP_FAILED what a failing mmap
 * returns. POSIX */
CONFORM(header_classes, constants_are_distinct, "h2", POSIX)
{
	char msg[1024] = "";
	int prots[] = { PROT_READ, PROT_WRITE, PROT_EXEC };
	for (int i = 0; i < 3; i++) {
		if (!prots[i] || (prots[i] & PROT_NONE))
			ms_append(msg, "PROT value %d overlaps PROT_NONE", i);
		for (int j = i + 1; j < 3; j++)
			if (prots[i] & prots[j])
				ms_append(msg, "PROT values %#x and %#x overlap",
				          prots[i], prots[j]);
	}
	if (MAP_SHARED == MAP_PRIVATE || (MAP_FIXED & (MAP_SHARED | MAP_PRIVATE)))
		ms_append(msg, "MAP_SHARED, MAP_PRIVATE, MAP_FIXED not distinct");
	if (MAP_ANON != MAP_ANONYMOUS)
		ms_append(msg, "MAP_ANON %#x differs from MAP_ANONYMOUS %#x",
		          MAP_ANON, MAP_ANONYMOUS);
	if ((MS_ASYNC & MS_SYNC) || (MS_INVALIDATE & (MS_SYNC | MS_ASYNC)) || !MS_ASYNC ||
	    !MS_SYNC || !MS_INVALIDATE)
		ms_append(msg, "MS_ flags not distinct bits");
	if ((MCL_CURRENT & MCL_FUTURE) || !MCL_CURRENT || !MCL_FUTURE)
		ms_append(msg, "MCL_ flags not distinct bits");
	int adv[] = { POSIX_MADV_NORMAL, POSIX_MADV_SEQUENTIAL, POSIX_MADV_RANDOM,
		      POSIX_MADV_WILLNEED, POSIX_MADV_DONTNEED };
	for (int i = 0; i < 5; i++)
		for (int j = i + 1; j < 5; j++)
			if (adv[i] == adv[j])
				ms_append(msg, "POSIX_MADV values %d and %d equal", i, j);
	size_t len = 0;
	off_t off = 0;
	mode_t mode = 0;
	(void)mode;
	/* cppcheck-suppress invalidFunctionArg ; length 0 is the argument under test (EINVAL) */
	void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, off);
	if (p != MAP_FAILED)
		ms_append(msg, "mmap of length 0 returned %p, not MAP_FAILED", p);
	cr_assert(msg[0] == 0, "%s", msg);
}
