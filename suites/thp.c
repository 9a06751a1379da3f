/* (j) Transparent huge pages (anonymous, shmem, file), their splitting, the huge zero page and
 * PMD alignment of large anonymous maps.
 *
 * THP behaviour depends on /sys/kernel/mm/transparent_hugepage: each test reads the setting it
 * depends on and states what it expects for each value. A THP fault that found no free 2 MiB
 * block falls back to base pages (thp_fault_fallback in /proc/vmstat): that is a SKIP with the
 * reason, not a failure, since Linux promises huge pages only when it can get them. */
#include "mm_util.h"

#include <fcntl.h>
#include <linux/memfd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

#define THP_DIR "/sys/kernel/mm/transparent_hugepage/"

/* ---- THP ---- */

/* SKIPs without THP; returns the PMD size (2 MiB on x86-64 and 4 KiB-page arm64). */
static size_t require_thp(void)
{
	ms_require_behaviour(MS_THP);
	return ms_thp_pmd_size();
}

/* A PMD-aligned anonymous region of n PMD sizes; the slack around it is unmapped. */
static unsigned char *map_aligned_anon(size_t n, int prot)
{
	size_t pmd = ms_thp_pmd_size();
	return xmmap_aligned(n * pmd, pmd, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1);
}

/* Skips when the THP fault of region a fell back to base pages for lack of a free 2 MiB block. */
static void skip_if_fallback(long fallback_before, const unsigned char *a)
{
	if (ms_smaps_kb(a, "AnonHugePages") <= 0 &&
	    ms_vmstat("thp_fault_fallback") > fallback_before) {
		/* how hard the fault tried is policy: defrag=never does not compact */
		struct ms_setting defrag;
		ms_sysfs_setting(THP_DIR "defrag", &defrag);
		cr_skip_test("the THP fault fell back to base pages (thp_fault_fallback rose): "
			     "no free 2 MiB block right now (transparent_hugepage/defrag=%s, %s)",
			     defrag.found ? defrag.value : "unreadable", defrag.source);
	}
}

/* A PMD-aligned MADV_HUGEPAGE region of n PMD sizes, filled with a pattern (one fault per
 * PMD when THP works). */
static unsigned char *thp_region(size_t n)
{
	size_t pmd = ms_thp_pmd_size();
	unsigned char *a = map_aligned_anon(n, PROT_READ | PROT_WRITE);
	xmadvise(a, n * pmd, MADV_HUGEPAGE);
	long fb = ms_vmstat("thp_fault_fallback");
	for (size_t i = 0; i < n * pmd; i++)
		a[i] = (unsigned char)(i * 7 + (i >> 12));
	skip_if_fallback(fb, a);
	return a;
}

/* A plain scan first, one assertion after: a THP is 32 MiB with 16 KiB pages, and an assertion
 * per byte made these tests outlast their time limit under an emulated CPU. */
static void assert_thp_pattern(const unsigned char *a, size_t from, size_t to, const char *what)
{
	size_t i = from;
	while (i < to && a[i] == (unsigned char)(i * 7 + (i >> 12)))
		i++;
	if (i < to) /* the message reads a[i], which exists only then */
		cr_assert_fail("%s: byte %zu reads 0x%02x, stored 0x%02x\n%s", what, i, a[i],
			       (unsigned char)(i * 7 + (i >> 12)), ms_maps_near(a + i, 1));
}

/* Assert that a first-touch fault in a 2 MiB-aligned MADV_HUGEPAGE region maps a PMD page (one
 * minor fault for 2 MiB, AnonHugePages 2048 kB). LINUX: with enabled=madvise or always. */
CONFORM(thp, madv_hugepage_first_touch_maps_pmd, "j4", LINUX)
{
	size_t pmd = require_thp();
	unsigned char *a = map_aligned_anon(1, PROT_READ | PROT_WRITE);
	xmadvise(a, pmd, MADV_HUGEPAGE);
	long fb = ms_vmstat("thp_fault_fallback");
	struct ms_faults before = ms_faults_now();
	for (size_t i = 0; i < pmd; i += ms_page())
		a[i] = 1;
	long faults = ms_faults_since(before).minor;
	skip_if_fallback(fb, a);
	long kb = ms_smaps_kb(a, "AnonHugePages");
	cr_assert(kb == (long)(pmd >> 10), "AnonHugePages of a touched MADV_HUGEPAGE region is "
		  "%ld kB, expected %zu\n%s", kb, pmd >> 10, ms_maps_near(a, pmd));
	cr_assert(faults == 1, "touching every page of a THP took %ld minor faults, expected 1",
		  faults);
}

/* Assert that MADV_NOHUGEPAGE keeps a region on base pages whatever enabled says (always,
 * madvise): 512 faults, AnonHugePages 0. LINUX. The count is taken on up to three fresh
 * regions and must be exact on one: in about 1 run of 20 (2026-12-01, 6.18 host) one count
 * was 513, a fault outside the region inside the window that a standalone loop never showed
 * in 2000 rounds; a THP would give 1, and an extra fault per page 1024. */
CONFORM(thp, madv_nohugepage_stays_on_base_pages, "j4", LINUX)
{
	size_t pmd = require_thp();
	long counts[3] = { 0 };
	int tries = 0;
	do {
		unsigned char *a = map_aligned_anon(1, PROT_READ | PROT_WRITE);
		xmadvise(a, pmd, MADV_NOHUGEPAGE);
		struct ms_faults before = ms_faults_now();
		for (size_t i = 0; i < pmd; i += ms_page())
			a[i] = 1;
		counts[tries++] = ms_faults_since(before).minor;
		cr_assert(ms_smaps_kb(a, "AnonHugePages") == 0, "MADV_NOHUGEPAGE region got %ld kB "
			  "of THP", ms_smaps_kb(a, "AnonHugePages"));
	} while (counts[tries - 1] != (long)(pmd / ms_page()) && tries < 3);
	cr_assert(counts[tries - 1] == (long)(pmd / ms_page()), "%ld, %ld, %ld minor faults for "
		  "%zu base pages on three fresh regions", counts[0], counts[1], counts[2],
		  pmd / ms_page());
}

/* Assert that MADV_COLLAPSE turns a base-page region into a PMD THP (AnonHugePages 2048 kB)
 * keeping every byte. LINUX (6.1+; works whatever enabled says, except never on older kernels). */
CONFORM(thp, madv_collapse_keeps_data, "j4", LINUX)
{
	size_t pmd = require_thp();
	unsigned char *a = map_aligned_anon(1, PROT_READ | PROT_WRITE);
	for (size_t i = 0; i < pmd; i++)
		a[i] = (unsigned char)(i * 7 + (i >> 12));
	if (madvise(a, pmd, MADV_COLLAPSE) != 0) {
		if (errno == EINVAL)
			ms_require_kernel(6, 1, "MADV_COLLAPSE");
		if (errno == EAGAIN || errno == ENOMEM)
			cr_skip_test("MADV_COLLAPSE could not get a huge page now (%s)",
				     ms_errname(errno));
		cr_assert_fail("madvise(MADV_COLLAPSE) at %p: %s\n%s", (void *)a, ms_errname(errno),
			       ms_maps_near(a, pmd));
	}
	cr_assert(ms_smaps_kb(a, "AnonHugePages") == (long)(pmd >> 10), "after MADV_COLLAPSE "
		  "AnonHugePages is %ld kB, expected %zu", ms_smaps_kb(a, "AnonHugePages"),
		  pmd >> 10);
	assert_thp_pattern(a, 0, pmd, "after MADV_COLLAPSE");
}

/* ---- j5: splitting ---- */

/* Assert that mprotect of one base page inside a THP splits the PMD (AnonHugePages 0), applies
 * the protection to that page alone, and keeps all data. LINUX. */
CONFORM(thp_split, partial_mprotect_splits_keeps_data, "j5", LINUX)
{
	size_t pmd = require_thp();
	size_t pg = ms_page();
	unsigned char *a = thp_region(1);
	xmprotect(a + 5 * pg, pg, PROT_READ);
	cr_assert(ms_smaps_kb(a, "AnonHugePages") == 0 && ms_smaps_kb(a + 6 * pg, "AnonHugePages")
		  == 0, "a THP with one read-only page is still PMD-mapped\n%s",
		  ms_maps_near(a, pmd));
	assert_thp_pattern(a, 0, pmd, "after partial mprotect");
	struct ms_fault f;
	ms_probe_write(a + 5 * pg + 1, 0, &f);
	cr_assert(f.signo == SIGSEGV && f.code == SEGV_ACCERR && f.addr == a + 5 * pg + 1,
		  "store to the read-only page of the split THP: %s %s at %p%s", ms_signame(f.signo),
		  ms_sicode_name(f.signo, f.code), f.addr,
		  ms_fault_page_only(&f, SIGSEGV, SEGV_ACCERR, a + 5 * pg + 1));
	cr_assert(!ms_probe_write(a + 4 * pg, a[4 * pg], NULL), "the neighbour page lost write "
		  "access");
}

/* Assert that munmap of one base page inside a THP leaves the other pages mapped with their
 * data and the hole unmapped (SIGSEGV SEGV_MAPERR). The hole is page 100 of the 512 of a 2 MiB
 * THP of 4 KiB pages, at the same fraction of the THP elsewhere (page 6 of the 32 of 64 KiB
 * pages). LINUX. */
CONFORM(thp_split, partial_munmap_splits_keeps_data, "j5", LINUX)
{
	size_t pmd = require_thp();
	size_t pg = ms_page(), hole = pmd / pg * 100 / 512 * pg;
	unsigned char *a = thp_region(1);
	xmunmap(a + hole, pg);
	assert_thp_pattern(a, 0, hole, "below the hole");
	assert_thp_pattern(a, hole + pg, pmd, "above the hole");
	struct ms_fault f;
	ms_probe_read(a + hole, &f);
	cr_assert(f.signo == SIGSEGV && f.code == SEGV_MAPERR, "the unmapped page of the THP still "
		  "reads (%s)\n%s", ms_signame(f.signo), ms_maps_near(a + hole, pg));
	cr_assert(ms_smaps_kb(a, "AnonHugePages") == 0, "the THP with a hole is still PMD-mapped");
}

/* Assert that mremap moving base pages out of a THP carries their data to the new place and
 * keeps the rest of the THP intact: 16 pages from page 200 of the 512 of a 2 MiB THP of 4 KiB
 * pages; where the THP has fewer pages (32 of 64 KiB), a quarter of them from the same
 * fraction of it. LINUX. */
CONFORM(thp_split, partial_mremap_moves_data, "j5", LINUX)
{
	size_t pmd = require_thp();
	size_t pg = ms_page(), pages = pmd / pg;
	size_t n = (pages >= 64 ? 16 : pages / 4) * pg, from = pages * 200 / 512 * pg;
	unsigned char *a = thp_region(1);
	unsigned char *dst = xmmap(NULL, n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *q = mremap(a + from, n, n, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	cr_assert(q == dst, "mremap of %zu pages out of a THP: %s", n / pg, ms_errname(errno));
	for (size_t i = 0; i < n; i++)
		cr_assert(q[i] == (unsigned char)((from + i) * 7 + ((from + i) >> 12)),
			  "moved byte %zu reads 0x%02x", i, q[i]);
	assert_thp_pattern(a, 0, from, "below the moved part");
	assert_thp_pattern(a, from + n, pmd, "above the moved part");
}

/* ---- j6: shmem and file THP ---- */

/* The effective shmem THP mode for the PMD size (2 MiB on x86-64, 32 MiB on arm64-16k): the
 * per-size setting unless it says inherit; "" if neither can be read. Read through policy.h, so
 * the environment records the same files. */
static const char *shmem_mode(char *buf, size_t size)
{
	struct ms_setting s;
	char per_size[128];
	snprintf(per_size, sizeof(per_size), THP_DIR "hugepages-%zukB/shmem_enabled",
		 ms_pmd_size() / 1024);
	if (!ms_sysfs_setting(per_size, &s) ||
	    strcmp(s.value, "inherit") == 0)
		ms_sysfs_setting(THP_DIR "shmem_enabled", &s);
	snprintf(buf, size, "%s", s.found ? s.value : "");
	return buf;
}

/* A PMD-aligned MAP_SHARED map of the whole of fd (size n PMD sizes). */
static unsigned char *map_aligned_file(int fd, size_t n, int prot)
{
	size_t pmd = ms_thp_pmd_size();
	return xmmap_aligned(n * pmd, pmd, prot, MAP_SHARED, fd);
}

/* Assert that shmem (memfd) faults in a MADV_HUGEPAGE region follow shmem_enabled: never or deny
 * give no PMD mapping (ShmemPmdMapped 0); advise, always, within_size (file of 2 MiB) and force
 * give one (2048 kB). LINUX. */
CONFORM(thp_shmem, fault_follows_shmem_enabled, "j6", LINUX)
{
	size_t pmd = require_thp();
	char mode[32];
	shmem_mode(mode, sizeof(mode));
	if (!mode[0])
		cr_skip_test("no %sshmem_enabled", THP_DIR);
	bool expect_pmd = strcmp(mode, "never") != 0 && strcmp(mode, "deny") != 0;
	int fd = memfd_create("mmapsuite-j6", 0);
	xcheck("memfd_create", fd);
	xftruncate(fd, pmd);
	unsigned char *a = map_aligned_file(fd, 1, PROT_READ | PROT_WRITE);
	xmadvise(a, pmd, MADV_HUGEPAGE);
	long fb = ms_vmstat("thp_fault_fallback");
	for (size_t i = 0; i < pmd; i += ms_page())
		a[i] = 1;
	long kb = ms_smaps_kb(a, "ShmemPmdMapped");
	if (expect_pmd && kb == 0 && ms_vmstat("thp_fault_fallback") > fb)
		cr_skip_test("the shmem THP fault fell back to base pages: no free 2 MiB block");
	long want = expect_pmd ? (long)(pmd >> 10) : 0;
	cr_assert(kb == want, "shmem_enabled is %s: ShmemPmdMapped %ld kB, expected %ld\n%s", mode,
		  kb, want, ms_maps_near(a, pmd));
	xclose(fd);
}

/* Assert that MADV_COLLAPSE on a shmem region (memfd) makes it PMD-mapped and keeps the data,
 * even with shmem_enabled=never (collapse ignores the fault-time setting; only deny refuses it,
 * with EINVAL). LINUX (6.1+). */
CONFORM(thp_shmem, collapse_keeps_data, "j6", LINUX)
{
	size_t pmd = require_thp();
	char mode[32];
	shmem_mode(mode, sizeof(mode));
	int fd = memfd_create("mmapsuite-j6", 0);
	xcheck("memfd_create", fd);
	xftruncate(fd, pmd);
	unsigned char *a = map_aligned_file(fd, 1, PROT_READ | PROT_WRITE);
	for (size_t i = 0; i < pmd; i++)
		a[i] = (unsigned char)(i * 7 + (i >> 12));
	errno = 0;
	int r = madvise(a, pmd, MADV_COLLAPSE);
	if (strcmp(mode, "deny") == 0) {
		cr_assert(r == -1 && errno == EINVAL, "MADV_COLLAPSE with shmem_enabled=deny: "
			  "expected EINVAL, got %d with %s", r, ms_errname(errno));
	} else {
		if (r != 0 && errno == EINVAL)
			ms_require_kernel(6, 1, "MADV_COLLAPSE");
		if (r != 0 && (errno == EAGAIN || errno == ENOMEM))
			cr_skip_test("MADV_COLLAPSE could not get a huge page now (%s)",
				     ms_errname(errno));
		cr_assert(r == 0, "MADV_COLLAPSE of shmem (shmem_enabled=%s): %s", mode,
			  ms_errname(errno));
		cr_assert(ms_smaps_kb(a, "ShmemPmdMapped") == (long)(pmd >> 10), "after MADV_COLLAPSE "
			  "ShmemPmdMapped is %ld kB", ms_smaps_kb(a, "ShmemPmdMapped"));
	}
	assert_thp_pattern(a, 0, pmd, "shmem after MADV_COLLAPSE");
	xclose(fd);
}

/* Whether the running kernel was built with a config option: 1 yes, 0 no, -1 unknown (no
 * config readable); *s names the source. */
static int kernel_config(const char *option, struct ms_setting *s)
{
	if (!ms_kconfig(option, s))
		return -1;
	return strcmp(s->value, "y") == 0;
}

/* The first byte of [0, len) of a mapped ms_pattern file that differs from it, or len. */
static size_t first_unlike_file(const unsigned char *a, size_t len)
{
	size_t i = 0;
	while (i < len && a[i] == ms_pattern(i))
		i++;
	return i;
}

/* Assert per file system what MADV_COLLAPSE does to a read-only MAP_SHARED file mapping on the
 * file system under test, and that every byte reads as the file holds before and after:
 *   tmpfs: collapses (shmem), ShmemPmdMapped 2048 kB;
 *   ext4, xfs, btrfs and others: with CONFIG_READ_ONLY_THP_FOR_FS collapses (FilePmdMapped
 *   2048 kB), without it EINVAL. Large folios in the page cache (xfs, ext4 6.16+) must never
 *   change what the mapping reads. LINUX. */
CONFORM(thp_file, collapse_per_fs_keeps_file_data, "j6", LINUX)
{
	size_t pmd = require_thp();
	int fd = ms_read_only_file(pmd);
	unsigned char *a = map_aligned_file(fd, 1, PROT_READ);
	xmadvise(a, pmd, MADV_HUGEPAGE);
	size_t i = first_unlike_file(a, pmd);
	if (i < pmd)
		cr_assert_fail("%s: byte %zu of the mapped file reads 0x%02x, the file holds 0x%02x",
			       ms_fs_name(), i, a[i], ms_pattern(i));
	errno = 0;
	int r = madvise(a, pmd, MADV_COLLAPSE);
	int e = errno;
	if (r != 0 && (e == EAGAIN || e == ENOMEM))
		cr_skip_test("MADV_COLLAPSE could not get a huge page now (%s)", ms_errname(e));
	if (ms_fs_kind() == MS_FS_TMPFS) {
		cr_assert(r == 0 && ms_smaps_kb(a, "ShmemPmdMapped") == (long)(pmd >> 10),
			  "tmpfs: MADV_COLLAPSE returned %d (%s), ShmemPmdMapped %ld kB, "
			  "expected 0 and %zu", r, ms_errname(e),
			  ms_smaps_kb(a, "ShmemPmdMapped"), pmd >> 10);
	} else {
		struct ms_setting cfg;
		int ro_thp = kernel_config("CONFIG_READ_ONLY_THP_FOR_FS", &cfg);
		if (ro_thp < 0)
			cr_skip_test("%s: whether MADV_COLLAPSE works depends on "
				     "CONFIG_READ_ONLY_THP_FOR_FS, and %s", ms_fs_name(), cfg.source);
		if (ro_thp)
			cr_assert(r == 0 && ms_smaps_kb(a, "FilePmdMapped") == (long)(pmd >> 10),
				  "%s with READ_ONLY_THP_FOR_FS=%s (%s): MADV_COLLAPSE returned %d "
				  "(%s), FilePmdMapped %ld kB", ms_fs_name(), cfg.value, cfg.source,
				  r, ms_errname(e), ms_smaps_kb(a, "FilePmdMapped"));
		else
			cr_assert(r == -1 && e == EINVAL, "%s with READ_ONLY_THP_FOR_FS=%s (%s): "
				  "MADV_COLLAPSE of a file map: expected EINVAL, got %d with %s",
				  ms_fs_name(), cfg.value, cfg.source, r, ms_errname(e));
	}
	i = first_unlike_file(a, pmd);
	if (i < pmd)
		cr_assert_fail("%s after MADV_COLLAPSE: byte %zu reads 0x%02x, the file holds 0x%02x",
			       ms_fs_name(), i, a[i], ms_pattern(i));
	xmunmap(a, pmd);
	xclose(fd);
}

/* ---- j7: huge zero page, PMD alignment ---- */

/* The minor faults taken by reading one byte of every page of [p, p + len), their sum in *sum.
 * Its callers run it once on a scratch region before the counted call, so that the counted
 * call's own code is already mapped: a fault on a text page (the window may cross one, as the
 * binary's layout falls) would count as a fault of the reads. */
static __attribute__((noinline)) long read_faults(const volatile unsigned char *p, size_t len,
						  size_t pg, unsigned *sum)
{
	struct ms_faults before = ms_faults_now();
	unsigned s = 0;
	for (size_t i = 0; i < len; i += pg)
		s += p[i];
	long faults = ms_faults_since(before).minor;
	*sum = s;
	return faults;
}

/* Assert that read faults in MADV_HUGEPAGE regions map the huge zero page: one minor fault for
 * all 512 pages, consecutive PFNs within the region (one 2 MiB page, not the 4 KiB zero page
 * repeated), the same PFNs in a second region, Rss 0. LINUX (root for PFNs). SKIP where the
 * configuration switches the huge zero page off: use_zero_page=0, THP never, or a boot option
 * that keeps read faults off every zero page (policy.h). */
CONFORM(thp_zero_page, read_fault_maps_huge_zero_page, "j7", LINUX)
{
	ms_require_behaviour(MS_HUGE_ZERO_PAGE); /* THP off included */
	size_t pmd = ms_thp_pmd_size();
	ms_require_root();
	size_t pg = ms_page();
	unsigned char *a = map_aligned_anon(1, PROT_READ | PROT_WRITE);
	unsigned char *b = map_aligned_anon(1, PROT_READ | PROT_WRITE);
	unsigned char *warm = map_aligned_anon(1, PROT_READ | PROT_WRITE);
	xmadvise(a, pmd, MADV_HUGEPAGE);
	xmadvise(b, pmd, MADV_HUGEPAGE);
	xmadvise(warm, pmd, MADV_HUGEPAGE);
	unsigned sum = 0;
	read_faults(warm, pmd, pg, &sum);
	long faults = read_faults(a, pmd, pg, &sum);
	(void)((volatile unsigned char *)b)[0];
	cr_assert(sum == 0, "a THP region read non-zero bytes before any store");
	size_t last = pmd / pg - 1;
	uint64_t a0 = ms_pagemap_entry(a), a1 = ms_pagemap_entry(a + pg), alast =
		ms_pagemap_entry(a + last * pg), b0 = ms_pagemap_entry(b);
	/* The huge zero page is allocated at its first use; if no 2 MiB block was free then, Linux
	 * falls back to the 4 KiB zero page for every page. */
	if (PM_PFN(a1) == PM_PFN(a0) && faults == (long)(pmd / pg) &&
	    ms_vmstat("thp_zero_page_alloc_failed") > 0)
		cr_skip_test("the huge zero page could not be allocated "
			     "(thp_zero_page_alloc_failed): read faults mapped the 4 KiB "
			     "zero page");
	cr_assert(faults == 1, "reading %zu pages of a THP region took %ld minor faults, expected "
		  "1 (the huge zero page)", last + 1, faults);
	cr_assert(PM_PFN(a1) == PM_PFN(a0) + 1 && PM_PFN(alast) == PM_PFN(a0) + last,
		  "PFNs of the read region are 0x%llx 0x%llx .. 0x%llx: not one huge page",
		  (unsigned long long)PM_PFN(a0), (unsigned long long)PM_PFN(a1),
		  (unsigned long long)PM_PFN(alast));
	cr_assert(PM_PFN(b0) == PM_PFN(a0), "two read-only THP regions map different pages "
		  "(0x%llx, 0x%llx): not the shared huge zero page",
		  (unsigned long long)PM_PFN(a0), (unsigned long long)PM_PFN(b0));
	cr_assert(ms_smaps_kb(a, "Rss") == 0, "the huge zero page is charged as Rss %ld kB",
		  ms_smaps_kb(a, "Rss"));
	a[3] = 9;
	cr_assert(PM_PFN(ms_pagemap_entry(a)) != PM_PFN(a0) && b[3] == 0,
		  "a store to the huge zero page region did not get its own page");
}

/* Assert that an anonymous mapping whose length is a multiple of 2 MiB gets a 2 MiB-aligned
 * address, so THP can map it from the first byte. LINUX (6.7+ with THP; since 6.8 only for
 * lengths that are a multiple of 2 MiB). */
CONFORM(thp_alignment, pmd_multiple_anon_maps_are_aligned, "j7", LINUX)
{
	size_t pmd = require_thp();
	ms_require_kernel(6, 8, "PMD alignment of large anonymous maps");
	for (int i = 0; i < 4; i++) {
		void *p = xmmap(NULL, 2 * pmd, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		cr_assert(((uintptr_t)p & (pmd - 1)) == 0, "a %zu KiB anonymous map got %p: not "
			  "PMD (%zu KiB) aligned\n%s", 2 * pmd >> 10, p, pmd >> 10,
			  ms_maps_near(p, 2 * pmd));
	}
}
