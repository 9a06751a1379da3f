/* (l) A driver's f_op->mmap: the test module drivers/mmaptest (/dev/mmaptest) in each of its
 * mapping modes, checked against the counters it reports through MMAPTEST_IOC_STATS.
 *
 * Each open file of the device owns one buffer; the mode decides how it is mapped: lazy
 * (vm_ops->fault), eager (remap_pfn_range), insert (vm_insert_pages), dma (dma_mmap_coherent,
 * MAP_SHARED only, as videobuf2). Suites are named driver_<mode>. Without the module every
 * test SKIPs: this needs a kernel that loaded mmaptest.ko (tools/vm boots one). */
#include "mm_util.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmaptest.h"

#define NPAGES 8

static const char *const mode_name[MMAPTEST_MODE_COUNT] = {
	[MMAPTEST_MODE_LAZY] = "lazy (vm_ops->fault)",
	[MMAPTEST_MODE_EAGER] = "eager (remap_pfn_range)",
	[MMAPTEST_MODE_INSERT] = "insert (vm_insert_pages)",
	[MMAPTEST_MODE_DMA] = "dma (dma_mmap_coherent)",
};

/* The bytes tests put in a buffer: byte off of the buffer tagged tag. Unlike ms_tagged(), every
 * page differs from every other, so a mapping of the wrong page is told apart. */
static unsigned char pat(size_t off, unsigned char tag)
{
	return (unsigned char)(off * 13u + off / ms_page() * 101u + tag);
}

static void fill_pat(unsigned char *p, size_t len, size_t first, unsigned char tag)
{
	for (size_t i = 0; i < len; i++)
		p[i] = pat(first + i, tag);
}

/* First i in [0, len) where p[i] is not pat(first + i, tag), or len. */
static size_t mismatch_pat(const unsigned char *p, size_t len, size_t first, unsigned char tag)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != pat(first + i, tag))
			return i;
	return len;
}

/* Opens the device with flags; SKIPs when the module is not loaded. */
static int dev_open(int flags)
{
	int fd = open(MMAPTEST_DEVICE, flags | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENXIO || errno == ENODEV))
		cr_skip_test("no %s (%s): the mmaptest module is not loaded here; build it with "
			     "drivers/build and run the driver suite in a guest (tools/vm)",
			     MMAPTEST_DEVICE, ms_errname(errno));
	if (fd < 0)
		ms_broken("open %s: %s", MMAPTEST_DEVICE, ms_errname(errno));
	return fd;
}

/* An open file of the device (flags) with a buffer of npages in mode, filled with
 * pat(offset, tag) through write(). */
static int dev_setup(int flags, int mode, size_t npages, unsigned char tag)
{
	int fd = dev_open(flags);
	struct mmaptest_setup s = { .mode = (uint32_t)mode, .size = npages * ms_page() };
	if (ioctl(fd, MMAPTEST_IOC_SETUP, &s) != 0)
		ms_broken("MMAPTEST_IOC_SETUP %s, %zu pages: %s", mode_name[mode], npages,
			  ms_errname(errno));
	if ((flags & O_ACCMODE) != O_RDONLY) {
		size_t len = npages * ms_page();
		unsigned char *b = malloc(len);
		if (!b)
			ms_broken("malloc %zu", len);
		fill_pat(b, len, 0, tag);
		xpwrite(fd, b, len, 0);
		free(b);
	}
	return fd;
}

/* dev_setup(O_RDWR, mode, NPAGES, tag), its whole buffer mapped MAP_SHARED read-write; the
 * descriptor in *fd, or left open to the test's end when fd is NULL. */
static unsigned char *dev_map_shared(int mode, unsigned char tag, int *fd)
{
	int dev = dev_setup(O_RDWR, mode, NPAGES, tag);
	if (fd)
		*fd = dev;
	return xmap_shared(dev, NPAGES * ms_page());
}

static struct mmaptest_stats dev_stats(int fd)
{
	struct mmaptest_stats st;
	if (ioctl(fd, MMAPTEST_IOC_STATS, &st) != 0)
		ms_broken("MMAPTEST_IOC_STATS: %s", ms_errname(errno));
	return st;
}

/* VMAs alive by the module's count: each mmap and each vm_ops->open adds one, each
 * vm_ops->close removes one. */
static long live_vmas(const struct mmaptest_stats *st)
{
	return (long)(st->mmaps + st->vma_opens) - (long)st->vma_closes;
}

static void assert_tagged(const unsigned char *p, size_t len, size_t first, unsigned char tag,
			  const char *what, int mode)
{
	size_t i = mismatch_pat(p, len, first, tag);
	cr_assert(i == len, "%s, %s: byte %zu is 0x%02x, expected 0x%02x (buffer offset %zu)\n%s",
		  mode_name[mode], what, i, i < len ? p[i] : 0, pat(first + i, tag), first + i,
		  ms_maps_near(p, len));
}

#define DRIVER_TEST_EACH_MODE(name, ids, fn)                                                \
	CONFORM(driver_lazy, name, ids, LINUX) { fn(MMAPTEST_MODE_LAZY); }                  \
	CONFORM(driver_eager, name, ids, LINUX) { fn(MMAPTEST_MODE_EAGER); }                \
	CONFORM(driver_insert, name, ids, LINUX) { fn(MMAPTEST_MODE_INSERT); }              \
	CONFORM(driver_dma, name, ids, LINUX) { fn(MMAPTEST_MODE_DMA); }

/* ---- l1: lazy faults ---- */

/* Assert that mmap() of a lazy driver mapping calls vm_ops->fault for no page. */
CONFORM(driver_lazy, mmap_faults_nothing, "l1", LINUX)
{
	int fd = dev_setup(O_RDWR, MMAPTEST_MODE_LAZY, NPAGES, 1);
	unsigned char *p = xmap_shared(fd, NPAGES * ms_page());
	struct mmaptest_stats st = dev_stats(fd);
	cr_assert(st.mmaps == 1, "the module counted %llu mmap calls, expected 1",
		  (unsigned long long)st.mmaps);
	cr_assert(st.faults == 0, "%llu faults before any access\n%s",
		  (unsigned long long)st.faults, ms_maps_near(p, NPAGES * ms_page()));
	xmunmap(p, NPAGES * ms_page());
}

/* Assert that vm_ops->fault runs once for each page touched, on the first touch only, and
 * for no page left untouched. */
CONFORM(driver_lazy, fault_once_per_touched_page, "l1", LINUX)
{
	const size_t pg = ms_page();
	static const int touched[] = { 0, 1, 2, 5 };
	int fd = dev_setup(O_RDWR, MMAPTEST_MODE_LAZY, NPAGES, 2);
	unsigned char *p = xmap_shared(fd, NPAGES * pg);
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < sizeof(touched) / sizeof(touched[0]); i++) {
			volatile unsigned char *q = p + (size_t)touched[i] * pg;
			if (round == 2)
				q[pg - 1] = 0x5a; /* a store after a load: no new fault either */
			else
				(void)q[round * 7];
		}
	struct mmaptest_stats st = dev_stats(fd);
	for (size_t i = 0; i < NPAGES; i++) {
		unsigned want = (i <= 2 || i == 5) ? 1 : 0;
		cr_assert(st.fault_count[i] == want,
			  "page %zu: vm_ops->fault ran %u times, expected %u (pages 0, 1, 2 and 5 "
			  "touched three times each)\n%s",
			  i, st.fault_count[i], want, ms_maps_near(p, NPAGES * pg));
	}
	cr_assert(st.faults == 4, "%llu faults in all, expected 4", (unsigned long long)st.faults);
	xmunmap(p, NPAGES * pg);
}

/* ---- l2: read()/write() and the mapping ---- */

/* Assert that what write() put in the buffer is read through the mapping, and that stores
 * through the mapping are returned by read(). */
static void coherent_with_read_write(int mode)
{
	const size_t len = NPAGES * ms_page();
	int fd;
	unsigned char *p = dev_map_shared(mode, 3, &fd);
	assert_tagged(p, len, 0, 3, "mapping after write()", mode);
	fill_pat(p, len, 0, 4);
	unsigned char *back = ms_read_range(fd, 0, len);
	assert_tagged(back, len, 0, 4, "read() after stores through the mapping", mode);
	free(back);
	xmunmap(p, len);
}
DRIVER_TEST_EACH_MODE(read_write_coherent_with_mapping, "l2", coherent_with_read_write)

/* ---- l3: MAP_SHARED between processes ---- */

/* Assert that a child's stores through an inherited MAP_SHARED mapping reach the parent's. */
static void shared_across_fork(int mode)
{
	const size_t len = NPAGES * ms_page();
	unsigned char *p = dev_map_shared(mode, 5, NULL);
	(void)*(volatile unsigned char *)p;
	pid_t pid = xfork();
	if (pid == 0) {
		fill_pat(p, len, 0, 6);
		_exit(0);
	}
	xwait_ok(pid);
	assert_tagged(p, len, 0, 6, "parent's mapping after the child's stores", mode);
	xmunmap(p, len);
}
DRIVER_TEST_EACH_MODE(shared_store_seen_across_fork, "l3", shared_across_fork)

/* Assert that a second process that maps the same open file shares the buffer both ways. */
static void shared_between_mappings(int mode)
{
	const size_t len = NPAGES * ms_page();
	int fd;
	unsigned char *p = dev_map_shared(mode, 7, &fd);
	struct ms_handshake h;
	if (ms_fork_handshake(&h) == 0) {
		xmunmap(p, len);
		unsigned char *q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		child_check(q != MAP_FAILED, "child mmap: %s", ms_errname(errno));
		child_check(ms_hear_parent(&h), "no token from the parent");
		size_t bad = mismatch_pat(q, len, 0, 8);
		child_check(bad == len, "child sees 0x%02x at %zu, parent stored 0x%02x", q[bad],
			    bad, pat(bad, 8));
		fill_pat(q, len, 0, 9);
		ms_tell_parent(&h);
		_exit(0);
	}
	fill_pat(p, len, 0, 8);
	ms_tell_child(&h);
	cr_assert(ms_hear_child(&h), "no answer from the child");
	xwait_ok(h.pid);
	assert_tagged(p, len, 0, 9, "parent's mapping after the other process's stores", mode);
	xmunmap(p, len);
}
DRIVER_TEST_EACH_MODE(shared_between_processes, "l3", shared_between_mappings)

/* ---- l4: MAP_PRIVATE ---- */

/* Assert what MAP_PRIVATE gives in each mode: a copy-on-write mapping whose stores stay
 * private (fault, vm_insert_pages, and remap_pfn_range over the whole VMA), or EINVAL for a
 * DMA buffer, which, as videobuf2 does, the driver maps shared or not at all. */
static void private_mapping(int mode)
{
	const size_t pg = ms_page(), len = NPAGES * pg;
	int fd = dev_setup(O_RDWR, mode, NPAGES, 10);
	if (mode == MMAPTEST_MODE_DMA) {
		ms_assert_errno(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0),
				EINVAL);
		return;
	}
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	assert_tagged(p, len, 0, 10, "MAP_PRIVATE mapping before any store", mode);
	fill_pat(p, pg, 0, 11);
	assert_tagged(p, pg, 0, 11, "MAP_PRIVATE page after a store", mode);
	unsigned char *dev = ms_read_range(fd, 0, len);
	assert_tagged(dev, len, 0, 10, "read() after a store to a MAP_PRIVATE mapping", mode);
	free(dev);
	xmunmap(p, len);
}
DRIVER_TEST_EACH_MODE(private_store_stays_private, "l4", private_mapping)

/* Assert that a MAP_PRIVATE remap_pfn_range() mapping still copies on write after a split:
 * the pfn it keeps in vm_pgoff for COW must follow the split. */
CONFORM(driver_eager, private_store_after_split_stays_private, "l4", LINUX)
{
	const size_t pg = ms_page(), len = NPAGES * pg;
	int fd = dev_setup(O_RDWR, MMAPTEST_MODE_EAGER, NPAGES, 12);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	xmunmap(p + 2 * pg, pg);
	fill_pat(p + 4 * pg, pg, 0, 13);
	assert_tagged(p + 4 * pg, pg, 0, 13, "private page after a split and a store",
		      MMAPTEST_MODE_EAGER);
	assert_tagged(p + 5 * pg, pg, 5 * pg, 12, "untouched private page after a split",
		      MMAPTEST_MODE_EAGER);
	unsigned char *dev = ms_read_range(fd, 0, len);
	assert_tagged(dev, len, 0, 12, "read() after a store to a split MAP_PRIVATE mapping",
		      MMAPTEST_MODE_EAGER);
	free(dev);
	xmunmap(p, 2 * pg);
	xmunmap(p + 3 * pg, len - 3 * pg);
}

/* ---- l5: validation of the request ---- */

/* Far past the buffer, where the driver's own check must refuse it: 1 TiB, or 1 GiB with a
 * 32-bit word, where Linux answers EOVERFLOW before the driver for a character device's offset
 * past ULONG_MAX (file_mmap_size_max() and file_mmap_ok(), mm/mmap.c). */
#if UINTPTR_MAX > 0xffffffffu
#define FAR_PAST_END ((off_t)1 << 40)
#else
#define FAR_PAST_END ((off_t)1 << 30)
#endif

/* Assert that requests past the buffer's end are refused with EINVAL (as mmap_mem checks
 * them), and offsets that are not page multiples too. */
static void bad_ranges(int mode)
{
	const size_t pg = ms_page(), size = NPAGES * pg;
	const struct ms_bad_range tcases[] = {
		{ size + pg, 0, "one page longer than the buffer" },
		{ 2 * pg, (off_t)(size - pg), "starts inside, ends one page past the end" },
		{ pg, (off_t)size, "offset at the buffer's end" },
		{ pg, FAR_PAST_END, "offset far past the end" },
		{ pg, (off_t)(pg / 2), "offset not a page multiple" },
	};
	int fd = dev_setup(O_RDWR, mode, NPAGES, 14);
	ms_assert_ranges_einval(fd, tcases, sizeof(tcases) / sizeof(tcases[0]), mode_name[mode]);
}
DRIVER_TEST_EACH_MODE(range_past_buffer_einval, "l5", bad_ranges)

/* Assert that a read-only open cannot give a writable shared mapping: mmap with PROT_WRITE
 * fails with EACCES, and so does mprotect(PROT_WRITE) of a PROT_READ mapping, whose stores
 * raise SIGSEGV. */
CONFORM(driver_lazy, readonly_open_refuses_shared_write, "l5", POSIX)
{
	const size_t len = NPAGES * ms_page();
	int fd = dev_setup(O_RDONLY, MMAPTEST_MODE_LAZY, NPAGES, 0);
	ms_assert_errno(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	errno = 0;
	int r = mprotect(p, len, PROT_READ | PROT_WRITE);
	int e = errno;
	cr_assert(r == -1 && e == EACCES,
		  "mprotect(PROT_WRITE) of a read-only open's MAP_SHARED mapping: expected EACCES, "
		  "got %d with %s\n%s", r, ms_errname(e), ms_maps_near(p, len));
	struct ms_fault f;
	cr_assert(ms_probe_write(p, 0x77, &f) && f.signo == SIGSEGV,
		  "a store to a PROT_READ mapping of a read-only open did not fault\n%s",
		  ms_maps_near(p, len));
	xmunmap(p, len);
}

/* ---- l6: vm_ops->open and close ---- */

/* Assert that fork calls vm_ops->open once for the child's copy and the child's exit calls
 * vm_ops->close once; munmap closes the parent's. */
static void fork_open_close(int mode)
{
	const size_t len = NPAGES * ms_page();
	int fd;
	unsigned char *p = dev_map_shared(mode, 15, &fd);
	pid_t pid = xfork();
	if (pid == 0)
		_exit(0);
	xwait_ok(pid);
	struct mmaptest_stats st = dev_stats(fd);
	cr_assert(st.vma_opens == 1 && st.vma_closes == 1,
		  "%s: after fork and the child's exit: %llu vm_ops->open, %llu close; "
		  "expected 1 and 1", mode_name[mode], (unsigned long long)st.vma_opens,
		  (unsigned long long)st.vma_closes);
	xmunmap(p, len);
	st = dev_stats(fd);
	cr_assert(live_vmas(&st) == 0, "%s: %ld mappings still open by the module's count "
		  "(%llu mmap, %llu open, %llu close)", mode_name[mode], live_vmas(&st),
		  (unsigned long long)st.mmaps, (unsigned long long)st.vma_opens,
		  (unsigned long long)st.vma_closes);
}
DRIVER_TEST_EACH_MODE(fork_opens_exit_closes, "l6", fork_open_close)

static bool count_device_vma(const struct ms_vma *vma, void *arg)
{
	*(int *)arg += strstr(vma->name, MMAPTEST_DEVICE) != NULL;
	return true;
}

/* Counts the lines of /proc/self/maps naming the device. */
static int device_vmas(void)
{
	int n = 0;
	if (!ms_vma_walk(count_device_vma, &n))
		ms_broken("open /proc/self/maps: %s", ms_errname(errno));
	return n;
}

static void assert_vma_count(int fd, int expected, const char *when, const void *p, size_t len)
{
	struct mmaptest_stats st = dev_stats(fd);
	cr_assert(device_vmas() == expected, "%s: %d device mappings in /proc/self/maps, expected "
		  "%d\n%s", when, device_vmas(), expected, ms_maps_near(p, len));
	cr_assert(live_vmas(&st) == expected,
		  "%s: the module counts %ld live mappings (%llu mmap + %llu vm_ops->open - %llu "
		  "close), /proc/self/maps shows %d\n%s", when, live_vmas(&st),
		  (unsigned long long)st.mmaps, (unsigned long long)st.vma_opens,
		  (unsigned long long)st.vma_closes, expected, ms_maps_near(p, len));
}

/* Assert that unmapping the middle of a driver mapping opens the pieces it splits off and
 * closes the piece unmapped: the module's count of live mappings follows /proc/self/maps. */
CONFORM(driver_lazy, partial_munmap_opens_and_closes, "l6", LINUX)
{
	const size_t pg = ms_page(), len = NPAGES * pg;
	int fd = dev_setup(O_RDWR, MMAPTEST_MODE_LAZY, NPAGES, 16);
	unsigned char *p = xmap_shared(fd, len);
	assert_vma_count(fd, 1, "after mmap", p, len);
	xmunmap(p + 3 * pg, pg);
	assert_vma_count(fd, 2, "after unmapping page 3 of 8", p, len);
	assert_tagged(p + 4 * pg, pg, 4 * pg, 16, "page 4 after the split", MMAPTEST_MODE_LAZY);
	xmunmap(p, len);
	assert_vma_count(fd, 0, "after unmapping everything", p, len);
}

/* Assert that mremap moving a driver mapping opens the new one and closes the old, and the
 * moved mapping still shows the buffer. */
CONFORM(driver_lazy, mremap_move_opens_and_closes, "l6", LINUX)
{
	const size_t pg = ms_page(), len = NPAGES * pg;
	int fd = dev_setup(O_RDWR, MMAPTEST_MODE_LAZY, NPAGES, 17);
	unsigned char *hole = xmmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *p = xmap_shared(fd, len);
	(void)*(volatile unsigned char *)p;
	unsigned char *q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, hole);
	cr_assert(q == hole, "mremap to %p: %s", (void *)hole, ms_errname(errno));
	struct mmaptest_stats st = dev_stats(fd);
	cr_assert(st.vma_opens >= 1 && st.vma_closes >= 1,
		  "mremap move: %llu vm_ops->open, %llu close; expected at least one of each",
		  (unsigned long long)st.vma_opens, (unsigned long long)st.vma_closes);
	assert_vma_count(fd, 1, "after mremap", q, len);
	assert_tagged(q, len, 0, 17, "moved mapping", MMAPTEST_MODE_LAZY);
	xmunmap(q, len);
	assert_vma_count(fd, 0, "after munmap of the moved mapping", q, len);
}

/* ---- l7: page references ---- */

/* Assert that each mapped page holds one reference per page table entry while mapped, none
 * once unmapped, and that no page the module frees is still referenced. */
static void page_refs_dropped(int mode)
{
	const size_t pg = ms_page(), len = NPAGES * pg;
	int watch = dev_open(O_RDONLY);
	unsigned long long stale = dev_stats(watch).stale_pages_freed;
	int fd = dev_setup(O_RDWR, mode, NPAGES, 18);
	unsigned char *p = xmap_shared(fd, len);
	for (size_t i = 0; i < NPAGES; i++)
		(void)*(volatile unsigned char *)(p + i * pg);
	struct mmaptest_stats st = dev_stats(fd);
	cr_assert(st.extra_page_refs == NPAGES, "%s: %llu page references while %d pages are "
		  "mapped, expected %d", mode_name[mode], (unsigned long long)st.extra_page_refs,
		  NPAGES, NPAGES);
	xmunmap(p, len);
	st = dev_stats(fd);
	cr_assert(st.extra_page_refs == 0, "%s: %llu page references left after munmap",
		  mode_name[mode], (unsigned long long)st.extra_page_refs);
	xclose(fd);
	st = dev_stats(watch);
	cr_assert(st.stale_pages_freed == stale, "%s: the module freed %llu pages that were "
		  "still referenced", mode_name[mode],
		  (unsigned long long)(st.stale_pages_freed - stale));
}

CONFORM(driver_lazy, unmap_drops_page_refs, "l7", LINUX)
{
	page_refs_dropped(MMAPTEST_MODE_LAZY);
}

CONFORM(driver_insert, unmap_drops_page_refs, "l7", LINUX)
{
	page_refs_dropped(MMAPTEST_MODE_INSERT);
}

/* ---- l8: the offset selects the buffer page ---- */

/* Assert that a mapping at offset 2 pages starts at the buffer's third page. */
static void offset_selects_page(int mode)
{
	const size_t pg = ms_page();
	int fd = dev_setup(O_RDWR, mode, NPAGES, 19);
	unsigned char *p = xmmap(NULL, 3 * pg, PROT_READ, MAP_SHARED, fd, (off_t)(2 * pg));
	assert_tagged(p, 3 * pg, 2 * pg, 19, "mapping at offset 2 pages", mode);
	xmunmap(p, 3 * pg);
}
DRIVER_TEST_EACH_MODE(offset_selects_buffer_page, "l8", offset_selects_page)
