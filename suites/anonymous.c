/* (a) Anonymous mappings. */
#include "conform.h"

#include <string.h>
#include <unistd.h>

static const size_t npages = 16;

/* Assert that fresh private anonymous memory reads as zero and keeps what is stored. */
CONFORM(mmap_anonymous, private_reads_zero_and_is_writable, "a1", POSIX)
{
	size_t len = npages * ms_page();
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (size_t i = 0; i < len; i++)
		cr_assert(p[i] == 0, "byte %zu of a fresh anonymous mapping is 0x%02x, not 0\n%s", i,
			  p[i], ms_maps_near(p, len));
	memset(p, 0xa5, len);
	for (size_t i = 0; i < len; i += 509)
		cr_assert(p[i] == 0xa5, "byte %zu lost the value stored", i);
	xmunmap(p, len);
}

/* Assert that a child's stores to MAP_SHARED|MAP_ANONYMOUS memory are seen by the parent. */
CONFORM(mmap_anonymous, shared_stores_seen_across_fork, "a2", POSIX)
{
	size_t len = npages * ms_page();
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid = xfork();
	if (pid == 0) {
		for (size_t i = 0; i < len; i++)
			p[i] = (unsigned char)(i ^ 0x5a);
		_exit(0);
	}
	xwait_ok(pid);
	for (size_t i = 0; i < len; i++)
		cr_assert(p[i] == (unsigned char)(i ^ 0x5a),
			  "byte %zu: the parent sees 0x%02x, the child stored 0x%02x", i, p[i],
			  (unsigned char)(i ^ 0x5a));
	xmunmap(p, len);
}
