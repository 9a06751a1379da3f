/* (a) /dev/zero mapped: the same zero-filled memory as an anonymous mapping, private or
 * shared with children, and stores that never reach /dev/zero. */
#include "mm_util.h"

#include <fcntl.h>
#include <unistd.h>

static const size_t npages = 16;

/* Assert that /dev/zero mapped MAP_PRIVATE and MAP_SHARED reads as zero and is writable, and
 * that stores never reach /dev/zero (a later mapping still reads zero). */
CONFORM(mmap_dev_zero, private_and_shared_read_zero_and_are_writable, "a1", POSIX)
{
	size_t len = npages * ms_page();
	int fd = xopen("/dev/zero", O_RDWR, 0);
	const int types[] = { MAP_PRIVATE, MAP_SHARED, MAP_PRIVATE };
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		const char *type = types[t] == MAP_SHARED ? "MAP_SHARED" : "MAP_PRIVATE";
		unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, types[t], fd, 0);
		for (size_t i = 0; i < len; i++)
			cr_assert(p[i] == 0, "/dev/zero %s (mapping %zu): byte %zu is 0x%02x, not 0"
				  "\n%s", type, t, i, p[i], ms_maps_near(p, len));
		ms_fill_tagged(p, len, (unsigned char)t);
		size_t bad = ms_first_mismatch_tagged(p, len, (unsigned char)t);
		cr_assert(bad == len, "/dev/zero %s: byte %zu lost the value stored", type, bad);
		xmunmap(p, len);
	}
	xclose(fd);
}

/* Assert that MAP_SHARED mappings of /dev/zero behave as shared anonymous memory: a child's
 * stores are seen by the parent. */
CONFORM(mmap_dev_zero, shared_stores_seen_across_fork, "a2", POSIX)
{
	size_t len = npages * ms_page();
	int fd = xopen("/dev/zero", O_RDWR, 0);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pid_t pid = xfork();
	if (pid == 0) {
		ms_fill_tagged(p, len, 'Z');
		_exit(0);
	}
	xwait_ok(pid);
	size_t bad = ms_first_mismatch_tagged(p, len, 'Z');
	cr_assert(bad == len, "byte %zu: the parent sees 0x%02x, the child stored 0x%02x\n%s",
		  bad, p[bad], ms_tagged(bad, 'Z'), ms_maps_near(p, len));
	xmunmap(p, len);
	xclose(fd);
}
