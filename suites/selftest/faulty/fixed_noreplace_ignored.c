/* fixed_noreplace_ignored: MAP_FIXED_NOREPLACE is treated as a plain hint, as Linux before
 * 4.17 did with the unknown flag: an occupied address gives a mapping elsewhere instead of
 * EEXIST. */
#include "../faulty.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (FAULTY_ACTIVE())
		flags &= ~MAP_FIXED_NOREPLACE;
	return libc_real.mmap(addr, len, prot, flags, fd, off);
}
