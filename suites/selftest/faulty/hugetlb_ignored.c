/* hugetlb_ignored: MAP_HUGETLB (with its MAP_HUGE_* size) and MFD_HUGETLB are dropped, so the
 * memory comes in base pages: mappings succeed where hugetlb would refuse (no reserved pages,
 * unaligned length) and smaps shows 4 kB pages. */
#include "../faulty.h"

#include <linux/mman.h>

#define HUGE_SIZE_BITS (MAP_HUGE_MASK << MAP_HUGE_SHIFT)

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (FAULTY_ACTIVE())
		flags &= ~(MAP_HUGETLB | HUGE_SIZE_BITS);
	return libc_real.mmap(addr, len, prot, flags, fd, off);
}

int memfd_create(const char *name, unsigned int flags)
{
	if (FAULTY_ACTIVE())
		flags &= ~(MFD_HUGETLB | HUGE_SIZE_BITS);
	return ((int (*)(const char *, unsigned int))faulty_next("memfd_create"))(name, flags);
}
