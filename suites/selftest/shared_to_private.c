/* The engine of shared_as_private, store_at_munmap_only and noncoherent_shared: a MAP_SHARED
 * file mapping is silently replaced by a MAP_PRIVATE one of the same file, and the pages the
 * process wrote (its private copies) are copied to the file only at the moments the fault's
 * faulty_writeback_mode names. This is how a non-coherent cache, or an emulation layer that
 * "writes back on unmap", behaves.
 *
 * The real MAP_SHARED call is made first, so every argument check and errno stays Linux's own;
 * only then is the private mapping placed over it. Written pages are found in
 * /proc/self/pagemap: a present or swapped page of a private file mapping that is not a file
 * page is an anonymous copy, i.e. a page the process stored to. Bytes past the end of the file
 * are never written, so the file never grows. */
#include "faulty.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)
#define PM_FILE_OR_SHARED (1ULL << 61)
#define MAX_REGIONS 256
#define DUP_FD_FLOOR 512 /* keep our descriptors away from the low numbers tests use */

struct region {
	uintptr_t start, end;
	int fd;       /* our own duplicate: the test may close its descriptor */
	off_t off;    /* file offset of start */
};

static struct region regions[MAX_REGIONS];
static int n_regions;
static pthread_mutex_t regions_lock = PTHREAD_MUTEX_INITIALIZER;

static bool page_was_written(int pagemap, uintptr_t page)
{
	uint64_t entry;
	off_t at = (off_t)(page / faulty_page()) * (off_t)sizeof(entry);
	if (pread(pagemap, &entry, sizeof(entry), at) != (ssize_t)sizeof(entry))
		return false;
	return (entry & (PM_PRESENT | PM_SWAPPED)) && !(entry & PM_FILE_OR_SHARED);
}

/* Copies the written pages of [start, end) (inside r) to the file, up to its current end. */
static void write_back(const struct region *r, uintptr_t start, uintptr_t end)
{
	struct stat st;
	int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pagemap < 0 || fstat(r->fd, &st) != 0)
		goto out;
	for (uintptr_t page = start; page < end; page += faulty_page()) {
		off_t file_off = r->off + (off_t)(page - r->start);
		if (file_off >= st.st_size || !page_was_written(pagemap, page))
			continue;
		size_t n = faulty_page();
		if ((off_t)n > st.st_size - file_off)
			n = (size_t)(st.st_size - file_off);
		/* EFAULT on a page made PROT_NONE since: its stores are lost, as in the bug. */
		(void)!pwrite(r->fd, (const void *)page, n, file_off);
	}
out:
	if (pagemap >= 0)
		close(pagemap);
}

static void remove_region(int i)
{
	close(regions[i].fd);
	regions[i] = regions[--n_regions];
}

/* The part [start, end) stops being tracked (unmapped or replaced), written back first when
 * write_first. A region cut in the middle is split in two. Called with the lock held. */
static void forget_range(uintptr_t start, uintptr_t end, bool write_first)
{
	for (int i = 0; i < n_regions; i++) {
		struct region *r = &regions[i];
		if (r->end <= start || r->start >= end)
			continue;
		uintptr_t lo = start > r->start ? start : r->start;
		uintptr_t hi = end < r->end ? end : r->end;
		if (write_first)
			write_back(r, lo, hi);
		if (lo > r->start && hi < r->end && n_regions < MAX_REGIONS) {
			struct region tail = *r;
			tail.fd = fcntl(r->fd, F_DUPFD_CLOEXEC, DUP_FD_FLOOR);
			tail.off += (off_t)(hi - r->start);
			tail.start = hi;
			r->end = lo;
			if (tail.fd >= 0)
				regions[n_regions++] = tail;
		} else if (lo > r->start) {
			r->end = lo;
		} else if (hi < r->end) {
			r->off += (off_t)(hi - r->start);
			r->start = hi;
		} else {
			remove_region(i--);
		}
	}
}

static void track(void *addr, size_t len, int fd, off_t off)
{
	if (faulty_writeback_mode == WRITEBACK_NEVER || n_regions == MAX_REGIONS)
		return;
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, DUP_FD_FLOOR);
	if (dup_fd < 0)
		return;
	regions[n_regions++] = (struct region){ .start = (uintptr_t)addr,
						.end = (uintptr_t)addr + len, .fd = dup_fd,
						.off = off };
}

static bool is_shared_file(int flags, int fd)
{
	int type = flags & MAP_TYPE;
	return !(flags & MAP_ANONYMOUS) && fd >= 0 &&
	       (type == MAP_SHARED || type == MAP_SHARED_VALIDATE);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	bool replace = (flags & MAP_FIXED) && !(flags & MAP_FIXED_NOREPLACE);
	pthread_mutex_lock(&regions_lock);
	if (replace && len)
		forget_range((uintptr_t)addr, (uintptr_t)addr + len,
			     faulty_writeback_mode != WRITEBACK_NEVER);
	void *p = libc_real.mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED && FAULTY_ACTIVE() && is_shared_file(flags, fd)) {
		int private_flags = (flags & ~(MAP_TYPE | MAP_SYNC | MAP_FIXED_NOREPLACE)) |
				    MAP_PRIVATE | MAP_FIXED;
		if (libc_real.mmap(p, len, prot, private_flags, fd, off) == p)
			track(p, len, fd, off);
	}
	pthread_mutex_unlock(&regions_lock);
	return p;
}

int munmap(void *addr, size_t len)
{
	if (len && (uintptr_t)addr % faulty_page() == 0) {
		pthread_mutex_lock(&regions_lock);
		forget_range((uintptr_t)addr, (uintptr_t)addr + len,
			     faulty_writeback_mode != WRITEBACK_NEVER);
		pthread_mutex_unlock(&regions_lock);
	}
	return libc_real.munmap(addr, len);
}

int msync(void *addr, size_t len, int flags)
{
	if (faulty_writeback_mode == WRITEBACK_AT_MSYNC_MUNMAP && len &&
	    (uintptr_t)addr % faulty_page() == 0) {
		uintptr_t start = (uintptr_t)addr, end = start + len;
		pthread_mutex_lock(&regions_lock);
		for (int i = 0; i < n_regions; i++) {
			struct region *r = &regions[i];
			if (r->end > start && r->start < end)
				write_back(r, start > r->start ? start : r->start,
					   end < r->end ? end : r->end);
		}
		pthread_mutex_unlock(&regions_lock);
	}
	return libc_real.msync(addr, len, flags);
}

/* A tracked mapping moved or resized whole keeps being tracked at its new place; one cut by
 * mremap is written back (when the mode writes at all) and forgotten. */
void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	FAULTY_MREMAP_NEW_ADDRESS(flags, new_address);
	uintptr_t start = (uintptr_t)old, end = start + old_size;
	int whole = -1;
	pthread_mutex_lock(&regions_lock);
	for (int i = 0; i < n_regions && old_size; i++)
		if (regions[i].start == start && regions[i].end == end)
			whole = i;
	if (whole < 0 && old_size)
		forget_range(start, end, faulty_writeback_mode != WRITEBACK_NEVER);
	void *p = libc_real.mremap(old, old_size, new_size, flags, new_address);
	if (p != MAP_FAILED && whole >= 0) {
		regions[whole].start = (uintptr_t)p;
		regions[whole].end = (uintptr_t)p + new_size;
	}
	pthread_mutex_unlock(&regions_lock);
	return p;
}
