/* (g) mprotect, madvise, process_madvise, process_mrelease and remap_file_pages: errno cases,
 * holes in the range, dump exclusion, reclaim hints, and the emulated nonlinear mappings. */
#include "mm_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void assert_write_faults(volatile unsigned char *addr, const char *why)
{
	struct ms_fault f;
	ms_probe_write(addr, 1, &f);
	cr_assert(f.faulted && f.signo == SIGSEGV && f.code == SEGV_ACCERR &&
		  f.addr == (void *)addr, "%s: a write to %p gave %s %s at %p; expected SIGSEGV "
		  "SEGV_ACCERR\n%s", why, (void *)addr, ms_signame(f.signo),
		  ms_sicode_name(f.signo, f.code), f.addr, ms_maps_near((void *)addr, ms_page()));
}

static void assert_write_works(volatile unsigned char *addr, const char *why)
{
	struct ms_fault f;
	cr_assert(!ms_probe_write(addr, 1, &f), "%s: a write to %p gave %s %s\n%s", why,
		  (void *)addr, ms_signame(f.signo), ms_sicode_name(f.signo, f.code),
		  ms_maps_near((void *)addr, ms_page()));
}

/* ---- g12: mprotect ---- */

/* Assert that mprotect() over a range with an unmapped hole fails with ENOMEM. */
CONFORM(mprotect, range_with_hole_fails_enomem, "g12", POSIX)
{
	size_t page = ms_page();
	unsigned char *p = ms_map_with_hole();
	ms_assert_errno(mprotect(p, 3 * page, PROT_READ), ENOMEM);
	xmunmap(p, 3 * page);
}

/* Assert that a mprotect() failing on a hole has already changed the pages before the hole
 * and left those after it alone. LINUX: POSIX leaves the partial effect unspecified; Linux
 * walks the range in order and stops at the first gap. */
CONFORM(mprotect, hole_changes_only_pages_before_it, "g12", LINUX)
{
	size_t page = ms_page();
	unsigned char *p = ms_map_with_hole();
	ms_assert_errno(mprotect(p, 3 * page, PROT_READ), ENOMEM);
	assert_write_faults(p + 5, "page before the hole after mprotect(PROT_READ)");
	assert_write_works(p + 2 * page + 5, "page after the hole");
	xmunmap(p, 3 * page);
}

/* Assert that mprotect() at address 0, where nothing is mapped, fails with ENOMEM. */
CONFORM(mprotect, address_zero_fails_enomem, "g12", POSIX)
{
	ms_assert_errno(mprotect(NULL, ms_page(), PROT_READ), ENOMEM);
}

/* Assert that mprotect() with an address that is not page aligned fails with EINVAL.
 * LINUX: POSIX makes this a "may fail"; Linux always fails. */
CONFORM(mprotect, unaligned_address_fails_einval, "g12", LINUX)
{
	size_t page = ms_page();
	unsigned char *p = xmap_anon(2 * page, MAP_PRIVATE);
	ms_assert_errno(mprotect(p + 1, page, PROT_READ), EINVAL);
	assert_write_works(p, "page of the refused mprotect");
	xmunmap(p, 2 * page);
}

/* Assert that adding PROT_WRITE to a MAP_SHARED mapping of an fd opened O_RDONLY fails with
 * EACCES and the mapping stays read-only, while a MAP_PRIVATE one of the same fd may. */
CONFORM(mprotect, shared_write_on_read_only_fd_fails_eacces, "g12", POSIX)
{
	size_t page = ms_page();
	int rw = ms_file(2 * page, NULL);
	int fd = ms_reopen(rw, O_RDONLY);
	unsigned char *shared = xmmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	ms_assert_errno(mprotect(shared, page, PROT_READ | PROT_WRITE), EACCES);
	assert_write_faults(shared, "MAP_SHARED of O_RDONLY fd after the refused mprotect");
	unsigned char *private = xmmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
	ms_assert_ok(mprotect(private, page, PROT_READ | PROT_WRITE));
	assert_write_works(private, "MAP_PRIVATE of O_RDONLY fd made writable");
	xmunmap(shared, page);
	xmunmap(private, page);
	xclose(fd);
	xclose(rw);
}

/* Each errno case below is one row of a table, and each row its own result, suite/test_row
 * (a table is a macro listing ROW(row, call, expected, clause); see args_mmap.c). */

/* Assert that mprotect() with protection bits no architecture defines fails with EINVAL and
 * changes nothing. LINUX: POSIX leaves unknown bits unspecified. */
#define PROT_BITS_ROWS(ROW, t)                                                              \
	ROW(t, bit_8, mprotect(p, page, PROT_READ | 0x100), EINVAL,                         \
	    "mprotect(2) EINVAL: prot is invalid")                                          \
	ROW(t, bit_30, mprotect(p, page, 0x40000000), EINVAL,                               \
	    "mprotect(2) EINVAL: prot is invalid")
#define PROT_BITS_SETUP(row)                                                                \
	size_t page = ms_page();                                                            \
	unsigned char *p = xmap_anon(page, MAP_PRIVATE);
#define PROT_BITS_TEARDOWN(row)                                                             \
	assert_write_works(p, "page of the refused mprotect");                              \
	xmunmap(p, page);
CONFORM_ERRNO_ROWS(PROT_BITS_ROWS, mprotect, unknown_prot_bits_fail_einval, "g12 h11", LINUX,
		   PROT_BITS_SETUP, PROT_BITS_TEARDOWN)

/* ---- g13: madvise ---- */

struct advice {
	int value;
	const char *name;
};

#define ADVICE(a) { a, #a }

/* Assert that madvise() accepts every documented advice on a private anonymous mapping, and
 * the file advice on a file mapping of the file system under test. LINUX, 5.18+ for the whole
 * list; MERGEABLE and HUGEPAGE only with CONFIG_KSM and THP. */
CONFORM(madvise, accepts_documented_advice, "g13", LINUX)
{
	ms_require_kernel(5, 18, "MADV_DONTNEED_LOCKED");
	static const struct advice anon_advice[] = {
		ADVICE(MADV_NORMAL), ADVICE(MADV_RANDOM), ADVICE(MADV_SEQUENTIAL),
		ADVICE(MADV_WILLNEED), ADVICE(MADV_DONTNEED), ADVICE(MADV_FREE),
		ADVICE(MADV_DONTFORK), ADVICE(MADV_DOFORK), ADVICE(MADV_DONTDUMP),
		ADVICE(MADV_DODUMP), ADVICE(MADV_WIPEONFORK), ADVICE(MADV_KEEPONFORK),
		ADVICE(MADV_COLD), ADVICE(MADV_PAGEOUT), ADVICE(MADV_POPULATE_READ),
		ADVICE(MADV_POPULATE_WRITE), ADVICE(MADV_DONTNEED_LOCKED),
	};
	static const struct advice file_advice[] = {
		ADVICE(MADV_NORMAL), ADVICE(MADV_RANDOM), ADVICE(MADV_SEQUENTIAL),
		ADVICE(MADV_WILLNEED), ADVICE(MADV_DONTNEED), ADVICE(MADV_COLD),
		ADVICE(MADV_PAGEOUT), ADVICE(MADV_POPULATE_READ), ADVICE(MADV_POPULATE_WRITE),
	};
	size_t len = 8 * ms_page();
	unsigned char *p = xmap_anon(len, MAP_PRIVATE);
	memset(p, 1, len);
	for (size_t i = 0; i < sizeof(anon_advice) / sizeof(anon_advice[0]); i++) {
		errno = 0;
		int r = madvise(p, len, anon_advice[i].value);
		cr_assert(r == 0, "madvise(anonymous, %s): %s", anon_advice[i].name,
			  ms_errname(errno));
	}
	if (access("/sys/kernel/mm/ksm", F_OK) == 0) {
		ms_assert_ok(madvise(p, len, MADV_MERGEABLE));
		ms_assert_ok(madvise(p, len, MADV_UNMERGEABLE));
	}
	if (access("/sys/kernel/mm/transparent_hugepage", F_OK) == 0) {
		ms_assert_ok(madvise(p, len, MADV_HUGEPAGE));
		ms_assert_ok(madvise(p, len, MADV_NOHUGEPAGE));
	}
	xmunmap(p, len);

	int fd = ms_file(len, NULL);
	unsigned char *f = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	for (size_t i = 0; i < sizeof(file_advice) / sizeof(file_advice[0]); i++) {
		errno = 0;
		int r = madvise(f, len, file_advice[i].value);
		cr_assert(r == 0, "madvise(MAP_SHARED file on %s, %s): %s", ms_fs_name(),
			  file_advice[i].name, ms_errname(errno));
	}
	/* MADV_REMOVE punches a hole: tmpfs, ext4, xfs and btrfs all can (others may answer
	 * EOPNOTSUPP, which the man page allows). */
	if (ms_fs_kind() != MS_FS_OTHER)
		ms_assert_ok(madvise(f, len, MADV_REMOVE));
	xmunmap(f, len);
	xclose(fd);
}

/* Assert that posix_madvise() accepts the five POSIX advice values and returns EINVAL (as
 * its result, not in errno) for an unknown one. */
CONFORM(madvise, posix_madvise_accepts_posix_advice, "g13", POSIX)
{
	static const struct advice posix_advice[] = {
		ADVICE(POSIX_MADV_NORMAL), ADVICE(POSIX_MADV_SEQUENTIAL),
		ADVICE(POSIX_MADV_RANDOM), ADVICE(POSIX_MADV_WILLNEED),
		ADVICE(POSIX_MADV_DONTNEED),
	};
	size_t len = 4 * ms_page();
	int fd = ms_file(len, NULL);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	for (size_t i = 0; i < sizeof(posix_advice) / sizeof(posix_advice[0]); i++) {
		int r = posix_madvise(p, len, posix_advice[i].value);
		cr_assert(r == 0, "posix_madvise(%s) returned %s", posix_advice[i].name,
			  ms_errname(r));
	}
	int r = posix_madvise(p, len, 999);
	cr_assert(r == EINVAL, "posix_madvise(advice 999) returned %s, expected EINVAL",
		  ms_errname(r));
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that madvise() with an address that is not page aligned fails with EINVAL. */
#define MADV_UNALIGNED_ROWS(ROW, t)                                                         \
	ROW(t, normal_plus_1, madvise(p + 1, ms_page(), MADV_NORMAL), EINVAL,               \
	    "madvise(2) EINVAL: addr is not page-aligned")                                  \
	ROW(t, dontneed_plus_half_page, madvise(p + ms_page() / 2, ms_page(),               \
		 MADV_DONTNEED), EINVAL,                                                    \
	    "madvise(2) EINVAL: addr is not page-aligned")
#define MADV_UNALIGNED_SETUP(row)                                                           \
	unsigned char *p = xmap_anon(2 * ms_page(), MAP_PRIVATE);
#define MADV_UNALIGNED_TEARDOWN(row)                                                        \
	xmunmap(p, 2 * ms_page());
CONFORM_ERRNO_ROWS(MADV_UNALIGNED_ROWS, madvise, unaligned_address_fails_einval, "g13", LINUX,
		   MADV_UNALIGNED_SETUP, MADV_UNALIGNED_TEARDOWN)

/* Assert that an advice value Linux does not know fails with EINVAL. */
#define MADV_UNKNOWN_ROWS(ROW, t)                                                           \
	ROW(t, 999, madvise(p, ms_page(), 999), EINVAL,                                     \
	    "madvise(2) EINVAL: advice is not valid")                                       \
	ROW(t, minus_1, madvise(p, ms_page(), -1), EINVAL,                                  \
	    "madvise(2) EINVAL: advice is not valid")
#define MADV_UNKNOWN_SETUP(row)                                                             \
	unsigned char *p = xmap_anon(ms_page(), MAP_PRIVATE);
#define MADV_UNKNOWN_TEARDOWN(row)                                                          \
	xmunmap(p, ms_page());
CONFORM_ERRNO_ROWS(MADV_UNKNOWN_ROWS, madvise, unknown_advice_fails_einval, "g13", LINUX,
		   MADV_UNKNOWN_SETUP, MADV_UNKNOWN_TEARDOWN)

/* Assert that MADV_DONTNEED on mlocked memory fails with EINVAL and keeps the data. */
CONFORM(madvise, dontneed_on_locked_fails_einval, "g13", LINUX)
{
	size_t len = 4 * ms_page();
	unsigned char *p = xmap_anon(len, MAP_PRIVATE);
	memset(p, 0x6d, len);
	if (mlock(p, len) != 0)
		cr_skip_test("mlock(16 KiB) failed with %s: RLIMIT_MEMLOCK too low and no "
			     "CAP_IPC_LOCK", ms_errname(errno));
	ms_assert_errno(madvise(p, len, MADV_DONTNEED), EINVAL);
	for (size_t i = 0; i < len; i++)
		cr_assert(p[i] == 0x6d, "locked byte %zu reads 0x%02x after the refused DONTNEED",
			  i, p[i]);
	xmunmap(p, len);
}

/* The advice meant for private anonymous memory, on a mapping that is not: one row each. */
enum anon_only_row { FREE_ON_SHARED_FILE, FREE_ON_PRIVATE_FILE, WIPEONFORK_ON_SHARED_FILE,
		     WIPEONFORK_ON_PRIVATE_FILE, WIPEONFORK_ON_SHARED_ANONYMOUS };

static const struct {
	const char *what;
	int flags; /* of the mapping: a file on the file system under test unless anonymous */
	int advice;
} anon_only_rows[] = {
	[FREE_ON_SHARED_FILE] = { "MADV_FREE on a MAP_SHARED file", MAP_SHARED, MADV_FREE },
	[FREE_ON_PRIVATE_FILE] = { "MADV_FREE on a MAP_PRIVATE file", MAP_PRIVATE, MADV_FREE },
	[WIPEONFORK_ON_SHARED_FILE] = { "MADV_WIPEONFORK on a MAP_SHARED file", MAP_SHARED,
					MADV_WIPEONFORK },
	[WIPEONFORK_ON_PRIVATE_FILE] = { "MADV_WIPEONFORK on a MAP_PRIVATE file", MAP_PRIVATE,
					 MADV_WIPEONFORK },
	[WIPEONFORK_ON_SHARED_ANONYMOUS] = { "MADV_WIPEONFORK on MAP_SHARED|MAP_ANONYMOUS",
					     MAP_SHARED | MAP_ANONYMOUS, MADV_WIPEONFORK },
};

/* Assert that the advice meant for private anonymous memory fails with EINVAL elsewhere:
 * MADV_FREE on file mappings, MADV_WIPEONFORK on shared or file mappings; one result per
 * row. */
static void anonymous_only_advice_on_file_fails_einval(enum anon_only_row row)
{
	size_t len = 2 * ms_page();
	int flags = anon_only_rows[row].flags;
	int fd = flags & MAP_ANONYMOUS ? -1 : ms_file(len, NULL);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0);
	errno = 0;
	int r = madvise(p, len, anon_only_rows[row].advice);
	int e = errno;
	cr_assert(r == -1 && e == EINVAL, "%s: expected -1 with EINVAL, got %d with %s",
		  anon_only_rows[row].what, r, ms_errname(e));
	xmunmap(p, len);
	if (fd >= 0)
		xclose(fd);
}
#define ANON_ONLY_ROW(suffix, row)                                                          \
	CONFORM_VARIANT(madvise, anonymous_only_advice_on_file_fails_einval, suffix, "g13", \
			LINUX, anonymous_only_advice_on_file_fails_einval, row)
ANON_ONLY_ROW(free_shared_file, FREE_ON_SHARED_FILE)
ANON_ONLY_ROW(free_private_file, FREE_ON_PRIVATE_FILE)
ANON_ONLY_ROW(wipeonfork_shared_file, WIPEONFORK_ON_SHARED_FILE)
ANON_ONLY_ROW(wipeonfork_private_file, WIPEONFORK_ON_PRIVATE_FILE)
ANON_ONLY_ROW(wipeonfork_shared_anonymous, WIPEONFORK_ON_SHARED_ANONYMOUS)

/* Assert that MADV_REMOVE on a private mapping fails with EINVAL: it needs shared backing. */
CONFORM(madvise, remove_on_private_fails_einval, "g13", LINUX)
{
	unsigned char *p = xmap_anon(ms_page(), MAP_PRIVATE);
	p[0] = 3;
	ms_assert_errno(madvise(p, ms_page(), MADV_REMOVE), EINVAL);
	cr_assert(p[0] == 3, "the refused MADV_REMOVE dropped the data");
	xmunmap(p, ms_page());
}

/* Assert that madvise() on a range with nothing mapped fails with ENOMEM. */
#define MADV_UNMAPPED_ROWS(ROW, t)                                                          \
	ROW(t, normal, madvise(p, 2 * ms_page(), MADV_NORMAL), ENOMEM,                      \
	    "madvise(2) ENOMEM: addresses in the range are not mapped")                     \
	ROW(t, dontneed, madvise(p, 2 * ms_page(), MADV_DONTNEED), ENOMEM,                  \
	    "madvise(2) ENOMEM: addresses in the range are not mapped")
#define MADV_UNMAPPED_SETUP(row)                                                            \
	unsigned char *p = xmap_anon(2 * ms_page(), MAP_PRIVATE);                           \
	xmunmap(p, 2 * ms_page());
#define MADV_UNMAPPED_TEARDOWN(row)
CONFORM_ERRNO_ROWS(MADV_UNMAPPED_ROWS, madvise, unmapped_range_fails_enomem, "g13", LINUX,
		   MADV_UNMAPPED_SETUP, MADV_UNMAPPED_TEARDOWN)

/* Assert the EBADF case of the man page: MADV_WILLNEED on memory that maps no file fails with
 * EBADF only in kernels without CONFIG_SWAP; with it (/proc/swaps exists) anonymous
 * WILLNEED reads swapped pages back and succeeds. LINUX. */
CONFORM(madvise, willneed_on_anonymous_ebadf_without_swap_support, "g13", LINUX)
{
	unsigned char *p = xmap_anon(2 * ms_page(), MAP_PRIVATE);
	if (access("/proc/swaps", F_OK) == 0)
		ms_assert_ok(madvise(p, 2 * ms_page(), MADV_WILLNEED));
	else
		ms_assert_errno(madvise(p, 2 * ms_page(), MADV_WILLNEED), EBADF);
	xmunmap(p, 2 * ms_page());
}

/* ---- g14 ---- */

/* Assert that madvise(MADV_DONTNEED) over a range with a hole returns ENOMEM yet still drops
 * the pages on both sides of the hole: they read zero afterwards. LINUX. */
CONFORM(madvise, hole_fails_enomem_but_applies_to_mapped_parts, "g14", LINUX)
{
	size_t page = ms_page();
	unsigned char *p = xmap_anon(3 * page, MAP_PRIVATE);
	memset(p, 0x99, 3 * page);
	xmunmap(p + page, page);
	ms_assert_errno(madvise(p, 3 * page, MADV_DONTNEED), ENOMEM);
	cr_assert(ms_resident(p, page) == 0 && ms_resident(p + 2 * page, page) == 0,
		  "pages next to the hole are still resident after DONTNEED\n%s",
		  ms_maps_near(p, 3 * page));
	cr_assert(p[0] == 0 && p[2 * page + 7] == 0, "DONTNEED across a hole left data before "
		  "(0x%02x) or after (0x%02x) it", p[0], p[2 * page + 7]);
	xmunmap(p, 3 * page);
}

/* Assert that MADV_DONTDUMP over a range with a hole returns ENOMEM and marks the mapped
 * parts on both sides (smaps VmFlags "dd"). LINUX. */
CONFORM(madvise, hole_dontdump_marks_both_sides, "g14 g15", LINUX)
{
	size_t page = ms_page();
	unsigned char *p = ms_map_with_hole();
	ms_assert_errno(madvise(p, 3 * page, MADV_DONTDUMP), ENOMEM);
	cr_assert(ms_vma_has_flag(p, "dd") && ms_vma_has_flag(p + 2 * page, "dd"),
		  "DONTDUMP across a hole: VmFlags before: %s after: %s", ms_vma_flags(p),
		  ms_vma_flags(p + 2 * page));
	xmunmap(p, 3 * page);
}

/* ---- g15 ---- */

/* Assert that MADV_DONTDUMP marks exactly the advised pages as excluded from core dumps
 * (VM_DONTDUMP, smaps "dd") and MADV_DODUMP clears the mark. LINUX. */
CONFORM(madvise, dontdump_marks_range_dodump_clears, "g15", LINUX)
{
	size_t page = ms_page();
	unsigned char *p = xmap_anon(3 * page, MAP_PRIVATE);
	cr_assert(!ms_vma_has_flag(p, "dd"), "a fresh mapping already has VmFlags dd: %s",
		  ms_vma_flags(p));
	ms_assert_ok(madvise(p + page, page, MADV_DONTDUMP));
	cr_assert(ms_vma_has_flag(p + page, "dd"), "no dd after MADV_DONTDUMP; VmFlags: %s",
		  ms_vma_flags(p + page));
	cr_assert(!ms_vma_has_flag(p, "dd") && !ms_vma_has_flag(p + 2 * page, "dd"),
		  "DONTDUMP of the middle page marked its neighbours\n%s",
		  ms_maps_near(p, 3 * page));
	ms_assert_ok(madvise(p + page, page, MADV_DODUMP));
	cr_assert(!ms_vma_has_flag(p + page, "dd"), "dd still set after MADV_DODUMP; VmFlags: %s",
		  ms_vma_flags(p + page));
	xmunmap(p, 3 * page);
}

/* ---- g16 ---- */

/* PAGEOUT unmaps every page but cannot free a folio someone else holds a reference to at
 * that instant; the folio then stays cached, unmapped, where a second PAGEOUT (a page table
 * walk) cannot see it. Seen on ext4 and xfs with other tests running: one 64 KiB folio in
 * about one run of eight. So a test faults the range back in and tries again, a few times. */
static const int pageout_attempts = 3;

/* Maps a clean (written then fsync'ed) file of n pages read-only and faults every page in. */
static unsigned char *map_clean_file(size_t n, int *fd)
{
	size_t len = n * ms_page();
	*fd = ms_file(len, NULL);
	xfsync(*fd);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, *fd, 0);
	ms_touch_pages(p, len);
	cr_assert(ms_resident(p, len) == (long)n, "only %ld of %zu touched pages are resident",
		  ms_resident(p, len), n);
	return p;
}

static void assert_file_pattern(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 37)
		cr_assert(p[i] == ms_pattern(i), "byte %zu reads 0x%02x, the file holds 0x%02x",
			  i, p[i], ms_pattern(i));
}

/* Assert that MADV_PAGEOUT of a clean file mapping drops its pages from the page cache
 * (mincore reports none resident) and a later read brings back the file's data. LINUX,
 * 5.4+. Per file system: ext4, xfs and btrfs write nothing and free the pages; tmpfs pages
 * can only go to swap, so without swap they stay resident. */
CONFORM(madvise, pageout_clean_file_leaves_page_cache, "g16", LINUX)
{
	ms_require_kernel(5, 4, "MADV_PAGEOUT");
	ms_stay_on_this_cpu();
	size_t n = 32, len = n * ms_page();
	int fd;
	unsigned char *p = map_clean_file(n, &fd);
	bool shmem = ms_fs_kind() == MS_FS_TMPFS;
	if (shmem && ms_swap_active())
		cr_skip_test("tmpfs with swap: whether paged-out pages still count as resident "
			     "depends on swap writeback timing");
	long resident = -1;
	int attempts = 0;
	do {
		ms_touch_pages(p, len);
		ms_assert_ok(madvise(p, len, MADV_PAGEOUT));
		resident = ms_resident(p, len);
	} while (++attempts < pageout_attempts && !shmem && resident != 0);
	if (shmem)
		cr_assert(resident == (long)n, "tmpfs without swap: %ld of %zu pages resident after"
			  " PAGEOUT; shmem pages have nowhere to go", resident, n);
	else
		cr_assert(resident == 0, "%s: %ld of %zu clean file pages still in the page cache "
			  "after MADV_PAGEOUT (%d attempts)", ms_fs_name(), resident, n, attempts);
	assert_file_pattern(p, len);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that MADV_COLD only deactivates: file and anonymous pages stay resident with their
 * data. LINUX, 5.4+. */
CONFORM(madvise, cold_keeps_pages_resident, "g16", LINUX)
{
	ms_require_kernel(5, 4, "MADV_COLD");
	size_t n = 16, len = n * ms_page();
	int fd;
	unsigned char *f = map_clean_file(n, &fd);
	unsigned char *a = xmap_anon(len, MAP_PRIVATE);
	memset(a, 0x4c, len);
	ms_assert_ok(madvise(f, len, MADV_COLD));
	ms_assert_ok(madvise(a, len, MADV_COLD));
	cr_assert(ms_resident(f, len) == (long)n && ms_resident(a, len) == (long)n,
		  "MADV_COLD dropped pages: file %ld/%zu, anonymous %ld/%zu resident (%s)",
		  ms_resident(f, len), n, ms_resident(a, len), n, ms_fs_name());
	assert_file_pattern(f, len);
	for (size_t i = 0; i < len; i += 41)
		cr_assert(a[i] == 0x4c, "anonymous byte %zu reads 0x%02x after COLD", i, a[i]);
	xmunmap(f, len);
	xmunmap(a, len);
	xclose(fd);
}

/* Assert that MADV_PAGEOUT never loses anonymous data: without swap the pages stay resident;
 * with swap they may leave and come back intact. LINUX, 5.4+. */
CONFORM(madvise, pageout_anonymous_keeps_data, "g16", LINUX)
{
	ms_require_kernel(5, 4, "MADV_PAGEOUT");
	ms_stay_on_this_cpu();
	size_t n = 16, len = n * ms_page();
	unsigned char *a = xmap_anon(len, MAP_PRIVATE);
	for (size_t i = 0; i < len; i++)
		a[i] = (unsigned char)(i * 7);
	ms_assert_ok(madvise(a, len, MADV_PAGEOUT));
	if (!ms_swap_active())
		cr_assert(ms_resident(a, len) == (long)n, "no swap, yet only %ld of %zu anonymous "
			  "pages are resident after PAGEOUT", ms_resident(a, len), n);
	for (size_t i = 0; i < len; i++)
		cr_assert(a[i] == (unsigned char)(i * 7), "anonymous byte %zu reads 0x%02x after "
			  "PAGEOUT", i, a[i]);
	xmunmap(a, len);
}

/* ---- g17 ---- */

/* A child that, each time it reads 't' on go[0], faults in all of [p, p + len) (inherited,
 * never touched by the parent) and answers on ready[1]; it exits at end of file. */
static pid_t fork_toucher(const unsigned char *p, size_t len, int ready[2], int go[2])
{
	xpipe(ready);
	xpipe(go);
	pid_t pid = xfork();
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		char c;
		while (read(go[0], &c, 1) == 1) {
			ms_touch_pages(p, len);
			child_check(write(ready[1], &c, 1) == 1, "write(ready): %s",
				    ms_errname(errno));
		}
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	return pid;
}

static void child_touch(int ready[2], int go[2])
{
	char c = 't';
	cr_assert(write(go[1], &c, 1) == 1, "write(go): %s", ms_errname(errno));
	cr_assert(read(ready[0], &c, 1) == 1, "the child died before touching its pages");
}

static void release_toucher(pid_t pid, int ready[2], int go[2])
{
	xclose(go[1]);
	xwait_ok(pid);
	xclose(ready[0]);
}

static int xpidfd_open(pid_t pid)
{
	int fd = pidfd_open(pid, 0);
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		cr_skip_test("pidfd_open: %s", ms_errname(errno));
	if (fd < 0)
		ms_broken("pidfd_open(%d): %s", (int)pid, ms_errname(errno));
	return fd;
}

/* Assert that process_madvise(MADV_PAGEOUT) on another process's clean file mapping returns
 * the number of bytes advised and drops the pages from the page cache (seen through the
 * parent's own untouched mapping of the file). LINUX, 5.10+; per file system as for
 * madvise: tmpfs pages stay without swap. */
CONFORM(process_madvise, pageout_other_process_file_pages, "g17", LINUX)
{
	ms_require_kernel(5, 10, "process_madvise");
	ms_stay_on_this_cpu(); /* the child inherits it: its pages join this CPU's batch */
	/* Two halves of 128 KiB: ms_file() writes in 64 KiB chunks, so no large folio of
	 * ext4 or xfs straddles the halves (PAGEOUT skips a large folio it covers partly
	 * when it cannot split it). */
	size_t n = 64, page = ms_page(), len = n * page;
	bool shmem = ms_fs_kind() == MS_FS_TMPFS;
	if (shmem && ms_swap_active())
		cr_skip_test("tmpfs with swap: residency after PAGEOUT depends on swap writeback");
	int fd = ms_file(len, NULL);
	xfsync(fd);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	int ready[2], go[2];
	pid_t pid = fork_toucher(p, len, ready, go);
	int pidfd = xpidfd_open(pid);
	struct iovec iov[2] = { { p, len / 2 }, { p + len / 2, len / 2 } };
	ssize_t r;
	int e, attempts = 0;
	long resident;
	do { /* attempts: see pageout_attempts */
		child_touch(ready, go);
		errno = 0;
		r = process_madvise(pidfd, iov, 2, MADV_PAGEOUT, 0);
		e = errno;
		resident = ms_resident(p, len);
	} while (++attempts < pageout_attempts && r == (ssize_t)len && !shmem && resident != 0);
	release_toucher(pid, ready, go);
	if (r < 0 && e == EPERM)
		cr_skip_test("process_madvise needs CAP_SYS_NICE and ptrace access: EPERM");
	cr_assert(r == (ssize_t)len, "process_madvise(PAGEOUT, 2 x %zu bytes) returned %zd (%s)",
		  len / 2, r, ms_errname(e));
	if (shmem)
		cr_assert(resident == (long)n, "tmpfs without swap: %ld of %zu pages resident",
			  resident, n);
	else
		cr_assert(resident == 0, "%s: %ld of %zu pages the child had touched are still "
			  "cached after process_madvise(PAGEOUT) (%d attempts)", ms_fs_name(),
			  resident, n, attempts);
	xclose(pidfd);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert the process_madvise errno cases: flags other than 0 and advice it does not take
 * give EINVAL, an fd that is no pidfd gives EBADF, a reaped process gives ESRCH. LINUX. */
CONFORM(process_madvise, bad_arguments_fail, "g17", LINUX)
{
	ms_require_kernel(5, 10, "process_madvise");
	size_t len = 4 * ms_page();
	unsigned char *p = xmap_anon(len, MAP_PRIVATE);
	struct iovec iov = { p, len };
	pid_t pid = xfork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	int pidfd = xpidfd_open(pid);
	errno = 0;
	ssize_t flags_r = process_madvise(pidfd, &iov, 1, MADV_COLD, 1);
	int flags_e = errno;
	errno = 0;
	ssize_t advice_r = process_madvise(pidfd, &iov, 1, MADV_DONTFORK, 0);
	int advice_e = errno;
	xkill(pid, SIGKILL);
	xwait(pid);
	cr_assert(flags_r == -1 && flags_e == EINVAL, "flags 1: expected EINVAL, got %zd with %s",
		  flags_r, ms_errname(flags_e));
	cr_assert(advice_r == -1 && advice_e == EINVAL, "MADV_DONTFORK: expected EINVAL, got %zd "
		  "with %s", advice_r, ms_errname(advice_e));
	ms_assert_errno(process_madvise(pidfd, &iov, 1, MADV_COLD, 0), ESRCH);
	int not_pidfd = ms_file(ms_page(), NULL);
	ms_assert_errno(process_madvise(not_pidfd, &iov, 1, MADV_COLD, 0), EBADF);
	xclose(not_pidfd);
	xclose(pidfd);
	xmunmap(p, len);
}

/* Assert that process_mrelease() refuses a live process (EINVAL) and nonzero flags (EINVAL),
 * succeeds on a SIGKILLed one while it still has its memory (0; ESRCH if it already released
 * it on its own), and gives ESRCH once the process has been reaped. LINUX, 5.15+. */
CONFORM(process_mrelease, only_for_killed_processes, "g17", LINUX)
{
	ms_require_kernel(5, 15, "process_mrelease");
	pid_t pid = xfork();
	if (pid == 0) {
		size_t len = 8u << 20;
		unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED)
			memset(m, 1, len);
		pause();
		_exit(0);
	}
	int pidfd = xpidfd_open(pid);
	errno = 0;
	int live_r = process_mrelease(pidfd, 0);
	int live_e = errno;
	errno = 0;
	int flags_r = process_mrelease(pidfd, 1);
	int flags_e = errno;
	xcheck("pidfd_send_signal", pidfd_send_signal(pidfd, SIGKILL, NULL, 0));
	errno = 0;
	int killed_r = process_mrelease(pidfd, 0);
	int killed_e = errno;
	xwait(pid);
	cr_assert(live_r == -1 && live_e == EINVAL, "live process: expected EINVAL, got %d with %s",
		  live_r, ms_errname(live_e));
	cr_assert(flags_r == -1 && flags_e == EINVAL, "flags 1: expected EINVAL, got %d with %s",
		  flags_r, ms_errname(flags_e));
	cr_assert(killed_r == 0 || (killed_r == -1 && killed_e == ESRCH), "killed process: "
		  "expected 0 (or ESRCH if its memory was already gone), got %d with %s", killed_r,
		  ms_errname(killed_e));
	ms_assert_errno(process_mrelease(pidfd, 0), ESRCH);
	xclose(pidfd);
}

/* ---- g18 ---- */

/* Assert that remap_file_pages() (emulated since Linux 4.0) makes pages of a shared file
 * mapping show other file pages: reads give the new file page's data, stores reach that file
 * page, and the rest of the mapping is unchanged. LINUX. */
CONFORM(remap_file_pages, rearranged_pages_map_the_named_file_pages, "g18", LINUX)
{
	size_t page = ms_page(), n = 4, len = n * page;
	int fd = ms_file(len, NULL);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ms_assert_ok(remap_file_pages(p, page, 0, 3, 0));
	ms_assert_ok(remap_file_pages(p + 2 * page, page, 0, 0, 0));
	static const size_t file_page_at[] = { 3, 1, 0, 3 };
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < page; i += 29) {
			size_t off = file_page_at[k] * page + i;
			cr_assert(p[k * page + i] == ms_pattern(off), "mapping page %zu byte %zu "
				  "reads 0x%02x; file page %zu holds 0x%02x (%s)", k, i,
				  p[k * page + i], file_page_at[k], ms_pattern(off), ms_fs_name());
		}
	p[11] = 0xc3; /* mapping page 0 is file page 3 */
	unsigned char got;
	xpread(fd, &got, 1, (off_t)(3 * page + 11));
	cr_assert(got == 0xc3, "a store through the remapped page is not at file offset %zu: "
		  "0x%02x (%s)", 3 * page + 11, got, ms_fs_name());
	cr_assert(p[3 * page + 11] == 0xc3, "the other mapping of file page 3 does not see the "
		  "store");
	xmunmap(p, len);
	xclose(fd);
}

/* Assert the remap_file_pages() errno cases: a private mapping, prot other than 0, and a
 * range beyond the mapping all fail with EINVAL. LINUX. */
#define RFP_BAD_ROWS(ROW, t)                                                                \
	ROW(t, private_mapping, remap_file_pages(private, page, 0, 3, 0), EINVAL,           \
	    "remap_file_pages(2) EINVAL: addr does not refer to a VM_SHARED mapping")       \
	ROW(t, prot_not_zero, remap_file_pages(shared, page, PROT_READ, 3, 0), EINVAL,      \
	    "remap_file_pages(2): prot must be 0 (EINVAL)")                                 \
	ROW(t, range_beyond_mapping, remap_file_pages(shared, 2 * len, 0, 1, 0), EINVAL,    \
	    "remap_file_pages(2) EINVAL: addr or size is invalid")
#define RFP_BAD_SETUP(row)                                                                  \
	size_t page = ms_page(), len = 4 * page;                                            \
	int fd = ms_file(len, NULL);                                                        \
	unsigned char *private = xmmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);           \
	unsigned char *shared = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);             \
	(void)private;
#define RFP_BAD_TEARDOWN(row)                                                               \
	for (size_t i = 0; i < len; i += 53)                                                \
		cr_assert(shared[i] == ms_pattern(i),                                       \
			  "refused calls changed byte %zu: 0x%02x", i, shared[i]);          \
	xmunmap(private, len);                                                              \
	xmunmap(shared, len);                                                               \
	xclose(fd);
CONFORM_ERRNO_ROWS(RFP_BAD_ROWS, remap_file_pages, bad_arguments_fail_einval, "g18", LINUX,
		   RFP_BAD_SETUP, RFP_BAD_TEARDOWN)
