/* offset_ignored: the file offset is dropped, so every file mapping shows the file from its
 * first byte. The call is first made as asked, so an offset Linux refuses is still refused
 * with its own errno; only then is the mapping redone at offset 0. */
#include "../faulty.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = libc_real.mmap(addr, len, prot, flags, fd, off);
	if (p == MAP_FAILED || !FAULTY_ACTIVE() || (flags & MAP_ANONYMOUS) || fd < 0 || off == 0)
		return p;
	int at_p = (flags & ~MAP_FIXED_NOREPLACE) | MAP_FIXED;
	(void)libc_real.mmap(p, len, prot, at_p, fd, 0); /* on failure the right mapping stays */
	return p;
}
