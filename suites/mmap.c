/* (k, h) The mmap_* suites without a file of their own: the Linux-specific flags
 * MAP_FIXED_NOREPLACE, MAP_FIXED, MAP_SHARED_VALIDATE, MAP_SYNC, unknown flags, MAP_NORESERVE
 * against vm.overcommit_memory, MAP_32BIT and MAP_UNINITIALIZED, and MAP_FIXED below
 * vm.mmap_min_addr. The mapping types and flags with files of their own are the other
 * suites/mmap_*.c. */
#include "conform.h"
#include "arg_classes.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

/* A bit no Linux version has given a meaning to mmap (between MAP_FIXED_NOREPLACE and the
 * MAP_HUGE_* size field). */
#define MAP_UNKNOWN_BIT 0x200000

/* ---- k1: MAP_FIXED_NOREPLACE ---- */

/* Assert that MAP_FIXED_NOREPLACE fails with EEXIST for every way a request can overlap an
 * existing mapping (same range, head, tail, covering, inside, one page at either edge), that
 * the existing mapping is untouched, and that on a free range it maps exactly there. */
CONFORM(mmap_fixed_noreplace, overlaps_fail_eexist_free_range_succeeds, "k1", LINUX)
{
	size_t pg = ms_page();
	/* a 10-page hole with an existing 4-page mapping at pages [3, 7) */
	char *base = xmmap(NULL, 10 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xmunmap(base, 10 * pg);
	char *existing = xmmap(base + 3 * pg, 4 * pg, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	memset(existing, 0x6b, 4 * pg);
	static const struct {
		const char *shape;
		int first, pages;
	} overlaps[] = {
		{ "same range", 3, 4 },     { "head overlap", 1, 3 },  { "tail overlap", 6, 2 },
		{ "covering", 0, 10 },      { "inside", 4, 2 },        { "first page", 3, 1 },
		{ "last page", 6, 1 },      { "ends on first page", 2, 2 },
	};
	for (size_t i = 0; i < sizeof(overlaps) / sizeof(overlaps[0]); i++) {
		char *want = base + overlaps[i].first * pg;
		size_t len = (size_t)overlaps[i].pages * pg;
		errno = 0;
		void *got = mmap(want, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		int e = errno;
		cr_assert(got == MAP_FAILED && e == EEXIST, "%s (pages [%d, %d) over [3, 7)): got "
			  "%p with %s, expected MAP_FAILED with EEXIST\n%s", overlaps[i].shape,
			  overlaps[i].first, overlaps[i].first + overlaps[i].pages, got,
			  ms_errname(e), ms_maps_near(base, 10 * pg));
		for (size_t b = 0; b < 4 * pg; b += 97)
			cr_assert(existing[b] == 0x6b, "%s: the refused request changed the "
				  "existing mapping at +%zu", overlaps[i].shape, b);
	}
	/* free ranges: right before and right after the existing mapping */
	void *before = mmap(base + pg, 2 * pg, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	cr_assert(before == base + pg, "free range [1, 3): got %p (%s), expected %p", before,
		  ms_errname(errno), (void *)(base + pg));
	void *after = mmap(base + 7 * pg, 3 * pg, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	cr_assert(after == base + 7 * pg, "free range [7, 10): got %p (%s), expected %p", after,
		  ms_errname(errno), (void *)(base + 7 * pg));
	xmunmap(base, 10 * pg);
}

/* ---- k2: MAP_FIXED replaces ---- */

/* Assert that MAP_FIXED over the middle pages of an existing file mapping replaces exactly
 * those pages (an anonymous page reads zero there) and leaves the pages around them mapping
 * the file; POSIX: "any previous mapping for those whole pages shall be removed". */
CONFORM(mmap_fixed, replaces_whole_pages_of_existing_mapping, "k2", POSIX)
{
	size_t pg = ms_page(), len = 8 * pg;
	int fd = ms_file(len, NULL);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	void *got = mmap(p + 3 * pg, 2 * pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	cr_assert(got == p + 3 * pg, "MAP_FIXED at %p: got %p (%s)", (void *)(p + 3 * pg), got,
		  ms_errname(errno));
	for (size_t i = 0; i < len; i++) {
		unsigned char want = (i >= 3 * pg && i < 5 * pg) ? 0 : ms_pattern(i);
		cr_assert(p[i] == want, "%s: byte %zu reads 0x%02x after MAP_FIXED over pages "
			  "[3, 5), expected 0x%02x\n%s", ms_fs_name(), i, p[i], want,
			  ms_maps_near(p, len));
	}
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that MAP_FIXED across the tail of one mapping, a hole and the head of another
 * replaces exactly the requested range and keeps the rest of both mappings. */
CONFORM(mmap_fixed, replaces_partial_overlap_across_hole, "k2", POSIX)
{
	size_t pg = ms_page();
	unsigned char *base = xmmap(NULL, 9 * pg, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(base, 0x21, 9 * pg);
	xmunmap(base + 4 * pg, pg); /* [0, 4) and [5, 9), hole at 4 */
	unsigned char *got = mmap(base + 2 * pg, 5 * pg, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	cr_assert(got == base + 2 * pg, "MAP_FIXED at %p: got %p (%s)", (void *)(base + 2 * pg),
		  (void *)got, ms_errname(errno));
	for (size_t i = 0; i < 9 * pg; i++) {
		unsigned char want = (i >= 2 * pg && i < 7 * pg) ? 0 : 0x21;
		cr_assert(base[i] == want, "byte %zu (page %zu) reads 0x%02x, expected 0x%02x\n%s",
			  i, i / pg, base[i], want, ms_maps_near(base, 9 * pg));
	}
	struct ms_vma vma;
	bool shared_seen = ms_vma_at(base + 2 * pg, &vma, NULL, 0) &&
			   vma.start == (unsigned long)(base + 2 * pg) &&
			   vma.end == (unsigned long)(base + 7 * pg) && vma.perms[3] == 's';
	cr_assert(shared_seen, "no single MAP_SHARED VMA spans exactly the replaced range\n%s",
		  ms_maps_near(base, 9 * pg));
	xmunmap(base, 9 * pg);
}

/* ---- k3: MAP_SHARED_VALIDATE ---- */

/* Assert that MAP_SHARED_VALIDATE refuses an unknown flag with EOPNOTSUPP on a file of the
 * file system under test, and accepts the known ones (MAP_POPULATE, MAP_NORESERVE) with the
 * same sharing semantics as MAP_SHARED (Linux 4.15+). */
CONFORM(mmap_shared_validate, unknown_flag_fails_eopnotsupp, "k3", LINUX)
{
	size_t len = 4 * ms_page();
	int fd = ms_file(len, NULL);
	ms_assert_errno(mmap(NULL, len, PROT_READ | PROT_WRITE,
			     MAP_SHARED_VALIDATE | MAP_UNKNOWN_BIT, fd, 0), EOPNOTSUPP);
	errno = 0;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_SHARED_VALIDATE | MAP_POPULATE | MAP_NORESERVE, fd, 0);
	cr_assert(p != MAP_FAILED, "%s: MAP_SHARED_VALIDATE|MAP_POPULATE|MAP_NORESERVE: %s",
		  ms_fs_name(), ms_errname(errno));
	p[5] = 0xd1;
	unsigned char c;
	xpread(fd, &c, 1, 5);
	cr_assert(c == 0xd1, "%s: a store through MAP_SHARED_VALIDATE is not in the file (0x%02x)",
		  ms_fs_name(), c);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that MAP_SHARED_VALIDATE is refused with EINVAL for anonymous memory, even without
 * extra flags (Linux accepts it only for files; anonymous shared memory uses MAP_SHARED). */
CONFORM(mmap_shared_validate, anonymous_fails_einval, "k3", LINUX)
{
	ms_assert_errno(mmap(NULL, ms_page(), PROT_READ | PROT_WRITE,
			     MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0), EINVAL);
}

/* ---- k4: MAP_SYNC ---- */

/* Whether the scratch file fd is accessed through DAX (statx STATX_ATTR_DAX, Linux 5.8+). */
static bool file_is_dax(int fd)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) != 0)
		return false;
	return (stx.stx_attributes_mask & STATX_ATTR_DAX) && (stx.stx_attributes & STATX_ATTR_DAX);
}

/* Assert that MAP_SHARED_VALIDATE | MAP_SYNC is refused with EOPNOTSUPP on a file that is not
 * on DAX, whatever the file system (tmpfs, ext4, xfs, btrfs without -o dax). */
CONFORM(mmap_sync, without_dax_fails_eopnotsupp, "k4", LINUX)
{
	size_t len = 4 * ms_page();
	int fd = ms_file(len, NULL);
	if (file_is_dax(fd))
		cr_skip_test("%s: the scratch file is on DAX; see mmap_sync::on_dax_succeeds",
			     ms_fs_name());
	ms_assert_errno(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_SYNC,
			     fd, 0), EOPNOTSUPP);
	xclose(fd);
}

/* Assert that MAP_SHARED_VALIDATE | MAP_SYNC succeeds on a DAX file, and that a store through
 * it is in the file. */
CONFORM(mmap_sync, on_dax_succeeds, "k4", LINUX)
{
	size_t len = 4 * ms_page();
	int fd = ms_file(len, NULL);
	if (!file_is_dax(fd))
		cr_skip_test("%s at %s is not DAX (needs ext4 or xfs mounted -o dax on a pmem "
			     "device; run with MMAPSUITE_DIR on such a mount)", ms_fs_name(),
			     ms_dir());
	errno = 0;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_SYNC,
				fd, 0);
	cr_assert(p != MAP_FAILED, "%s on DAX: MAP_SHARED_VALIDATE|MAP_SYNC: %s", ms_fs_name(),
		  ms_errname(errno));
	p[0] = 0x99;
	unsigned char c;
	xpread(fd, &c, 1, 0);
	cr_assert(c == 0x99, "a MAP_SYNC store is not in the file (0x%02x)", c);
	xmunmap(p, len);
	xclose(fd);
}

/* ---- k5: unknown flags with legacy types ---- */

/* Assert that an unknown flag is silently ignored with MAP_PRIVATE and MAP_SHARED (legacy
 * types never validate), for anonymous memory and a file on the file system under test. */
CONFORM(mmap_legacy_flags, unknown_flag_ignored, "k5", LINUX)
{
	size_t len = 4 * ms_page();
	int fd = ms_file(len, NULL);
	static const struct {
		const char *what;
		int flags;
		bool file;
	} cases[] = {
		{ "MAP_PRIVATE|MAP_ANONYMOUS", MAP_PRIVATE | MAP_ANONYMOUS, false },
		{ "MAP_SHARED|MAP_ANONYMOUS", MAP_SHARED | MAP_ANONYMOUS, false },
		{ "MAP_PRIVATE file", MAP_PRIVATE, true },
		{ "MAP_SHARED file", MAP_SHARED, true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		errno = 0;
		unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					cases[i].flags | MAP_UNKNOWN_BIT,
					cases[i].file ? fd : -1, 0);
		cr_assert(p != MAP_FAILED, "%s: %s | unknown bit %#x: MAP_FAILED with %s, expected "
			  "the bit to be ignored", ms_fs_name(), cases[i].what, MAP_UNKNOWN_BIT,
			  ms_errname(errno));
		unsigned char want = cases[i].file ? ms_pattern(1) : 0;
		cr_assert(p[1] == want, "%s: reads 0x%02x, expected 0x%02x", cases[i].what, p[1],
			  want);
		xmunmap(p, len);
	}
	xclose(fd);
}

/* Assert what legacy MAP_SHARED | MAP_SYNC and MAP_PRIVATE | MAP_SYNC do per file system,
 * as observed on Linux 6.18: tmpfs and btrfs ignore MAP_SYNC, while ext4 and xfs (whose mmap
 * checks VM_SYNC against DAX) refuse it with EOPNOTSUPP even without MAP_SHARED_VALIDATE.
 * Other file systems: only that the call either maps or fails with EOPNOTSUPP. */
CONFORM(mmap_legacy_flags, map_sync_without_validate_per_fs, "k5 k4 k9", LINUX)
{
	size_t len = 4 * ms_page();
	int fd = ms_file(len, NULL);
	if (file_is_dax(fd))
		cr_skip_test("%s is DAX: MAP_SYNC is valid there", ms_fs_name());
	enum ms_fs_kind kind = ms_fs_kind();
	const int types[] = { MAP_SHARED, MAP_PRIVATE };
	for (int t = 0; t < 2; t++) {
		const char *type = types[t] == MAP_SHARED ? "MAP_SHARED" : "MAP_PRIVATE";
		errno = 0;
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, types[t] | MAP_SYNC, fd, 0);
		int e = errno;
		if (kind == MS_FS_TMPFS || kind == MS_FS_BTRFS)
			cr_assert(p != MAP_FAILED, "%s: %s|MAP_SYNC: MAP_FAILED with %s, expected "
				  "the flag to be ignored", ms_fs_name(), type, ms_errname(e));
		else if (kind == MS_FS_EXT4 || kind == MS_FS_XFS)
			cr_assert(p == MAP_FAILED && e == EOPNOTSUPP, "%s: %s|MAP_SYNC: got %p "
				  "with %s, expected MAP_FAILED with EOPNOTSUPP", ms_fs_name(),
				  type, p, ms_errname(e));
		else
			cr_assert(p != MAP_FAILED || e == EOPNOTSUPP, "%s: %s|MAP_SYNC failed with "
				  "%s", ms_fs_name(), type, ms_errname(e));
		if (p != MAP_FAILED)
			xmunmap(p, len);
	}
	xclose(fd);
}

/* ---- k6: MAP_NORESERVE against vm.overcommit_memory ---- */

/* Puts vm.overcommit_memory in mode for this test (as root, restored by the caller), or
 * leaves it when it already is; SKIPs without root (the settings lock is root's). Either
 * way the settings lock is held until ms_settings_restore(): a test that found the mode it
 * wanted must not see a parallel test switch it away mid-check (seen: mode 0 mapping 25 GiB
 * while the mode 1 test ran beside it). */
static void overcommit_mode(const char *mode)
{
	char now[64];
	ms_setting_hold(MS_OVERCOMMIT_MEMORY);
	if (ms_setting_read(MS_OVERCOMMIT_MEMORY, now, sizeof(now)) && strcmp(now, mode) == 0)
		return;
	ms_setting_change(MS_OVERCOMMIT_MEMORY, mode);
}

/* len, or SKIP when no free range of the address space is that large (a 32-bit word's 3 GiB
 * of user space against a guest with 2 GiB of RAM): a PROT_NONE private mapping is never
 * accounted, so only the address space can refuse it, in every overcommit mode. */
static size_t in_address_space(size_t len)
{
	errno = 0;
	void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		cr_skip_test("no %zu MiB range is free in this process's address space (%s; %d-bit "
			     "word): the mapping the test needs cannot exist in any mode", len >> 20,
			     ms_errname(errno), (int)sizeof(void *) * 8);
	munmap(p, len);
	return len;
}

/* Larger than RAM plus swap: what mode 0's heuristic refuses (SKIP where no such range fits). */
static size_t beyond_ram_and_swap(void)
{
	uint64_t kb = (uint64_t)ms_meminfo_kb("MemTotal") + (uint64_t)ms_meminfo_kb("SwapTotal") +
		      (1u << 20);
	if (kb * 1024 > SIZE_MAX)
		in_address_space(SIZE_MAX & ~(ms_page() - 1));
	return in_address_space((size_t)(kb * 1024) & ~(ms_page() - 1));
}

struct map_try {
	bool ok;
	int err;
};

/* mmap, note the outcome, unmap at once (nothing is touched, so nothing is allocated). */
static struct map_try try_map(size_t len, int prot, int flags)
{
	errno = 0;
	void *p = mmap(NULL, len, prot, flags, -1, 0);
	struct map_try t = { .ok = p != MAP_FAILED, .err = errno };
	if (t.ok)
		munmap(p, len);
	return t;
}

/* Assert that in overcommit mode 0 (heuristic) a private writable mapping larger than RAM
 * plus swap fails with ENOMEM, and the same mapping with MAP_NORESERVE succeeds. */
CONFORM(mmap_noreserve, overcommit_heuristic_refuses_beyond_ram_unless_noreserve, "k6", LINUX,
	.fini = ms_settings_restore, MS_ALONE)
{
	size_t len = beyond_ram_and_swap();
	overcommit_mode("0");
	const int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
	struct map_try plain = try_map(len, rw, anon);
	struct map_try noreserve = try_map(len, rw, anon | MAP_NORESERVE);
	ms_settings_restore();
	cr_assert(!plain.ok && plain.err == ENOMEM, "mode 0: %zu MiB private writable (more than "
		  "RAM + swap): %s, expected ENOMEM", len >> 20, plain.ok ? "mapped" :
		  ms_errname(plain.err));
	cr_assert(noreserve.ok, "mode 0: the same with MAP_NORESERVE: %s, expected a mapping",
		  ms_errname(noreserve.err));
}

/* Assert that in overcommit mode 1 (always) the same larger-than-RAM private writable mapping
 * succeeds without MAP_NORESERVE. */
CONFORM(mmap_noreserve, overcommit_always_accepts_beyond_ram, "k6", LINUX,
	.fini = ms_settings_restore, MS_ALONE)
{
	size_t len = beyond_ram_and_swap();
	overcommit_mode("1");
	struct map_try plain = try_map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	ms_settings_restore();
	cr_assert(plain.ok, "mode 1: %zu MiB private writable: %s, expected a mapping", len >> 20,
		  ms_errname(plain.err));
}

/* Assert that in overcommit mode 2 (never) MAP_NORESERVE is ignored: a private writable
 * mapping larger than CommitLimit fails with ENOMEM with or without it, while a read-only
 * private mapping of that size (not accounted) and a one-page writable one succeed. */
CONFORM(mmap_noreserve, overcommit_never_ignores_noreserve, "k6", LINUX,
	.fini = ms_settings_restore, MS_ALONE)
{
	uint64_t bytes = ((uint64_t)ms_meminfo_kb("MemTotal") + (uint64_t)ms_meminfo_kb("SwapTotal")) *
			 1024 + ((uint64_t)1 << 30);
	size_t len = in_address_space(bytes > SIZE_MAX ? SIZE_MAX & ~(ms_page() - 1) :
				      (size_t)bytes & ~(ms_page() - 1));
	const int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
	/* Mode 2 refuses every new commitment on the machine once Committed_AS passes
	 * CommitLimit: other processes' forks and allocations fail meanwhile (seen: fork() in
	 * the test running beside this one got ENOMEM). Switch only with room to spare, and keep
	 * the window as short as possible. */
	ms_setting_hold(MS_OVERCOMMIT_MEMORY);
	long committed_kb = ms_meminfo_kb("Committed_AS"), room_kb = ms_meminfo_kb("CommitLimit");
	if (committed_kb > room_kb / 2) {
		ms_settings_restore();
		cr_skip_test("Committed_AS is %ld MiB, more than half of CommitLimit (%ld MiB): "
			     "overcommit mode 2 now would make allocations all over the machine "
			     "fail", committed_kb >> 10, room_kb >> 10);
	}
	overcommit_mode("2");
	long limit_kb = ms_meminfo_kb("CommitLimit");
	struct map_try small = try_map(ms_page(), rw, anon | MAP_NORESERVE);
	struct map_try noreserve = try_map(len, rw, anon | MAP_NORESERVE);
	struct map_try plain = try_map(len, rw, anon);
	struct map_try readonly = try_map(len, PROT_READ, anon);
	ms_settings_restore();
	if (!small.ok)
		ms_broken("mode 2: even one page failed (%s): the machine is already past "
			  "CommitLimit", ms_errname(small.err));
	if ((size_t)limit_kb * 1024 >= len)
		ms_broken("CommitLimit %ld kB is not below the test size", limit_kb);
	cr_assert(!noreserve.ok && noreserve.err == ENOMEM, "mode 2: %zu MiB private writable "
		  "with MAP_NORESERVE (CommitLimit %ld MiB): %s, expected ENOMEM (NORESERVE "
		  "ignored)", len >> 20, limit_kb >> 10,
		  noreserve.ok ? "mapped" : ms_errname(noreserve.err));
	cr_assert(!plain.ok && plain.err == ENOMEM, "mode 2: %zu MiB private writable: %s, "
		  "expected ENOMEM", len >> 20, plain.ok ? "mapped" : ms_errname(plain.err));
	cr_assert(readonly.ok, "mode 2: %zu MiB private read-only (not accounted): %s, expected "
		  "a mapping", len >> 20, ms_errname(readonly.err));
}

/* ---- k7: MAP_32BIT, MAP_UNINITIALIZED ---- */

#if defined(__x86_64__)
static const int map_32bit = MAP_32BIT;
#else
static const int map_32bit = 0;
#endif

/* Assert that MAP_32BIT (x86-64 only) places anonymous and file mappings entirely below
 * 2 GiB, as Linux documents it (the kernel uses the [1 GiB, 2 GiB) window). */
CONFORM(mmap_32bit, mapping_below_2gib, "k7", LINUX)
{
	if (!map_32bit)
		cr_skip_test("MAP_32BIT exists on x86-64 only");
	const uintptr_t limit = (uintptr_t)2 << 30;
	size_t len = 16 * ms_page();
	int fd = ms_file(len, NULL);
	for (int i = 0; i < 16; i++) {
		bool file = i % 2;
		errno = 0;
		int type = file ? MAP_SHARED : MAP_PRIVATE | MAP_ANONYMOUS;
		unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, type | map_32bit,
					file ? fd : -1, 0);
		cr_assert(p != MAP_FAILED, "MAP_32BIT %s mapping %d: %s",
			  file ? "file" : "anonymous", i, ms_errname(errno));
		cr_assert(p != NULL && (uintptr_t)p + len <= limit, "MAP_32BIT %s mapping %d at "
			  "[%p, %p): not below 2 GiB", file ? "file" : "anonymous", i, (void *)p,
			  (void *)(p + len));
		cr_assert(p[3] == (file ? ms_pattern(3) : 0), "MAP_32BIT mapping %d reads 0x%02x",
			  i, p[3]);
	}
	xclose(fd);
}

/* Assert that MAP_UNINITIALIZED is ignored on an MMU kernel: memory just freed by this
 * process and mapped again with the flag reads zero (CONFIG_MMAP_ALLOW_UNINITIALIZED
 * exists only without an MMU). */
CONFORM(mmap_uninitialized, ignored_memory_reads_zero, "k7", LINUX)
{
	size_t len = 64 * ms_page();
	for (int round = 0; round < 8; round++) {
		unsigned char *dirty = xmmap(NULL, len, PROT_READ | PROT_WRITE,
					     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(dirty, 0xcd, len);
		xmunmap(dirty, len);
		errno = 0;
		unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_UNINITIALIZED, -1, 0);
		cr_assert(p != MAP_FAILED, "MAP_UNINITIALIZED: %s, expected the flag to be ignored",
			  ms_errname(errno));
		for (size_t i = 0; i < len; i++)
			cr_assert(p[i] == 0, "round %d: byte %zu of a MAP_UNINITIALIZED mapping is "
				  "0x%02x: memory was handed out uninitialised", round, i, p[i]);
		xmunmap(p, len);
	}
}

/* ---- h17: MAP_FIXED below vm.mmap_min_addr ---- */

static unsigned long mmap_min_addr(void)
{
	unsigned long v = 0;
	FILE *f = fopen("/proc/sys/vm/mmap_min_addr", "r");
	if (!f)
		ms_broken("open /proc/sys/vm/mmap_min_addr: %s", ms_errname(errno));
	if (fscanf(f, "%lu", &v) != 1)
		ms_broken("cannot parse /proc/sys/vm/mmap_min_addr");
	fclose(f);
	return v;
}

/* Assert that a caller without CAP_SYS_RAWIO gets EPERM for MAP_FIXED (and MAP_FIXED_NOREPLACE)
 * below vm.mmap_min_addr. Root runs it in a child with the capability dropped. LINUX. */
CONFORM(mmap_min_addr, fixed_below_min_addr_eperm, "h17", LINUX)
{
	unsigned long min = mmap_min_addr();
	size_t pg = ms_page();
	if (min == 0)
		cr_skip_test("vm.mmap_min_addr is 0: no address lies below it");
	/* the last page that starts below min: page 0 when min is less than a page (4096 with
	 * 16 KiB pages), which MAP_FIXED names like any other */
	void *low = (void *)((min - 1) & ~(pg - 1));
#if defined(__arm__)
	/* arm refuses MAP_FIXED below FIRST_USER_ADDRESS, two pages, with EINVAL before the
	 * mmap_min_addr check (arch_mmap_check(), arch/arm/include/uapi/asm/mman.h) */
	if ((uintptr_t)low < 2 * pg)
		cr_skip_test("vm.mmap_min_addr is %lu: the only pages below it are below arm's "
			     "FIRST_USER_ADDRESS (two pages), which MAP_FIXED refuses with EINVAL "
			     "before the mmap_min_addr check", min);
#endif
	pid_t pid = xfork();
	if (pid == 0) {
		ms_child_drop_capability(CAP_SYS_RAWIO);
		child_check_errno(mmap(low, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				       -1, 0), EPERM);
		child_check_errno(mmap(low, pg, PROT_READ,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
				  EPERM);
		_exit(0);
	}
	xwait_ok(pid);
}

/* Assert that a hint (no MAP_FIXED) below vm.mmap_min_addr is not refused: the kernel places
 * the mapping at or above mmap_min_addr. LINUX. */
CONFORM(mmap_min_addr, hint_below_min_addr_moved_up, "h17", LINUX)
{
	unsigned long min = mmap_min_addr();
	size_t pg = ms_page();
	/* the last page that starts below min; NULL is no hint at all, so it measures nothing */
	unsigned long low = (min == 0) ? 0 : (min - 1) & ~(pg - 1);
	if (low == 0)
		cr_skip_test("vm.mmap_min_addr is %lu: no page but page 0 (a NULL hint, which is no "
			     "hint) starts below it with %zu-byte pages", min, pg);
	unsigned char *p = mmap((void *)low, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ms_assert_mapped(p);
	cr_assert((unsigned long)p >= min, "a hint below mmap_min_addr %lu was placed at %p", min,
		  (void *)p);
	xmunmap(p, pg);
}
