/* none: the placebo. It interposes the whole family and passes every call through unchanged,
 * so that a test failing under it fails because a library was preloaded (a different address
 * layout, one more constructor), not because of any fault. `mmapsuite selftest` runs it beside
 * the clean run and counts no catch from a test that fails under it. */
#include "../faulty.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return libc_real.mmap(addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len)
{
	return libc_real.munmap(addr, len);
}

int mprotect(void *addr, size_t len, int prot)
{
	return libc_real.mprotect(addr, len, prot);
}

int msync(void *addr, size_t len, int flags)
{
	return libc_real.msync(addr, len, flags);
}

void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	FAULTY_MREMAP_NEW_ADDRESS(flags, new_address);
	return libc_real.mremap(old, old_size, new_size, flags, new_address);
}

int madvise(void *addr, size_t len, int advice)
{
	return libc_real.madvise(addr, len, advice);
}

int mincore(void *addr, size_t len, unsigned char *vec)
{
	return libc_real.mincore(addr, len, vec);
}
