/* mremap_loses_data: mremap that moves a mapping moves the range but not its pages: private
 * memory at the new address reads as zeros (anonymous) or as the file (file-backed), as if the
 * page tables had not been moved with the VMA. Shared mappings keep their data in the page
 * cache, so only private contents are lost. */
#include "../faulty.h"

void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	FAULTY_MREMAP_NEW_ADDRESS(flags, new_address);
	void *p = libc_real.mremap(old, old_size, new_size, flags, new_address);
	if (p != MAP_FAILED && p != old && FAULTY_ACTIVE())
		libc_real.madvise(p, new_size, MADV_DONTNEED);
	return p;
}
