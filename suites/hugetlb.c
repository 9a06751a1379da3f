/* (j) hugetlb: MAP_HUGETLB, hugetlbfs through memfd MFD_HUGETLB, with its pool and reservation
 * counters. Transparent huge pages are in thp.c.
 *
 * hugetlb needs pages in the pool of the default hugetlb page size (2 MiB on x86-64 and
 * arm64-4k, 32 MiB on arm64-16k, 16 MiB under ppc64's hash MMU: lib/machine_settings.c derives
 * it), which is empty by default. As root a test adds the pages it needs to
 * .../hugepages-<size>kB/nr_hugepages, runs its body in a forked child, and the parent
 * puts the old value back whatever the child did (crash, failed check, timeout). The tests that
 * touch the pool hold an flock on the pool's own nr_hugepages file meanwhile, so parallel tests
 * never see each other's pages in the counters, and no lock file is left behind. Without root,
 * or when the kernel cannot find the memory, the test SKIPs with the reason. */
#include "mm_util.h"
#include "place.h"

#include <fcntl.h>
#include <linux/memfd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)
#define MAP_HUGE_1GB (30 << MAP_HUGE_SHIFT)
#endif

/* The default hugetlb page size, whose pool the tests fill (not the PMD size: the THP tests
 * of thp.c read that with ms_thp_pmd_size()). 0 where the kernel has none. */
#define HUGE_SZ ((size_t)ms_hugetlb_pool_kb() << 10)
#define HUGE_KB ((long)ms_hugetlb_pool_kb())
#define POOL_1G "/sys/kernel/mm/hugepages/hugepages-1048576kB/"

/* log2 of a power of two */
static int log2_of(size_t v)
{
	int n = 0;
	while (v > 1)
		v >>= 1, n++;
	return n;
}

/* MAP_HUGE_<default size> (MFD_HUGE_* has the same encoding) */
static int huge_flag(void)
{
	return log2_of(HUGE_SZ) << MAP_HUGE_SHIFT;
}

/* A file of the default pool: "nr_hugepages" -> its value, -1 when unreadable. */
static long pool_value(const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/hugepages-%ldkB/%s", MS_HUGETLB_SYSFS, HUGE_KB, name);
	return ms_read_long_file(path);
}

/* ---- the hugetlb pool ---- */

/* Runs body() in a child with at least n free pages in the default hugetlb pool, adding them as
 * root and always restoring nr_hugepages afterwards (ms_settings_restore(), also from the
 * test's exit when the parent's own checks end it early). The pool's lock is held meanwhile.
 * body reports with child_check(). */
static void with_huge_pages(long n, void (*body)(void))
{
	if (!HUGE_KB)
		cr_skip_test("this kernel has no hugetlb page size (no Hugepagesize in /proc/meminfo, "
			     "nothing in %s): a CPU or hypervisor that maps no huge pages, such "
			     "as s390x without EDAT-1 (QEMU TCG) or a pseries guest whose hash "
			     "page size is capped at 64 KiB (QEMU's cap-hpt-max-page-size)",
			     MS_HUGETLB_SYSFS);
	if (access(ms_machine_setting(MS_HUGETLB_POOL)->path, F_OK) != 0)
		cr_skip_test("no %ld kB hugetlb pool here (%s missing)", HUGE_KB,
			     ms_machine_setting(MS_HUGETLB_POOL)->path);
	ms_setting_hold(MS_HUGETLB_POOL);
	long old = pool_value("nr_hugepages");
	if (pool_value("free_hugepages") - pool_value("resv_hugepages") < n) {
		if (geteuid() != 0) {
			ms_settings_restore();
			cr_skip_test("needs %ld free %ld kB hugetlb pages (nr_hugepages is %ld): "
				     "run as root to reserve them, or reserve them first", n, HUGE_KB,
				     old);
		}
		char want[32];
		snprintf(want, sizeof(want), "%ld", old + n);
		if (!ms_setting_try_change(MS_HUGETLB_POOL, want)) {
			int e = errno;
			ms_settings_restore();
			cr_skip_test("writing %s failed: %s", ms_machine_setting(MS_HUGETLB_POOL)->path,
				     ms_errname(e));
		}
		long got = pool_value("nr_hugepages") - old;
		if (got < n) {
			ms_settings_restore();
			cr_skip_test("the kernel found only %ld of %ld %ld kB pages for the hugetlb "
				     "pool (memory fragmented or too small)", got, n, HUGE_KB);
		}
	}
	fflush(NULL);
	pid_t child = fork();
	ms_remember_child(child);
	if (child == 0) {
		body();
		_exit(0);
	}
	int status = child > 0 ? ms_wait_bounded(child) : -2;
	ms_settings_restore();

	if (status == -2)
		ms_broken("fork: %s", ms_errname(errno));
	if (status == -1)
		ms_broken("the hugetlb child did not finish within %.0f s", ms_child_limit_s());
	cr_assert(!WIFSIGNALED(status), "the hugetlb child died of %s",
		  ms_signame(WTERMSIG(status)));
	cr_assert(WEXITSTATUS(status) == 0, "the hugetlb child failed (exit %d, message above)",
		  WEXITSTATUS(status));
}

static long pool_free(void)
{
	return pool_value("free_hugepages");
}

static long pool_resv(void)
{
	return pool_value("resv_hugepages");
}

static int huge_memfd(size_t size)
{
	int fd = memfd_create("mmapsuite-hugetlb", MFD_HUGETLB | (unsigned)huge_flag());
	child_check(fd >= 0, "memfd_create(MFD_HUGETLB|MFD_HUGE_%ldKB): %s", HUGE_KB,
		    ms_errname(errno));
	child_check(ftruncate(fd, (off_t)size) == 0, "ftruncate(hugetlb memfd, %zu): %s", size,
		    ms_errname(errno));
	return fd;
}

/* ---- j1: MAP_HUGETLB ---- */

static void anon_hugetlb_body(void)
{
	size_t pg = ms_page(), npg = HUGE_SZ / pg;
	unsigned char *p = mmap(NULL, 2 * HUGE_SZ, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | huge_flag(), -1, 0);
	child_check(p != MAP_FAILED, "mmap(MAP_HUGETLB|MAP_HUGE_%ldKB, two pages): %s", HUGE_KB,
		    ms_errname(errno));
	child_check(((uintptr_t)p & (HUGE_SZ - 1)) == 0,
		    "MAP_HUGETLB map %p is not aligned to its %ld kB page", (void *)p, HUGE_KB);
	child_check(ms_smaps_kb(p, "KernelPageSize") == HUGE_KB,
		    "KernelPageSize of the MAP_HUGETLB VMA is %ld kB, expected %ld",
		    ms_smaps_kb(p, "KernelPageSize"), HUGE_KB);
	child_check(ms_resident(p, 2 * HUGE_SZ) == 0,
		    "mincore: %ld pages resident before any touch", ms_resident(p, 2 * HUGE_SZ));
	p[HUGE_SZ - 1] = 0xab;
	long res = ms_resident(p, 2 * HUGE_SZ);
	child_check(res == (long)npg,
		    "mincore after touching one byte of the first huge page: %ld base pages "
		    "resident, expected the whole huge page (%zu) and none of the second",
		    res, npg);
	for (size_t i = 0; i < 2 * HUGE_SZ; i += 4093)
		p[i] = (unsigned char)(i >> 3);
	for (size_t i = 0; i < 2 * HUGE_SZ; i += 4093)
		child_check(p[i] == (unsigned char)(i >> 3), "byte %zu of the hugetlb map lost its "
			    "value", i);
	child_check(p[1] == 0, "untouched byte 1 of a fresh hugetlb page is 0x%02x, not 0", p[1]);
}

/* Assert that anonymous MAP_HUGETLB memory is aligned to the default hugetlb page size, has that
 * KernelPageSize, reads
 * zero, keeps stores, and that mincore reports nothing resident before the first touch and then
 * exactly the whole touched huge page. LINUX. */
CONFORM(mmap_hugetlb, anon_map_touch_and_mincore, "j1", LINUX)
{
	with_huge_pages(2, anon_hugetlb_body);
}

static void size_encoding_body(void)
{
	unsigned char *p = mmap(NULL, HUGE_SZ, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | huge_flag(), -1, 0);
	child_check(p != MAP_FAILED, "mmap(MAP_HUGE_%ldKB): %s", HUGE_KB, ms_errname(errno));
	child_check(ms_smaps_kb(p, "KernelPageSize") == HUGE_KB, "MAP_HUGE_%ldKB gave "
		    "KernelPageSize %ld kB", HUGE_KB, ms_smaps_kb(p, "KernelPageSize"));

	/* A size the kernel offers no pool of (the first power of two above the default one
	 * missing from /sys/kernel/mm/hugepages) is refused. */
	unsigned long sizes[16];
	size_t n = ms_place_hugetlb_sizes_kb(sizes, 16);
	int bad = log2_of(HUGE_SZ) + 1;
	for (size_t i = 0; i < n && i < 16; i++)
		if (sizes[i] << 10 == (unsigned long)1 << bad)
			bad++;
	errno = 0;
	void *q = mmap(NULL, (size_t)1 << bad, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_HUGETLB | (bad << MAP_HUGE_SHIFT), -1, 0);
	child_check(q == MAP_FAILED && errno == EINVAL,
		    "MAP_HUGETLB with size log2 %d (no such pool): expected EINVAL, got %p with %s",
		    bad, q, ms_errname(errno));

	/* 1 GiB: EINVAL without that page size, ENOMEM with an empty pool. */
	long free_1g = ms_read_long_file(POOL_1G "free_hugepages");
	errno = 0;
	q = mmap(NULL, (size_t)1 << 30, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
		 MAP_HUGE_1GB, -1, 0);
	if (free_1g < 0)
		child_check(q == MAP_FAILED && errno == EINVAL, "MAP_HUGE_1GB without a 1 GiB page "
			    "size: expected EINVAL, got %p with %s", q, ms_errname(errno));
	else if (free_1g == 0)
		child_check(q == MAP_FAILED && errno == ENOMEM, "MAP_HUGE_1GB with an empty 1 GiB "
			    "pool: expected ENOMEM, got %p with %s", q, ms_errname(errno));
	else
		child_check(q != MAP_FAILED && ms_smaps_kb(q, "KernelPageSize") == 1048576,
			    "MAP_HUGE_1GB with %ld free 1 GiB pages: %s, KernelPageSize %ld kB",
			    free_1g, ms_errname(errno), q == MAP_FAILED ? -1 :
			    ms_smaps_kb(q, "KernelPageSize"));
}

/* Assert the MAP_HUGE_* size encodings: MAP_HUGE_<default size> (MAP_HUGE_2MB on x86-64) maps
 * pages of that size, an unsupported size (log2 22 on x86-64) gives EINVAL, MAP_HUGE_1GB gives EINVAL without 1 GiB support, ENOMEM with an empty
 * 1 GiB pool (nothing is reserved there: 1 GiB is too much to take on a shared machine). LINUX. */
CONFORM(mmap_hugetlb, size_encodings_2mb_1gb_invalid, "j1", LINUX)
{
	with_huge_pages(1, size_encoding_body);
}

/* ---- j2: hugetlbfs files and the reservation counters ---- */

static void shared_reservation_body(void)
{
	long free0 = pool_free(), resv0 = pool_resv();
	int fd = huge_memfd(2 * HUGE_SZ);
	unsigned char *a = mmap(NULL, 2 * HUGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	child_check(a != MAP_FAILED, "mmap(MAP_SHARED hugetlb memfd): %s", ms_errname(errno));
	child_check(pool_resv() == resv0 + 2 && pool_free() == free0,
		    "after mmap of 2 huge pages: resv %ld -> %ld (expected +2), free %ld -> %ld "
		    "(expected unchanged)", resv0, pool_resv(), free0, pool_free());
	a[0] = 0x17;
	child_check(pool_resv() == resv0 + 1 && pool_free() == free0 - 1,
		    "after the first fault: resv %ld -> %ld (expected +1), free %ld -> %ld "
		    "(expected -1)", resv0, pool_resv(), free0, pool_free());

	unsigned char *b = mmap(NULL, 2 * HUGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	child_check(b != MAP_FAILED, "second mmap: %s", ms_errname(errno));
	child_check(pool_resv() == resv0 + 1, "a second shared map of the same file reserved again:"
		    " resv %ld -> %ld", resv0, pool_resv());
	child_check(b[0] == 0x17, "the second shared map reads 0x%02x, the first stored 0x17",
		    b[0]);
	b[HUGE_SZ + 5] = 0x29;
	child_check(a[HUGE_SZ + 5] == 0x29, "a store through the second map is not seen by the "
		    "first");

	munmap(a, 2 * HUGE_SZ);
	munmap(b, 2 * HUGE_SZ);
	close(fd);
	child_check(pool_resv() == resv0 && pool_free() == free0,
		    "after munmap and close: resv %ld (was %ld), free %ld (was %ld): pages leaked",
		    pool_resv(), resv0, pool_free(), free0);
}

/* Assert hugetlbfs MAP_SHARED accounting: mmap reserves one page per huge page (Rsvd +2, Free
 * unchanged), a fault turns a reservation into a used page (Rsvd -1, Free -1), a second shared
 * map reserves nothing and sees the same pages, and unmap plus close return everything. LINUX. */
CONFORM(hugetlbfs, shared_map_reserves_at_mmap_and_shares, "j2", LINUX)
{
	with_huge_pages(3, shared_reservation_body);
}

static void private_cow_body(void)
{
	int fd = huge_memfd(HUGE_SZ);
	unsigned char *shared = mmap(NULL, HUGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	child_check(shared != MAP_FAILED, "mmap shared: %s", ms_errname(errno));
	shared[100] = 0x41;
	unsigned char *priv = mmap(NULL, HUGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	child_check(priv != MAP_FAILED, "mmap private: %s", ms_errname(errno));
	child_check(priv[100] == 0x41, "the private map reads 0x%02x, the file holds 0x41",
		    priv[100]);
	long free0 = pool_free();
	priv[100] = 0x42;
	child_check(shared[100] == 0x41, "a private store reached the shared map (0x%02x)",
		    shared[100]);
	child_check(pool_free() == free0 - 1, "the private copy did not take a huge page from the "
		    "pool: free %ld -> %ld", free0, pool_free());
	/* The private copy is a snapshot: later file stores stay out of it (Linux; POSIX leaves
	 * this unspecified). */
	shared[101] = 0x43;
	child_check(priv[101] == 0, "a shared store after the private copy shows in it (0x%02x)",
		    priv[101]);
}

/* Assert that a MAP_PRIVATE map of a hugetlbfs file reads the file's data, and that a private
 * store copies the huge page (one page taken from the pool) without reaching the file. POSIX
 * semantics of MAP_PRIVATE, on hugetlbfs (Linux). */
CONFORM(hugetlbfs, private_map_cow_does_not_reach_file, "j2", LINUX)
{
	with_huge_pages(3, private_cow_body);
}

/* ---- j3: mprotect, mremap, madvise, fallocate, truncate on hugetlb ---- */

static void mprotect_mremap_body(void)
{
	unsigned char *p = mmap(NULL, 2 * HUGE_SZ, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | huge_flag(), -1, 0);
	child_check(p != MAP_FAILED, "mmap(MAP_HUGETLB): %s", ms_errname(errno));
	memset(p, 0x6d, 2 * HUGE_SZ);
	child_check(mprotect(p + HUGE_SZ, HUGE_SZ, PROT_READ) == 0,
		    "mprotect of a whole huge page: %s", ms_errname(errno));
	struct ms_fault f;
	ms_probe_write(p + HUGE_SZ + 77, 1, &f);
	child_check(f.signo == SIGSEGV && f.code == SEGV_ACCERR && f.addr == p + HUGE_SZ + 77,
		    "store to a read-only huge page: %s %s at %p, expected SIGSEGV SEGV_ACCERR "
		    "at %p", ms_signame(f.signo), ms_sicode_name(f.signo, f.code), f.addr,
		    (void *)(p + HUGE_SZ + 77));
	child_check(!ms_probe_write(p + 77, 1, NULL), "the other huge page lost write access");

	/* Move the read-only half to a fresh place aligned to a huge page: data and protection
	 * move. The place is reserved with huge pages too (MAP_NORESERVE: none taken from the
	 * pool): under powerpc's hash MMU each slice of the address space (256 MiB below 4 GiB,
	 * 1 TiB above) holds one page size, and a MAP_FIXED huge page into a slice holding base
	 * pages fails EBUSY (arch/powerpc/mm/book3s64/slice.c, slice_get_unmapped_area). */
	unsigned char *r = mmap(NULL, 2 * HUGE_SZ, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE | huge_flag(),
				-1, 0);
	child_check(r != MAP_FAILED, "mmap of the destination: %s", ms_errname(errno));
	unsigned char *dst =
		(unsigned char *)(((uintptr_t)r + HUGE_SZ - 1) & ~(uintptr_t)(HUGE_SZ - 1));
	unsigned char *q = mremap(p + HUGE_SZ, HUGE_SZ, HUGE_SZ, MREMAP_MAYMOVE | MREMAP_FIXED,
				  dst);
	child_check(q == dst, "mremap of a hugetlb page to %p: %s", (void *)dst, ms_errname(errno));
	child_check(q[0] == 0x6d && q[HUGE_SZ - 1] == 0x6d, "the moved huge page lost its data");
	child_check(ms_probe_write(q, 1, NULL), "the moved huge page became writable");
	ms_probe_read(p + HUGE_SZ, &f);
	child_check(f.signo == SIGSEGV && f.code == SEGV_MAPERR,
		    "the old place of the moved huge page is still mapped");
}

/* Assert that mprotect of a whole hugetlb page applies to it alone (store: SIGSEGV SEGV_ACCERR
 * at the byte) and that mremap moves a huge page with its data and protection, leaving the old
 * place unmapped. LINUX (hugetlb mremap since 5.16). */
CONFORM(hugetlb_ops, mprotect_and_mremap_whole_pages, "j3", LINUX)
{
	ms_require_kernel(5, 16, "mremap of hugetlb mappings");
	with_huge_pages(2, mprotect_mremap_body);
}

static void discard_body(void)
{
	int fd = huge_memfd(2 * HUGE_SZ);
	unsigned char *p = mmap(NULL, 2 * HUGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	child_check(p != MAP_FAILED, "mmap: %s", ms_errname(errno));
	memset(p, 0x5e, 2 * HUGE_SZ);
	long free0 = pool_free();

	child_check(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
			      (off_t)HUGE_SZ) == 0,
		    "fallocate(PUNCH_HOLE) of the first huge page: %s", ms_errname(errno));
	child_check(pool_free() == free0 + 1, "the punched huge page did not return to the pool: "
		    "free %ld -> %ld", free0, pool_free());
	child_check(p[0] == 0 && p[HUGE_SZ - 1] == 0, "the punched huge page reads 0x%02x, not 0",
		    p[0]);
	child_check(p[HUGE_SZ] == 0x5e, "the page after the hole changed");

	child_check(ftruncate(fd, (off_t)HUGE_SZ) == 0, "ftruncate to one huge page: %s",
		    ms_errname(errno));
	struct ms_fault f;
	ms_probe_read(p + HUGE_SZ + 3, &f);
	child_check(f.signo == SIGBUS && f.code == BUS_ADRERR && f.addr == p + HUGE_SZ + 3,
		    "load beyond the truncated end: %s %s at %p, expected SIGBUS BUS_ADRERR at %p",
		    ms_signame(f.signo), ms_sicode_name(f.signo, f.code), f.addr,
		    (void *)(p + HUGE_SZ + 3));

	unsigned char *anon = mmap(NULL, HUGE_SZ, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | huge_flag(), -1, 0);
	child_check(anon != MAP_FAILED, "mmap(MAP_HUGETLB): %s", ms_errname(errno));
	anon[9] = 0x21;
	child_check(madvise(anon, HUGE_SZ, MADV_DONTNEED) == 0, "MADV_DONTNEED on hugetlb: %s",
		    ms_errname(errno));
	child_check(anon[9] == 0, "after MADV_DONTNEED private hugetlb memory reads 0x%02x, not 0",
		    anon[9]);
}

/* Assert hugetlb discard semantics: fallocate(PUNCH_HOLE) zeroes the mapped huge page and gives
 * it back to the pool, ftruncate makes loads past the new end SIGBUS BUS_ADRERR at the byte, and
 * MADV_DONTNEED on private hugetlb memory gives zeros again. LINUX. */
CONFORM(hugetlb_ops, punch_truncate_dontneed, "j3", LINUX)
{
	ms_require_kernel(5, 18, "MADV_DONTNEED on hugetlb");
	with_huge_pages(3, discard_body);
}

/* ---- h16: MAP_HUGETLB alignment ---- */

/* Assert that MAP_HUGETLB|MAP_FIXED at an address that is page- but not huge-page-aligned gives
 * EINVAL (_fixed_addr), and that a hugetlbfs file mapped at an offset that is not a multiple
 * of the huge page gives EINVAL (_file_offset). MAP_NORESERVE keeps this independent of the
 * hugetlb pool. LINUX. Two set-ups, so two results. */
CONFORM(mmap_hugetlb_classes, unaligned_addr_and_offset_einval_fixed_addr, "h16", LINUX)
{
	size_t pg = ms_page(), huge = ms_require_default_huge_page_size();
	unsigned char *r = xmmap(NULL, 3 * huge, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *aligned =
		(unsigned char *)(((unsigned long)r + huge - 1) & ~(huge - 1));
	ms_assert_errno_row(mmap(aligned + pg, huge, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE |
					 MAP_FIXED, -1, 0), EINVAL,
			    "mmap(2) EINVAL: MAP_HUGETLB with addr not huge-page aligned");
	xmunmap(r, 3 * huge);
}

CONFORM(mmap_hugetlb_classes, unaligned_addr_and_offset_einval_file_offset, "h16", LINUX)
{
	size_t pg = ms_page(), huge = ms_require_default_huge_page_size();
	int fd = memfd_create("mmapsuite-h16", MFD_HUGETLB);
	if (fd < 0)
		cr_skip_test("memfd_create(MFD_HUGETLB): %s (no hugetlbfs in this kernel?)",
			     ms_errname(errno));
	xftruncate(fd, 2 * huge);
	ms_assert_errno_row(mmap(NULL, huge, PROT_READ, MAP_SHARED | MAP_NORESERVE, fd,
				 (off_t)pg), EINVAL,
			    "mmap(2) EINVAL: hugetlbfs offset not a multiple of the huge page");
	void *ok = mmap(NULL, huge, PROT_READ, MAP_SHARED | MAP_NORESERVE, fd, (off_t)huge);
	ms_assert_mapped(ok);
	xclose(fd);
}

/* Assert that an unaligned MAP_HUGETLB length is rounded up to the huge page (the VMA is one
 * default huge page long), while munmap or mprotect of a part that ends inside a huge page
 * gives EINVAL. LINUX (mmap(2): "the length is rounded up"; hugetlb VMAs cannot be split
 * inside a huge page). */
CONFORM(mmap_hugetlb_classes, unaligned_len_rounded_but_split_einval, "h16", LINUX)
{
	size_t pg = ms_page(), huge = ms_require_default_huge_page_size();
	unsigned char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED && errno == EINVAL)
		cr_skip_test("MAP_HUGETLB gives EINVAL: no default huge page size here");
	ms_assert_mapped(p);
	cr_assert(((unsigned long)p & (huge - 1)) == 0, "the MAP_HUGETLB map %p is not aligned "
		  "to the default huge page size, %zu KiB", (void *)p, huge >> 10);
	long size_kb = ms_smaps_kb(p, "Size");
	cr_assert(size_kb == (long)(huge / 1024), "a one-page MAP_HUGETLB request made a VMA of "
		  "%ld kB, expected %zu\n%s", size_kb, huge >> 10, ms_maps_near(p, huge));
	ms_assert_errno(munmap(p, pg), EINVAL);
	ms_assert_errno(mprotect(p + pg, huge - pg, PROT_READ), EINVAL);
	ms_assert_ok(munmap(p, huge));
}
