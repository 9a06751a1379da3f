/* (b) POSIX shared memory objects mapped MAP_SHARED (shm_open lives on the kernel's own tmpfs,
 * /dev/shm, not on the file system under test). */
#include "mm_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- b13: shm_open ---- */

static char shm_name[64];

static void shm_cleanup(void)
{
	shm_unlink(shm_name);
}

/* A new POSIX shared memory object with a name unique to this test, removed at exit. */
static int shm_new(void)
{
	snprintf(shm_name, sizeof(shm_name), "/mmapsuite-%d", (int)getpid());
	int fd = shm_open(shm_name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		ms_broken("shm_open(%s, O_CREAT|O_EXCL): %s", shm_name, ms_errname(errno));
	ms_at_exit(MS_CLEANUP_RELEASE, shm_cleanup);
	return fd;
}

/* Assert that a new shm_open() object has size zero and its descriptor has FD_CLOEXEC. */
CONFORM(mmap_shm, new_object_is_empty_and_cloexec, "b13", POSIX)
{
	int fd = shm_new();
	cr_assert(xfstat(fd).st_size == 0, "new shared memory object %s has size %lld, not 0",
		  shm_name, (long long)xfstat(fd).st_size);
	int flags = (int)xcheck("fcntl(F_GETFD)", fcntl(fd, F_GETFD));
	cr_assert(flags & FD_CLOEXEC, "shm_open() descriptor lacks FD_CLOEXEC (flags 0x%x)", flags);
	xclose(fd);
}

/* Assert that mappings through two shm_open() descriptors of one object share stores. */
CONFORM(mmap_shm, two_opens_share_stores, "b13", POSIX)
{
	size_t len = 2 * ms_page();
	int fd = shm_new();
	xftruncate(fd, (off_t)len);
	int fd2 = shm_open(shm_name, O_RDWR, 0);
	cr_assert(fd2 >= 0, "second shm_open(%s): %s", shm_name, ms_errname(errno));
	unsigned char *a = xmap_shared(fd, len), *b = xmap_shared(fd2, len);
	ms_assert_zero(a, 0, len, "new shared memory object");
	a[len - 1] = 0x31;
	b[3] = 0x13;
	cr_assert(b[len - 1] == 0x31 && a[3] == 0x13, "stores not shared between the two opens: "
		  "0x%02x 0x%02x\n%s%s", b[len - 1], a[3], ms_maps_near(a, len),
		  ms_maps_near(b, len));
	xmunmap(a, len);
	xmunmap(b, len);
	xclose(fd);
	xclose(fd2);
}

/* Assert that an object keeps its contents after the last close while mapped, and that after
 * shm_unlink() the name is gone but the mapping still holds the object. */
CONFORM(mmap_shm, persists_until_unlinked_and_unmapped, "b13", POSIX)
{
	size_t len = 2 * ms_page();
	int fd = shm_new();
	xftruncate(fd, (off_t)len);
	unsigned char *p = xmap_shared(fd, len);
	xclose(fd);
	ms_fill_stored(p, 0, len);
	fd = shm_open(shm_name, O_RDONLY, 0);
	cr_assert(fd >= 0, "shm_open(%s) after close: %s", shm_name, ms_errname(errno));
	ms_assert_file_bytes(fd, 0, len, ms_stored, "object reopened after close");
	xclose(fd);
	xcheck("shm_unlink", shm_unlink(shm_name));
	ms_assert_errno(shm_open(shm_name, O_RDONLY, 0), ENOENT);
	ms_assert_bytes(p, 0, len, ms_stored, "mapping after shm_unlink()");
	p[0] = 0x99;
	cr_assert(p[0] == 0x99);
	xmunmap(p, len);
}
