/* shared_anon_as_private: MAP_SHARED|MAP_ANONYMOUS silently becomes MAP_PRIVATE, so a fork
 * child's stores stay in the child. */
#include "../faulty.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (FAULTY_ACTIVE() && (flags & MAP_ANONYMOUS) && (flags & MAP_TYPE) == MAP_SHARED)
		flags = (flags & ~MAP_TYPE) | MAP_PRIVATE;
	return libc_real.mmap(addr, len, prot, flags, fd, off);
}
