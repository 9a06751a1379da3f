/* private_as_shared: a MAP_PRIVATE file mapping is really a shared one, so private stores reach
 * the file and other mappings (copy-on-write never happens). The call is first made as asked,
 * so errors stay Linux's own; where a shared mapping is refused (PROT_WRITE on an O_RDONLY
 * descriptor) the correct private mapping is kept. */
#include "../faulty.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = libc_real.mmap(addr, len, prot, flags, fd, off);
	if (p == MAP_FAILED || !FAULTY_ACTIVE() || (flags & MAP_ANONYMOUS) || fd < 0 ||
	    (flags & MAP_TYPE) != MAP_PRIVATE || (flags & MAP_HUGETLB))
		return p;
	int shared = (flags & ~(MAP_TYPE | MAP_FIXED_NOREPLACE)) | MAP_SHARED | MAP_FIXED;
	(void)libc_real.mmap(p, len, prot, shared, fd, off);
	return p;
}
