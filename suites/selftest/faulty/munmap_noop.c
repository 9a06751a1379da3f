/* munmap_noop: munmap of a valid range returns success but leaves the mapping in place (its
 * memory, its locks and its contents stay reachable). Invalid arguments still reach Linux,
 * which refuses them with its own errno, so only the unmapping is wrong. */
#include "../faulty.h"

#include <stdint.h>

#if UINTPTR_MAX > 0xffffffffu
#define USER_VA_END 0x7ffffffff000UL /* x86-64 TASK_SIZE with 4-level page tables */
#else
/* 32-bit: arm's TASK_SIZE with the 3 GiB split (PAGE_OFFSET - 16 MiB), i386's is 3 GiB */
#define USER_VA_END 0xbf000000UL
#endif

int munmap(void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr;
	bool valid = len && start % faulty_page() == 0 && start + len > start &&
		     start + len <= USER_VA_END;
	if (FAULTY_ACTIVE() && valid)
		return 0;
	return libc_real.munmap(addr, len);
}
