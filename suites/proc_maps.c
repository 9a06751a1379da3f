/* (a) /proc/self/maps: what it shows of a mapping (Linux). */
#include "mm_util.h"

#include <string.h>

/* ---- a6: /proc/self/maps permissions ---- */

/* Assert that the rwxp/s column of /proc/self/maps matches prot and the mapping type for all
 * 8 protections of anonymous memory of one type (MAP_PRIVATE or MAP_SHARED, one result each;
 * Linux shows the requested protection bits, so PROT_WRITE alone reads "-w-"). */
static void anonymous_perms_match_prot_and_type(int type)
{
	size_t len = 2 * ms_page();
	int flags = type | MAP_ANONYMOUS;
	bool shared = type == MAP_SHARED;
	for (int prot = 0; prot < 8; prot++) {
		void *p = xmmap(NULL, len, prot, flags, -1, 0);
		char expect[5] = {
			prot & PROT_READ ? 'r' : '-', prot & PROT_WRITE ? 'w' : '-',
			prot & PROT_EXEC ? 'x' : '-', shared ? 's' : 'p', 0,
		};
		char line[512];
		struct ms_vma vma;
		cr_assert(ms_vma_at(p, &vma, line, sizeof(line)), "mapping %p (prot %d) is missing "
			  "from /proc/self/maps", p, prot);
		cr_assert(strcmp(vma.perms, expect) == 0,
			  "prot 0x%x %s: /proc/self/maps shows \"%s\", expected perms %s", prot,
			  shared ? "MAP_SHARED" : "MAP_PRIVATE", line, expect);
		xmunmap(p, len);
	}
}
CONFORM_PER_MAP_TYPE(proc_maps, anonymous_perms_match_prot_and_type, "a6", LINUX,
		     anonymous_perms_match_prot_and_type)
