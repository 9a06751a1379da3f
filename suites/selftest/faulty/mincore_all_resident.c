/* mincore_all_resident: mincore checks its arguments as Linux does, then reports every page
 * of the range resident. */
#include "../faulty.h"

#include <string.h>

int mincore(void *addr, size_t len, unsigned char *vec)
{
	int r = libc_real.mincore(addr, len, vec);
	if (r == 0 && FAULTY_ACTIVE())
		memset(vec, 1, (len + faulty_page() - 1) / faulty_page());
	return r;
}
