/* (b) File MAP_SHARED, timestamps: the first read reference marks st_atime, a store with
 * msync(MS_SYNC) marks st_mtime and st_ctime, every cycle of them again. On a file of the file
 * system under test. */
#include "mm_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* ---- b9, b10: timestamps ---- */

static bool ts_after(struct timespec a, struct timespec b)
{
	return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

/* Moves atime and mtime two days back, so that relatime and coarse clocks cannot hide an
 * update. */
static void age_times(int fd)
{
	struct timespec now, ts[2];
	clock_gettime(CLOCK_REALTIME, &now);
	ts[0] = ts[1] = (struct timespec){ .tv_sec = now.tv_sec - 2 * 86400 };
	xcheck("futimens", futimens(fd, ts));
}

/* Lets the kernel's coarse clock tick past the last timestamp taken (a tick is 1 to 10 ms). */
static void next_tick(void)
{
	nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
}

/* Assert that st_atime is marked for update between mmap() and the first read reference
 * (Linux marks it at mmap()). Skipped on noatime mounts, where atime is never updated. */
CONFORM(mmap_shared, first_read_reference_marks_atime, "b9", POSIX)
{
	struct statvfs vfs;
	xcheck("statvfs", statvfs(ms_dir(), &vfs));
	if (vfs.f_flag & ST_NOATIME)
		cr_skip_test("%s is mounted noatime: atime is never updated", ms_dir());
	size_t len = 2 * ms_page();
	int fd = ms_file(len, NULL);
	age_times(fd);
	struct stat before = xfstat(fd);
	const unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	cr_assert(p[100] == ms_pattern(100));
	struct stat after = xfstat(fd);
	cr_assert(ts_after(after.st_atim, before.st_atim),
		  "st_atime not updated by mmap() and a read reference: %lld.%09ld before, "
		  "%lld.%09ld after (mount flags 0x%lx)", (long long)before.st_atim.tv_sec,
		  before.st_atim.tv_nsec, (long long)after.st_atim.tv_sec, after.st_atim.tv_nsec,
		  vfs.f_flag);
	xmunmap((void *)p, len);
	xclose(fd);
}

/* Assert that st_mtime and st_ctime are updated between a first write reference and the next
 * msync(MS_SYNC). The store is the page's first reference (see the tests below for a page
 * read first, and for later cycles). */
CONFORM(mmap_shared, write_then_msync_updates_mtime_ctime, "b10", POSIX)
{
	size_t len = 2 * ms_page();
	int fd = ms_file(len, NULL);
	age_times(fd);
	unsigned char *p = xmap_shared(fd, len);
	struct stat before = xfstat(fd);
	next_tick();
	p[10] = 0x42;
	xmsync(p, len, MS_SYNC);
	struct stat after = xfstat(fd);
	cr_assert(ts_after(after.st_mtim, before.st_mtim) &&
		  ts_after(after.st_ctim, before.st_ctim),
		  "after a store and msync(MS_SYNC) on %s: mtime %lld.%09ld -> %lld.%09ld, ctime "
		  "%lld.%09ld -> %lld.%09ld; both must move forward", ms_fs_name(),
		  (long long)before.st_mtim.tv_sec, before.st_mtim.tv_nsec,
		  (long long)after.st_mtim.tv_sec, after.st_mtim.tv_nsec,
		  (long long)before.st_ctim.tv_sec, before.st_ctim.tv_nsec,
		  (long long)after.st_ctim.tv_sec, after.st_ctim.tv_nsec);
	xmunmap(p, len);
	xclose(fd);
}

enum { time_cycles = 4 };

/* Runs time_cycles cycles of (store to page 0, msync(MS_SYNC)) and writes into seen one letter
 * per cycle: U = mtime and ctime moved forward, - = neither, ? = only one. With read_first
 * the page is read-faulted before the first store. */
static void time_cycles_seen(bool read_first, char seen[time_cycles + 1])
{
	size_t len = ms_page();
	int fd = ms_file(len, NULL);
	age_times(fd);
	unsigned char *p = xmap_shared(fd, len);
	if (read_first)
		cr_assert(p[len - 1] == ms_pattern(len - 1));
	for (int c = 0; c < time_cycles; c++) {
		struct stat before = xfstat(fd);
		next_tick();
		p[c] = (unsigned char)(0x80 + c);
		xmsync(p, len, MS_SYNC);
		struct stat after = xfstat(fd);
		bool m = ts_after(after.st_mtim, before.st_mtim);
		bool ct = ts_after(after.st_ctim, before.st_ctim);
		seen[c] = m && ct ? 'U' : m || ct ? '?' : '-';
	}
	seen[time_cycles] = 0;
	xmunmap(p, len);
	xclose(fd);
}

/* Fails unless every cycle of time_cycles_seen(read_first) updated both times. */
static void assert_every_cycle_updates(bool read_first)
{
	char seen[time_cycles + 1];
	time_cycles_seen(read_first, seen);
	cr_assert(strcmp(seen, "UUUU") == 0,
		  "%s: mtime+ctime updates over %d store+msync(MS_SYNC) cycles on one page%s: %s, "
		  "expected UUUU (U = both updated, - = neither, ? = only one); POSIX mmap: marked "
		  "for update between every write reference and the next msync", ms_fs_name(),
		  time_cycles, read_first ? " read first" : "", seen);
}

/* Assert that every one of repeated store + msync(MS_SYNC) cycles on one page updates
 * st_mtime and st_ctime, the first store being the page's first reference. POSIX mmap():
 * "The st_ctime and st_mtime fields of a file that is mapped with MAP_SHARED and PROT_WRITE
 * shall be marked for update at some point in the interval between a write reference to the
 * mapped region and the next call to msync()". ext4, xfs and btrfs meet it: writeback
 * write-protects the page, so every cycle's store faults into page_mkwrite, which updates the
 * times. Known deviation: tmpfs has no writeback, the page stays writable after its first write
 * fault, so only the first cycle updates them (seen on Linux 6.18; kernel.expect). */
CONFORM(mmap_shared, repeated_write_msync_cycles_update_mtime, "b10", POSIX)
{
	assert_every_cycle_updates(false);
}

/* As above, with the page read before its first store. POSIX as above. Known deviation: tmpfs
 * never updates them: a read fault of a shared tmpfs page already maps it writable (no write
 * notification is needed without writeback), so no store ever faults and the times stay put
 * (seen on Linux 6.18; kernel.expect). */
CONFORM(mmap_shared, read_then_write_msync_cycles_update_mtime, "b10", POSIX)
{
	assert_every_cycle_updates(true);
}
