/* errno_swapped: argument errors are reported with the wrong errno: where Linux says EINVAL
 * (length 0, unaligned address or offset, bad flags or prot bits) the caller gets ENOMEM, in
 * every function of the family. The calls themselves are Linux's own. */
#include "../faulty.h"

#include <errno.h>

static long swapped(long result, bool active)
{
	if (result == -1 && active && errno == EINVAL)
		errno = ENOMEM;
	return result;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)swapped((long)libc_real.mmap(addr, len, prot, flags, fd, off),
			       FAULTY_ACTIVE());
}

int munmap(void *addr, size_t len)
{
	return (int)swapped(libc_real.munmap(addr, len), FAULTY_ACTIVE());
}

int mprotect(void *addr, size_t len, int prot)
{
	return (int)swapped(libc_real.mprotect(addr, len, prot), FAULTY_ACTIVE());
}

int msync(void *addr, size_t len, int flags)
{
	return (int)swapped(libc_real.msync(addr, len, flags), FAULTY_ACTIVE());
}

void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	FAULTY_MREMAP_NEW_ADDRESS(flags, new_address);
	return (void *)swapped((long)libc_real.mremap(old, old_size, new_size, flags, new_address),
			       FAULTY_ACTIVE());
}

int madvise(void *addr, size_t len, int advice)
{
	return (int)swapped(libc_real.madvise(addr, len, advice), FAULTY_ACTIVE());
}

int mincore(void *addr, size_t len, unsigned char *vec)
{
	return (int)swapped(libc_real.mincore(addr, len, vec), FAULTY_ACTIVE());
}

int mlock(const void *addr, size_t len)
{
	return (int)swapped(libc_real.mlock(addr, len), FAULTY_ACTIVE());
}

int mlock2(const void *addr, size_t len, unsigned int flags)
{
	return (int)swapped(libc_real.mlock2(addr, len, flags), FAULTY_ACTIVE());
}

int mlockall(int flags)
{
	return (int)swapped(libc_real.mlockall(flags), FAULTY_ACTIVE());
}
