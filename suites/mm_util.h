/* Helpers shared by the (d) files: residency.c (d1-d8), faults.c (d9 d10), pagemap.c (d11)
 * and userfaultfd.c (d12). Static inline, so each file takes only what it uses.
 *
 * Page tables are read from /proc/self/pagemap: one 64-bit entry per page, bit 63 present,
 * bit 55 soft-dirty, bits 0-54 the PFN (zero without CAP_SYS_ADMIN). */
#ifndef MMAPSUITE_FAULTS_H
#define MMAPSUITE_FAULTS_H

#include "conform.h"

#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* userfaultfd features newer than Debian 12's kernel headers (include/uapi/linux/userfaultfd.h) */
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

#define PM_PRESENT (1ull << 63)
#define PM_SOFT_DIRTY (1ull << 55)
#define PM_PFN_MASK ((1ull << 55) - 1)

static inline uint64_t pagemap_entry(const void *addr)
{
	int fd = xopen("/proc/self/pagemap", O_RDONLY, 0);
	uint64_t e = 0;
	xpread(fd, &e, sizeof(e), (off_t)((uintptr_t)addr / ms_page() * sizeof(e)));
	xclose(fd);
	return e;
}

/* Fills present[i] (when present != NULL) with the pagemap present bit of page i; returns
 * how many are present. */
static inline size_t pagemap_present(const void *addr, size_t pages, bool *present)
{
	uint64_t *e = calloc(pages, sizeof(*e));
	if (!e)
		ms_broken("calloc");
	int fd = xopen("/proc/self/pagemap", O_RDONLY, 0);
	xpread(fd, e, pages * sizeof(*e), (off_t)((uintptr_t)addr / ms_page() * sizeof(*e)));
	xclose(fd);
	size_t n = 0;
	for (size_t i = 0; i < pages; i++) {
		bool p = e[i] & PM_PRESENT;
		if (present)
			present[i] = p;
		n += p;
	}
	free(e);
	return n;
}

/* Private anonymous read-write memory in base pages only: a huge zero page or a THP would
 * turn per-page counts into per-2MiB counts. */
static inline unsigned char *anon_nothp(size_t len)
{
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	xmadvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static inline void touch_read(const unsigned char *p)
{
	(void)*(const volatile unsigned char *)p;
}

/* A hot, clean file of len bytes: written, fsync()ed, every page in the page cache. */
static inline int hot_file(size_t len)
{
	int fd = ms_file(len, NULL);
	xfsync(fd);
	return fd;
}

/* Drops a clean file from the page cache with POSIX_FADV_DONTNEED, never the global
 * drop_caches: that disturbs every test running beside this one (observed on 6.18: after
 * drop_caches, tmpfs read faults on the files it passed over stop mapping neighbours, 64
 * faults for 64 pages). SKIPs when pages stay (tmpfs keeps them: its only backing is swap). */
static inline void drop_file_cache(int fd, size_t len)
{
	xfsync(fd);
	int e = posix_fadvise(fd, 0, (off_t)len, POSIX_FADV_DONTNEED);
	if (e)
		ms_broken("posix_fadvise(DONTNEED): %s", ms_errname(e));
	void *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	long resident = ms_resident(p, len);
	xmunmap(p, len);
	if (resident != 0)
		cr_skip_test("POSIX_FADV_DONTNEED left %ld of %zu pages cached on %s (tmpfs keeps "
			     "its pages: they can only go to swap), so a cold fault cannot be made",
			     resident, len / ms_page(), ms_fs_name());
}

/* A userfaultfd for user-mode faults (allowed without privilege even with
 * vm.unprivileged_userfaultfd=0), with the given features; SKIPs when refused. glibc has no
 * wrapper, hence syscall(). */
static inline int xuserfaultfd(uint64_t features)
{
	ms_require_behaviour(MS_USERFAULTFD);
	int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (uffd < 0)
		cr_skip_test("userfaultfd: %s (not built in, or refused: set "
			     "vm.unprivileged_userfaultfd=1 or run as root)", ms_errname(errno));
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	if (ioctl(uffd, UFFDIO_API, &api) != 0)
		cr_skip_test("UFFDIO_API with features 0x%llx: %s (this kernel lacks them)",
			     (unsigned long long)features, ms_errname(errno));
	return uffd;
}

static inline void xuffd_register(int uffd, void *addr, size_t len, uint64_t mode)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = len }, .mode = mode,
	};
	xcheck("ioctl(UFFDIO_REGISTER)", ioctl(uffd, UFFDIO_REGISTER, &reg));
}

#endif
