/* prot_ignored: protections are not enforced: every mapping and every mprotect is made
 * readable and writable whatever was asked, so stores to PROT_READ or PROT_NONE memory
 * succeed. Where Linux refuses write access (a shared mapping of an O_RDONLY descriptor) the
 * requested protection is kept. */
#include "../faulty.h"

#define RW (PROT_READ | PROT_WRITE)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (FAULTY_ACTIVE() && (prot & RW) != RW) {
		void *p = libc_real.mmap(addr, len, prot | RW, flags, fd, off);
		if (p != MAP_FAILED)
			return p;
	}
	return libc_real.mmap(addr, len, prot, flags, fd, off);
}

int mprotect(void *addr, size_t len, int prot)
{
	if (FAULTY_ACTIVE() && (prot & RW) != RW && libc_real.mprotect(addr, len, prot | RW) == 0)
		return 0;
	return libc_real.mprotect(addr, len, prot);
}
