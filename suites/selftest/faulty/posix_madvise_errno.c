/* posix_madvise_errno: posix_madvise reports failure the way most calls do, -1 with errno,
 * instead of returning the error number. Breaks P-padv-03 and every posix_madvise error row
 * (P-padv-E01, P-padv-E02). */
#include "../faulty.h"

#include <errno.h>

int posix_madvise(void *addr, size_t len, int advice)
{
	int (*real)(void *, size_t, int) = faulty_next("posix_madvise");
	int r = real(addr, len, advice);
	if (r != 0 && FAULTY_ACTIVE()) {
		errno = r;
		return -1;
	}
	return r;
}
