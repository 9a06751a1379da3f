/* madv_hugepage_noop: MADV_HUGEPAGE and MADV_COLLAPSE are accepted (their range is checked as
 * Linux would) but change nothing, so with THP in "madvise" mode memory never gets huge
 * pages. */
#include "../faulty.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

int madvise(void *addr, size_t len, int advice)
{
	if (FAULTY_ACTIVE() && (advice == MADV_HUGEPAGE || advice == MADV_COLLAPSE))
		return libc_real.madvise(addr, len, MADV_NORMAL);
	return libc_real.madvise(addr, len, advice);
}
