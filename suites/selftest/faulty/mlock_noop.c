/* mlock_noop: memory locking is accepted but does nothing: mlock, mlock2 and mlockall return
 * success without locking or prefaulting, and MAP_LOCKED is dropped. The range is still
 * checked (ENOMEM for unmapped memory, EINVAL for bad flags), so only the locking is wrong. */
#include "../faulty.h"

#include <stdint.h>

/* mlock rounds the start down and the end up; madvise(MADV_NORMAL) then fails where mlock
 * would for a hole or an unmapped range, and changes nothing. */
static int check_range(const void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr & ~(uintptr_t)(faulty_page() - 1);
	uintptr_t end = ((uintptr_t)addr + len + faulty_page() - 1) & ~(uintptr_t)(faulty_page() - 1);
	if (len == 0)
		return 0;
	return libc_real.madvise((void *)start, end - start, MADV_NORMAL);
}

int mlock(const void *addr, size_t len)
{
	if (!FAULTY_ACTIVE())
		return libc_real.mlock(addr, len);
	return check_range(addr, len);
}

int mlock2(const void *addr, size_t len, unsigned int flags)
{
	if (!FAULTY_ACTIVE() || (flags & ~MLOCK_ONFAULT))
		return libc_real.mlock2(addr, len, flags);
	return check_range(addr, len);
}

int mlockall(int flags)
{
	int known = MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT;
	if (!FAULTY_ACTIVE() || !(flags & (MCL_CURRENT | MCL_FUTURE)) || (flags & ~known))
		return libc_real.mlockall(flags);
	return 0;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (FAULTY_ACTIVE())
		flags &= ~MAP_LOCKED;
	return libc_real.mmap(addr, len, prot, flags, fd, off);
}
