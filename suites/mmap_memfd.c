/* (b) memfd seals against MAP_SHARED mappings (memfd lives on the kernel's own tmpfs, not on
 * the file system under test). */
#include "mm_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- b14: memfd seals ---- */

static int memfd_sealable(size_t len)
{
	int fd = memfd_create("mmapsuite", MFD_ALLOW_SEALING);
	if (fd < 0)
		ms_broken("memfd_create(MFD_ALLOW_SEALING): %s", ms_errname(errno));
	xftruncate(fd, (off_t)len);
	return fd;
}

/* Assert that after F_SEAL_WRITE a writable shared mapping is refused with EPERM, and a
 * read-only one still works. LINUX (memfd_create(2), fcntl(2) F_ADD_SEALS). */
CONFORM(mmap_memfd, seal_write_refuses_writable_shared_map, "b14", LINUX)
{
	size_t len = 2 * ms_page();
	int fd = memfd_sealable(len);
	xcheck("F_ADD_SEALS", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	ms_assert_errno(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EPERM);
	const unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ms_assert_zero(p, 0, len, "read-only mapping of a write-sealed memfd");
	xmunmap((void *)p, len);
	xclose(fd);
}

/* Assert that F_SEAL_WRITE cannot be added while a writable shared mapping exists (EBUSY), and
 * can once it is unmapped. LINUX. */
CONFORM(mmap_memfd, seal_write_busy_while_writably_mapped, "b14", LINUX)
{
	size_t len = 2 * ms_page();
	int fd = memfd_sealable(len);
	unsigned char *p = xmap_shared(fd, len);
	ms_assert_errno(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
	xmunmap(p, len);
	ms_assert_ok(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	xclose(fd);
}

/* Assert that F_SEAL_FUTURE_WRITE refuses new writable shared mappings (EPERM), write()
 * (EPERM) and mprotect() of a read-only shared mapping to PROT_WRITE (EACCES), while a
 * writable mapping made before the seal keeps working. LINUX (5.1+). */
CONFORM(mmap_memfd, future_write_seal_blocks_new_writers, "b14", LINUX)
{
	size_t len = 2 * ms_page();
	int fd = memfd_sealable(len);
	unsigned char *old = xmap_shared(fd, len);
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) != 0)
		cr_skip_test("F_SEAL_FUTURE_WRITE not supported: %s", ms_errname(errno));
	ms_assert_errno(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EPERM);
	ms_assert_errno(pwrite(fd, "x", 1, 0), EPERM);
	unsigned char *ro = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ms_assert_errno(mprotect(ro, len, PROT_READ | PROT_WRITE), EACCES);
	old[5] = 0x55;
	cr_assert(ro[5] == 0x55, "store through the pre-seal writable mapping not seen: 0x%02x",
		  ro[5]);
	xmunmap(ro, len);
	xmunmap(old, len);
	xclose(fd);
}
