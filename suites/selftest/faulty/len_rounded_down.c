/* len_rounded_down: a length that is not a page multiple is rounded down instead of up, so
 * the page holding the last byte is left out (munmap, mprotect, msync, mlock, munlock,
 * madvise, mincore). A length under one page becomes 0. Breaks the whole-pages clauses
 * (P-munmap-01, P-mprotect-01, P-msync-01, P-mlock-01, L-madv-01, L-minc-01). */
#include "../faulty.h"

static size_t down(size_t len, bool active)
{
	return active ? len & ~(faulty_page() - 1) : len;
}

int munmap(void *addr, size_t len)
{
	return libc_real.munmap(addr, down(len, FAULTY_ACTIVE()));
}

int mprotect(void *addr, size_t len, int prot)
{
	return libc_real.mprotect(addr, down(len, FAULTY_ACTIVE()), prot);
}

int msync(void *addr, size_t len, int flags)
{
	return libc_real.msync(addr, down(len, FAULTY_ACTIVE()), flags);
}

int mlock(const void *addr, size_t len)
{
	return libc_real.mlock(addr, down(len, FAULTY_ACTIVE()));
}

int munlock(const void *addr, size_t len)
{
	return libc_real.munlock(addr, down(len, FAULTY_ACTIVE()));
}

int madvise(void *addr, size_t len, int advice)
{
	return libc_real.madvise(addr, down(len, FAULTY_ACTIVE()), advice);
}

int mincore(void *addr, size_t len, unsigned char *vec)
{
	return libc_real.mincore(addr, down(len, FAULTY_ACTIVE()), vec);
}
