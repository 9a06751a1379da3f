/* shared_validate_lax: MAP_SHARED_VALIDATE behaves as legacy MAP_SHARED, so unknown flags and
 * flags the file cannot honour (MAP_SYNC without DAX) are silently accepted instead of
 * EOPNOTSUPP. */
#include "../faulty.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (FAULTY_ACTIVE() && (flags & MAP_TYPE) == MAP_SHARED_VALIDATE)
		flags = (flags & ~MAP_TYPE) | MAP_SHARED;
	return libc_real.mmap(addr, len, prot, flags, fd, off);
}
