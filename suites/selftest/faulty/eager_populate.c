/* eager_populate: every mapping is populated when it is made (as if MAP_POPULATE were always
 * given), so nothing is faulted lazily. Mappings over POPULATE_LIMIT are left alone so that a
 * test reserving a huge range does not make this library allocate it. */
#include "../faulty.h"

#define POPULATE_LIMIT (64UL << 20)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (FAULTY_ACTIVE() && len <= POPULATE_LIMIT && !(flags & MAP_NORESERVE))
		flags |= MAP_POPULATE;
	return libc_real.mmap(addr, len, prot, flags, fd, off);
}
