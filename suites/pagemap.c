/* (d) What /proc/self/pagemap tells: soft-dirty bits, and the PAGEMAP_SCAN ioctl's page
 * categories (present, written since the last reset, the shared zero page): d11, and the
 * zero page of d9. */
#include "mm_util.h"

#include <stdio.h>
#include <string.h>

/* PAGEMAP_SCAN (Linux 6.7, include/uapi/linux/fs.h) is newer than Debian 12's kernel
 * headers: the ABI is spelled out here. */
#ifndef PAGEMAP_SCAN
struct page_region {
	uint64_t start, end, categories;
};
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PM_SCAN_WP_MATCHING (1 << 0)
#define PM_SCAN_CHECK_WPASYNC (1 << 1)
#define PAGE_IS_WRITTEN (1 << 1)
#define PAGE_IS_PRESENT (1 << 3)
#define PAGE_IS_PFNZERO (1 << 5)
#endif

static long pagemap_scan(void *start, size_t len, uint64_t flags, uint64_t category,
			 struct page_region *vec, size_t vec_len)
{
	struct pm_scan_arg arg = {
		.size = sizeof(arg), .flags = flags, .start = (uintptr_t)start,
		.end = (uintptr_t)start + len, .vec = (uintptr_t)vec, .vec_len = vec_len,
		.category_mask = category, .return_mask = category,
	};
	int fd = xopen("/proc/self/pagemap", O_RDONLY, 0);
	long n = ioctl(fd, PAGEMAP_SCAN, &arg);
	int e = errno;
	close(fd);
	errno = e;
	return n;
}

static void require_pagemap_scan(void)
{
	char page[64] __attribute__((aligned(64)));
	struct page_region r;
	if (pagemap_scan((void *)((uintptr_t)page & ~(uintptr_t)(ms_page() - 1)), ms_page(), 0,
			 PAGE_IS_PRESENT, &r, 1) < 0)
		cr_skip_test("the PAGEMAP_SCAN ioctl is refused (%s): it needs Linux 6.7",
			     ms_errname(errno));
}

/* Formats the regions as "[2,4) [9,10)" in pages from base. */
static const char *regions_str(const struct page_region *r, long n, const void *base)
{
	static char out[512];
	size_t used = 0;
	out[0] = 0;
	for (long i = 0; i < n && used < sizeof(out) - 32; i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used, "[%zu,%zu) ",
					 (size_t)(r[i].start - (uintptr_t)base) / ms_page(),
					 (size_t)(r[i].end - (uintptr_t)base) / ms_page());
	return n ? out : "(none)";
}

/* ---- d11: dirty tracking ---- */

/* Assert that soft-dirty tracking works: clear_refs 4 clears pagemap bit 55 and a write sets
 * it again on that page only. LINUX; SKIP where the kernel config says CONFIG_MEM_SOFT_DIRTY is
 * not set (policy.h); with no config readable the test runs. */
CONFORM(pagemap, soft_dirty_set_by_write_after_clear, "d11", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	unsigned char *p = ms_anon_nothp(len);
	memset(p, 1, len);
	ms_require_behaviour(MS_SOFT_DIRTY);
	struct ms_setting cfg;
	ms_kconfig("CONFIG_MEM_SOFT_DIRTY", &cfg);
	cr_assert(ms_pagemap_entry(p) & PM_SOFT_DIRTY, "a freshly written page has no soft-dirty "
		  "bit (pagemap bit 55); CONFIG_MEM_SOFT_DIRTY: %s (%s)",
		  cfg.found ? cfg.value : "unknown", cfg.source);
	int fd = xopen("/proc/self/clear_refs", O_WRONLY, 0);
	xcheck("write(clear_refs, 4)", write(fd, "4", 1));
	xclose(fd);
	for (size_t i = 0; i < 4; i++)
		cr_assert(!(ms_pagemap_entry(p + i * page) & PM_SOFT_DIRTY), "page %zu still "
			  "soft-dirty after clear_refs", i);
	p[2 * page] = 7;
	for (size_t i = 0; i < 4; i++)
		cr_assert(!!(ms_pagemap_entry(p + i * page) & PM_SOFT_DIRTY) == (i == 2),
			  "page %zu: soft-dirty %s after writing page 2 only", i,
			  ms_pagemap_entry(p + i * page) & PM_SOFT_DIRTY ? "set" : "clear");
	xmunmap(p, len);
}

/* Assert that PAGEMAP_SCAN with PAGE_IS_PRESENT reports exactly the touched pages as
 * regions. LINUX (6.7). */
CONFORM(pagemap, pagemap_scan_reports_present_pages, "d11 d1", LINUX)
{
	require_pagemap_scan();
	size_t page = ms_page(), len = 16 * page;
	unsigned char *p = ms_anon_nothp(len);
	p[2 * page] = p[3 * page] = p[9 * page] = 1;
	struct page_region r[8];
	long n = pagemap_scan(p, len, 0, PAGE_IS_PRESENT, r, 8);
	cr_assert(n == 2 && r[0].start == (uintptr_t)(p + 2 * page) &&
		  r[0].end == (uintptr_t)(p + 4 * page) &&
		  r[1].start == (uintptr_t)(p + 9 * page) &&
		  r[1].end == (uintptr_t)(p + 10 * page),
		  "present regions %s; expected [2,4) [9,10)", regions_str(r, n, p));
	xmunmap(p, len);
}

/* Assert that PAGEMAP_SCAN reports exactly the pages written since the last reset, with
 * userfaultfd async write-protection as the tracker (PAGE_IS_WRITTEN). LINUX (6.7). */
CONFORM(pagemap, pagemap_scan_reports_written_pages, "d11 d12", LINUX)
{
	require_pagemap_scan();
	size_t page = ms_page(), len = 16 * page;
	int uffd = ms_userfaultfd_or_skip(UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED);
	unsigned char *p = ms_anon_nothp(len);
	xuffd_register(uffd, p, len, UFFDIO_REGISTER_MODE_WP);
	struct page_region r[8];
	/* registration alone protects nothing: a first scan with WP_MATCHING starts tracking */
	long n = pagemap_scan(p, len, PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC, PAGE_IS_WRITTEN,
			      r, 8);
	xcheck("ioctl(PAGEMAP_SCAN, WP_MATCHING)", n);
	n = pagemap_scan(p, len, 0, PAGE_IS_WRITTEN, r, 8);
	cr_assert(n == 0, "right after the reset, written regions are %s", regions_str(r, n, p));
	p[1 * page] = 1;
	p[5 * page] = 1;
	n = pagemap_scan(p, len, PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC, PAGE_IS_WRITTEN, r,
			 8);
	cr_assert(n == 2 && r[0].start == (uintptr_t)(p + page) && r[0].end == r[0].start + page &&
		  r[1].start == (uintptr_t)(p + 5 * page) && r[1].end == r[1].start + page,
		  "written regions %s; expected [1,2) [5,6)", regions_str(r, n, p));
	p[7 * page] = 1; /* the scan above write-protected again: only this write is new */
	n = pagemap_scan(p, len, 0, PAGE_IS_WRITTEN, r, 8);
	cr_assert(n == 1 && r[0].start == (uintptr_t)(p + 7 * page) &&
		  r[0].end == r[0].start + page,
		  "after the reset, written regions %s; expected [7,8)", regions_str(r, n, p));
	xmunmap(p, len);
	xclose(uffd);
}

/* ---- d9: the shared zero page ---- */

/* Assert that read faults on anonymous memory map the shared zero page (PAGEMAP_SCAN
 * PAGE_IS_PFNZERO) and a write replaces it with a private page. LINUX (6.7 for the ioctl).
 * SKIP where the configuration keeps read faults off the zero page (policy.h). */
CONFORM(pagemap, anon_read_maps_zero_page, "d9 a1", LINUX)
{
	ms_require_behaviour(MS_ZERO_PAGE);
	require_pagemap_scan();
	size_t page = ms_page(), len = 4 * page;
	unsigned char *p = ms_anon_nothp(len);
	ms_touch_read(p);
	ms_touch_read(p + page);
	struct page_region r[4];
	long n = pagemap_scan(p, len, 0, PAGE_IS_PFNZERO, r, 4);
	cr_assert(n == 1 && r[0].start == (uintptr_t)p && r[0].end == (uintptr_t)(p + 2 * page),
		  "after reading pages 0 and 1, PAGE_IS_PFNZERO regions are %s (%ld); expected "
		  "[0,2)", regions_str(r, n, p), n);
	p[page] = 1;
	n = pagemap_scan(p, len, 0, PAGE_IS_PFNZERO, r, 4);
	cr_assert(n == 1 && r[0].end == (uintptr_t)(p + page), "after writing page 1, zero-page "
		  "regions are %s; expected [0,1)", regions_str(r, n, p));
	xmunmap(p, len);
}
