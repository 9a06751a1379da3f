/* msync_noop: msync returns success for any arguments and does nothing: no writeback, no
 * invalidation, no argument checks (EINVAL, ENOMEM, EBUSY never reported). */
#include "../faulty.h"

int msync(void *addr, size_t len, int flags)
{
	if (FAULTY_ACTIVE())
		return 0;
	return libc_real.msync(addr, len, flags);
}
