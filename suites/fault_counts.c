/* (d) Fault counts and fault-around: d9 d10.
 *
 * Fault counts come from getrusage(RUSAGE_THREAD), per thread, so that Criterion's own
 * threads never add to them. File fault counts depend on how the pages entered the page
 * cache: the tests create the file with write() and fsync() it, so it is hot and clean, and
 * state per file system what Linux 6.18 does:
 *   tmpfs, btrfs: small folios, so a read fault maps exactly the fault-around window
 *                 (fault_around_bytes, 64 KiB = 16 pages by default);
 *   ext4, xfs:    large folios from the write path; a fault maps at least the window and may
 *                 map a whole folio, up to a 2 MiB PMD: at most one fault per window (a
 *                 256 KiB file still took one per window; a 4 MiB one took 1 fault in all).
 * Which case applies is read from /proc/kpageflags (root), not assumed from the name. */
#include "mm_util.h"

#include <linux/kernel-page-flags.h>
#include <stdio.h>
#include <string.h>

/* 1 when every present page of [addr, +pages) is an order-0 folio, 0 when one is part of a
 * large folio, -1 when that cannot be known (PFNs and /proc/kpageflags need root). */
static int all_small_folios(const void *addr, size_t pages)
{
	if (geteuid() != 0)
		return -1;
	int verdict = 1;
	for (size_t i = 0; i < pages && verdict == 1; i++) {
		uint64_t flags = 0;
		enum kpageflags_result r = ms_page_kpageflags((const char *)addr + i * ms_page(),
							   &flags);
		if (r == KPAGEFLAGS_NOT_PRESENT)
			continue;
		if (r != KPAGEFLAGS_READ)
			verdict = -1;
		else if (flags & ((1ull << KPF_COMPOUND_HEAD) | (1ull << KPF_COMPOUND_TAIL)))
			verdict = 0;
	}
	return verdict;
}

/* fault_around_bytes in pages: from debugfs when mounted, else the kernel default (64 KiB),
 * and *source says which. */
static size_t fault_around_pages(const char **source)
{
	FILE *f = fopen("/sys/kernel/debug/fault_around_bytes", "r");
	unsigned long bytes = 65536;
	*source = "the 64 KiB default (debugfs not mounted, so it could not be read)";
	if (f) {
		if (fscanf(f, "%lu", &bytes) == 1)
			*source = "/sys/kernel/debug/fault_around_bytes";
		fclose(f);
	}
	size_t pages = bytes / ms_page();
	return pages ? pages : 1;
}

static const char *folio_verdict(int small)
{
	return small == 1 ? "all small" : small == 0 ? "large" :
	       "unknown (PFNs need root), so only the bound is checked";
}

/* ---- d9: exact fault counts ---- */

/* Evaluates the fault delta once, before any assertion code can fault. */
#define assert_faults(delta, minor_, major_, what)                                           \
	do {                                                                                 \
		struct ms_faults d_ = (delta);                                               \
		cr_assert(d_.minor == (minor_) && d_.major == (major_),                      \
			  "%s: %ld minor and %ld major faults, expected exactly %d and %d",  \
			  what, d_.minor, d_.major, minor_, major_);                         \
	} while (0)

/* Assert the exact fault counts of anonymous memory: a first read is 1 minor fault (it maps
 * the shared zero page), a write after it faults once more (to replace the zero page), a
 * first write is 1 fault, and repeated accesses take none. LINUX: counts are Linux detail.
 * SKIP where the configuration keeps read faults off the zero page (policy.h). */
CONFORM(fault_counts, anon_first_touch_fault_counts, "d9", LINUX)
{
	ms_require_behaviour(MS_ZERO_PAGE);
	size_t page = ms_page(), len = 4 * page;
	unsigned char *p = ms_anon_nothp(len);
	struct ms_faults s = ms_faults_now();
	ms_touch_read(p);
	assert_faults(ms_faults_since(s), 1, 0, "first read of an anonymous page");
	s = ms_faults_now();
	ms_touch_read(p);
	assert_faults(ms_faults_since(s), 0, 0, "second read of the page");
	s = ms_faults_now();
	p[0] = 1;
	assert_faults(ms_faults_since(s), 1, 0, "write after read (zero page replaced)");
	s = ms_faults_now();
	p[2 * page] = 1;
	assert_faults(ms_faults_since(s), 1, 0, "first write of an untouched page");
	s = ms_faults_now();
	p[2 * page + 1] = 2;
	ms_touch_read(p + 2 * page);
	assert_faults(ms_faults_since(s), 0, 0, "accesses to a written page");
	xmunmap(p, len);
}
/* Assert that the first write to an untouched page of a hot file takes exactly 1 minor
 * fault, for MAP_PRIVATE (one COW copy, smaps Anonymous one page) and MAP_SHARED. LINUX. */
CONFORM(fault_counts, file_first_write_one_fault, "d9", LINUX)
{
	size_t page = ms_page(), pages = 16, len = pages * page;
	int fd = ms_hot_file(len);
	unsigned char *priv = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	unsigned char *shr = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	struct ms_faults s = ms_faults_now();
	priv[7 * page] = 1;
	assert_faults(ms_faults_since(s), 1, 0, "first write to a private file page");
	long anon = ms_smaps_kb(priv, "Anonymous");
	cr_assert(anon == (long)(page / 1024), "one private write: smaps Anonymous %ld kB, "
		  "expected one page (%zu kB) (fs %s)", anon, page / 1024, ms_fs_name());
	s = ms_faults_now();
	shr[7 * page] = 1;
	assert_faults(ms_faults_since(s), 1, 0, "first write to a shared file page");
	xmunmap(priv, len);
	xmunmap(shr, len);
	xclose(fd);
}

/* Assert that the first read of a file page that is not cached is exactly 1 major fault (no
 * minor), and of a cached page 0 major. LINUX. tmpfs cannot be made cold: SKIP there. */
CONFORM(fault_counts, file_cold_first_read_one_major_fault, "d9", LINUX)
{
	size_t pages = 64, len = pages * ms_page();
	int fd = ms_file(len, NULL);
	ms_drop_file_cache(fd, len);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	struct ms_faults s = ms_faults_now();
	ms_touch_read(p + 8 * ms_page());
	assert_faults(ms_faults_since(s), 0, 1, "first read of an uncached file page");
	/* Cache the whole file with read(), which also waits for the read-around I/O still in
	 * flight: one fault reads around only read_ahead_kb (32 of these 64 pages with 128 KiB),
	 * and mincore() counts a page while its read is still running. The buffer's own faults
	 * are over before the count starts. */
	unsigned char *buf = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				   -1, 0);
	memset(buf, 0, len);
	xpread(fd, buf, len, 0);
	xmunmap(buf, len);
	s = ms_faults_now();
	for (size_t i = 0; i < pages; i++)
		ms_touch_read(p + i * ms_page());
	struct ms_faults d = ms_faults_since(s);
	cr_assert(d.major == 0, "reading %zu cached pages took %ld major faults (fs %s)", pages,
		  d.major, ms_fs_name());
	xmunmap(p, len);
	xclose(fd);
}

/* ---- d10: fault-around ---- */

/* Assert that one read fault on a hot file maps its fault-around window: small folios
 * (tmpfs, btrfs here) exactly the aligned fault_around_bytes window; large folios (ext4,
 * xfs here) at least that window, up to whole folios. LINUX (mm/memory.c do_fault_around). */
CONFORM(fault_counts, read_fault_maps_fault_around_window, "d10", LINUX)
{
	const char *source;
	size_t window = fault_around_pages(&source), page = ms_page(), pages = 128;
	size_t len = pages * page, at = 37;
	int fd = ms_hot_file(len);
	size_t align = ms_pmd_size() ? ms_pmd_size() : len; /* len: a kernel without THP */
	unsigned char *p = xmmap_aligned(len, align, PROT_READ, MAP_SHARED, fd);
	ms_touch_read(p + at * page);
	bool present[128];
	size_t n = ms_pagemap_present(p, pages, present);
	size_t lo = at / window * window, hi = lo + window < pages ? lo + window : pages;
	for (size_t i = lo; i < hi; i++)
		cr_assert(present[i], "page %zu of the fault-around window [%zu,%zu) around page "
			  "%zu is not mapped (fs %s; window from %s)", i, lo, hi, at, ms_fs_name(),
			  source);
	int small = all_small_folios(p, pages);
	cr_log_info("%s: one read fault mapped %zu pages (window %zu pages from %s; folios: %s)",
		    ms_fs_name(), n, window, source, folio_verdict(small));
	if (small == 1)
		cr_assert(n == hi - lo, "%s (small folios): one read fault mapped %zu pages; "
			  "expected exactly the %zu-page window (fault_around_bytes from %s)",
			  ms_fs_name(), n, hi - lo, source);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that reading 64 pages of a hot file in order, through a mapping of kind (MAP_SHARED
 * or MAP_PRIVATE, one result each), takes one fault per fault-around window: exactly
 * 64 / window with small folios (tmpfs, btrfs here: 4), between 1 and that with large folios
 * (ext4, xfs here: 4 for this 256 KiB file; 1 for a 4 MiB file, which gets a PMD mapping),
 * never 64. LINUX. */
static void sequential_read_faults_per_window(int kind_flag)
{
	const char *source;
	size_t window = fault_around_pages(&source), page = ms_page(), pages = 64;
	size_t len = pages * page;
	long windows = (long)((pages + window - 1) / window);
	int fd = ms_hot_file(len);
	const char *kind = kind_flag == MAP_SHARED ? "MAP_SHARED" : "MAP_PRIVATE";
	size_t align = ms_pmd_size() ? ms_pmd_size() : len; /* len: a kernel without THP */
	unsigned char *p = xmmap_aligned(len, align, PROT_READ, kind_flag, fd);
	struct ms_faults s = ms_faults_now();
	for (size_t i = 0; i < pages; i++)
		ms_touch_read(p + i * page);
	struct ms_faults d = ms_faults_since(s);
	int small = all_small_folios(p, pages);
	cr_log_info("%s %s: reading %zu pages took %ld minor, %ld major faults (window %zu "
		    "pages from %s; folios: %s)", ms_fs_name(), kind, pages, d.minor, d.major,
		    window, source, folio_verdict(small));
	cr_assert(d.major == 0, "%s %s: %ld major faults reading a hot file", ms_fs_name(), kind,
		  d.major);
	if (small == 1)
		cr_assert(d.minor == windows, "%s %s (small folios): %zu pages read in %ld faults; "
			  "expected exactly %ld, one per %zu-page window (fault_around_bytes from "
			  "%s)", ms_fs_name(), kind, pages, d.minor, windows, window, source);
	else
		cr_assert(d.minor >= 1 && d.minor <= windows, "%s %s: %zu pages read in %ld faults;"
			  " expected 1 to %ld (at most one per %zu-page window, from %s)",
			  ms_fs_name(), kind, pages, d.minor, windows, window, source);
	xmunmap(p, len);
	xclose(fd);
}
CONFORM_PER_MAP_TYPE(fault_counts, sequential_read_faults_per_window, "d10 d9", LINUX,
		     sequential_read_faults_per_window)

/* Assert that anonymous memory has no fault-around: each first read of a page is its own
 * fault and maps only that page. LINUX. */
CONFORM(fault_counts, anon_has_no_fault_around, "d10 d9", LINUX)
{
	size_t page = ms_page(), pages = 16, len = pages * page;
	unsigned char *p = ms_anon_nothp(len);
	struct ms_faults s = ms_faults_now();
	for (size_t i = 0; i < pages; i++)
		ms_touch_read(p + i * page);
	struct ms_faults d = ms_faults_since(s);
	cr_assert(d.minor == (long)pages, "reading %zu anonymous pages took %ld faults, expected "
		  "one each", pages, d.minor);
	xmunmap(p, len);
}
