/* cow_broken: MAP_PRIVATE|MAP_ANONYMOUS memory is really shared, so after fork parent and child
 * see each other's stores (copy-on-write never breaks). Falls back to the correct mapping where
 * a shared one is refused (MAP_GROWSDOWN). */
#include "../faulty.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (FAULTY_ACTIVE() && (flags & MAP_ANONYMOUS) && (flags & MAP_TYPE) == MAP_PRIVATE &&
	    !(flags & MAP_HUGETLB)) {
		void *p = libc_real.mmap(addr, len, prot, (flags & ~MAP_TYPE) | MAP_SHARED, fd, off);
		if (p != MAP_FAILED)
			return p;
	}
	return libc_real.mmap(addr, len, prot, flags, fd, off);
}
