/* shm_excl_ignored: shm_open drops O_EXCL, so O_CREAT|O_EXCL on an existing name opens it
 * instead of failing EEXIST (a non-atomic check-and-create). Breaks P-shm-07 and P-shm-E02. */
#include "../faulty.h"

#include <fcntl.h>

int shm_open(const char *name, int oflag, mode_t mode)
{
	int (*real)(const char *, int, mode_t) = faulty_next("shm_open");
	if (FAULTY_ACTIVE())
		oflag &= ~O_EXCL;
	return real(name, oflag, mode);
}
