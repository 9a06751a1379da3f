/* read_implies_exec: every readable mapping is also executable, as under the
 * READ_IMPLIES_EXEC personality, so code runs from memory mapped without PROT_EXEC. Where
 * Linux refuses execution (noexec mount, MDWE) the requested protection is kept. */
#include "../faulty.h"

static int with_exec(int prot)
{
	return (prot & PROT_READ) ? prot | PROT_EXEC : prot;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (FAULTY_ACTIVE() && with_exec(prot) != prot) {
		void *p = libc_real.mmap(addr, len, with_exec(prot), flags, fd, off);
		if (p != MAP_FAILED)
			return p;
	}
	return libc_real.mmap(addr, len, prot, flags, fd, off);
}

int mprotect(void *addr, size_t len, int prot)
{
	if (FAULTY_ACTIVE() && with_exec(prot) != prot &&
	    libc_real.mprotect(addr, len, with_exec(prot)) == 0)
		return 0;
	return libc_real.mprotect(addr, len, prot);
}
