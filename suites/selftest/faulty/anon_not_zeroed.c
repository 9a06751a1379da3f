/* anon_not_zeroed: fresh anonymous memory holds stale bytes, as when a kernel hands out pages
 * it did not clear. Only the first STALE_LIMIT bytes are dirtied, so that a test reserving a
 * huge range does not make this library allocate it. */
#include "../faulty.h"

#include <string.h>

#define STALE_LIMIT (4UL << 20)
#define STALE_BYTE 0x5a

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	bool stale = FAULTY_ACTIVE() && (flags & MAP_ANONYMOUS) && !(flags & MAP_HUGETLB) &&
		     !(flags & MAP_GROWSDOWN);
	if (!stale)
		return libc_real.mmap(addr, len, prot, flags, fd, off);
	/* Map writable to leave the stale bytes, then give the caller the protection it asked. */
	void *p = libc_real.mmap(addr, len, prot | PROT_READ | PROT_WRITE, flags, fd, off);
	if (p == MAP_FAILED)
		return libc_real.mmap(addr, len, prot, flags, fd, off);
	memset(p, STALE_BYTE, len < STALE_LIMIT ? len : STALE_LIMIT);
	if ((prot | PROT_READ | PROT_WRITE) != prot && libc_real.mprotect(p, len, prot) != 0) {
		libc_real.munmap(p, len);
		return libc_real.mmap(addr, len, prot, flags, fd, off);
	}
	return p;
}
