/* madvise_dontneed_noop: MADV_DONTNEED validates its range like a harmless advice and returns
 * success, but drops no page: private memory keeps its contents instead of reading zeros (anon)
 * or the file (file-backed). */
#include "../faulty.h"

int madvise(void *addr, size_t len, int advice)
{
	if (FAULTY_ACTIVE() && advice == MADV_DONTNEED)
		return libc_real.madvise(addr, len, MADV_NORMAL);
	return libc_real.madvise(addr, len, advice);
}
