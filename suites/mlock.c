/* (h) Argument validation of the mmap family beyond mmap itself: mprotect prot bits, mremap,
 * mincore, the mlock calls, mseal, MAP_HUGETLB alignment and MAP_FIXED below mmap_min_addr.
 * Each test feeds one bad argument to an otherwise valid call, so the errno names that argument. */
#include "mm_util.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static unsigned char *map_anon(size_t len, int prot)
{
	return xmmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* In a forked child: removes cap from the effective set (the child only), so that a root run
 * still sees what an unprivileged caller sees. glibc has no capget/capset wrapper. */
static void child_drop_capability(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	child_check(syscall(SYS_capget, &hdr, data) == 0, "capget: %s", ms_errname(errno));
	data[cap / 32].effective &= ~(1u << (cap % 32));
	child_check(syscall(SYS_capset, &hdr, data) == 0, "capset: %s", ms_errname(errno));
}

#define child_check_errno(expr, expected)                                                   \
	do {                                                                                \
		errno = 0;                                                                  \
		long r_ = (long)(expr);                                                     \
		int e_ = errno;                                                             \
		child_check(r_ == -1 && e_ == (expected),                                   \
			    "%s: expected -1 with %s, got %ld with %s", #expr,              \
			    ms_errname(expected), r_, ms_errname(e_));                      \
	} while (0)

/* Errno tables: each row (the call with its arguments, the expected errno, the clause it
 * judges) is its own result, suite/test_row, so that a failing row hides none of the others.
 * A table is a macro listing ROW(row, call, expected, clause); the test's macro declares one
 * CONFORM per row with the test's ids and spec, around the set-up all its rows share, and
 * checks the row's call with ms_assert_errno_row(). */

/* ---- h11: mprotect prot bits ---- */

/* Assert that mprotect rejects every prot bit outside PROT_READ|WRITE|EXEC|SEM and the two
 * GROWS flags with EINVAL and leaves the protection unchanged. LINUX (POSIX: EINVAL "may").
 * arm64's PROT_BTI and PROT_MTE are skipped where the CPU has the feature (the kernel then
 * accepts them: QEMU virt -cpu max has BTI). */
CONFORM(mprotect_classes, unknown_prot_bits_einval, "h11", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = map_anon(pg, PROT_READ | PROT_WRITE);
	static const unsigned long bad[] = { 0x10, 0x20, 0x40, 0x80, 0x100, 0x1000, 0x10000,
					     0x400000, 0x4000000, 0x80000000ul };
	/* every bit is tried and every wrong answer listed: one bit hides no other */
	char wrong[1024] = "";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i] & ms_arch_prot_bits())
			continue;
		errno = 0;
		int r = mprotect(p, pg, PROT_READ | (int)bad[i]);
		size_t used = strlen(wrong);
		if (r != -1 || errno != EINVAL)
			snprintf(wrong + used, sizeof(wrong) - used, "%sPROT_READ|0x%lx gave %d with %s",
				 used ? "; " : "", bad[i], r, ms_errname(errno));
	}
	cr_assert(!wrong[0], "mprotect(%p, ...) expected EINVAL for every unknown bit: %s\n%s",
		  (void *)p, wrong, ms_maps_near(p, pg));
	cr_assert(!ms_probe_write(p, 1, NULL), "a refused mprotect still removed write access\n%s",
		  ms_maps_near(p, pg));
	xmunmap(p, pg);
}

/* Assert that PROT_GROWSDOWN together with PROT_GROWSUP, and either one on a mapping that does
 * not grow that way, give EINVAL. LINUX. */
#define GROWS_FLAGS_ROWS(ROW, t)                                                            \
	ROW(t, both, mprotect(p + pg, pg, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP),       \
		 EINVAL,                                                                    \
	    "mprotect(2) EINVAL: both PROT_GROWSUP and PROT_GROWSDOWN")                     \
	ROW(t, growsdown, mprotect(p + pg, pg, PROT_READ | PROT_GROWSDOWN), EINVAL,         \
	    "mprotect(2) EINVAL: PROT_GROWSDOWN on a mapping that does not grow down")      \
	ROW(t, growsup, mprotect(p + pg, pg, PROT_READ | PROT_GROWSUP), EINVAL,             \
	    "mprotect(2) EINVAL: PROT_GROWSUP on a mapping that does not grow up")
#define GROWS_FLAGS_SETUP(row)                                                              \
	size_t pg = ms_page();                                                              \
	unsigned char *p = map_anon(2 * pg, PROT_READ | PROT_WRITE);
#define GROWS_FLAGS_TEARDOWN(row)                                                           \
	xmunmap(p, 2 * pg);
CONFORM_ERRNO_ROWS(GROWS_FLAGS_ROWS, mprotect_classes, grows_flags_on_plain_mapping_einval,
		   "h11", LINUX, GROWS_FLAGS_SETUP, GROWS_FLAGS_TEARDOWN)

/* Assert that PROT_GROWSDOWN on a MAP_GROWSDOWN mapping succeeds and extends the change down
 * to the start of the mapping: pages below the range become read-only too, the page above it
 * stays writable. LINUX (mprotect(2): "extend the change to the start of the mapping"). */
CONFORM(mprotect_classes, growsdown_extends_change_to_vma_start, "h11", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	ms_assert_ok(mprotect(p + 2 * pg, pg, PROT_READ | PROT_GROWSDOWN));
	struct ms_fault f;
	for (size_t i = 0; i < 3; i++) {
		ms_probe_write(p + i * pg, 1, &f);
		cr_assert(f.faulted && f.code == SEGV_ACCERR && f.addr == p + i * pg,
			  "page %zu (below the PROT_GROWSDOWN range) is still writable or faults "
			  "wrongly (%s %s)\n%s", i, ms_signame(f.signo),
			  ms_sicode_name(f.signo, f.code), ms_maps_near(p, 4 * pg));
	}
	cr_assert(!ms_probe_write(p + 3 * pg, 1, &f),
		  "the page above the range lost write access\n%s", ms_maps_near(p, 4 * pg));
	xmunmap(p, 4 * pg);
}

/* ---- h12: mremap ---- */

/* Assert that mremap gives EINVAL for an unaligned old_address, new_size 0, an unknown flag,
 * MREMAP_FIXED without MREMAP_MAYMOVE, MREMAP_DONTUNMAP with a size change, and a new range
 * overlapping the old, and that the mapping is untouched afterwards. LINUX (mremap is
 * Linux-only). */
#define MREMAP_EINVAL_ROWS(ROW, t)                                                          \
	ROW(t, unaligned_old_address, mremap(p + 1, pg, 2 * pg, MREMAP_MAYMOVE), EINVAL,    \
	    "mremap(2) EINVAL: old_address not page aligned")                               \
	ROW(t, new_size_zero, mremap(p, pg, 0, MREMAP_MAYMOVE), EINVAL,                     \
	    "mremap(2) EINVAL: new_size was zero")                                          \
	ROW(t, unknown_flag, mremap(p, pg, 2 * pg, MREMAP_MAYMOVE | (1 << 30)), EINVAL,     \
	    "mremap(2) EINVAL: an invalid flag was specified in flags")                     \
	ROW(t, fixed_without_maymove, mremap(p, pg, pg, MREMAP_FIXED, dst), EINVAL,         \
	    "mremap(2) EINVAL: MREMAP_FIXED without MREMAP_MAYMOVE")                        \
	ROW(t, dontunmap_size_change,                                                       \
	    mremap(p, pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_DONTUNMAP), EINVAL,               \
	    "mremap(2) EINVAL: MREMAP_DONTUNMAP with old_size != new_size")                 \
	ROW(t, fixed_overlapping_old,                                                       \
	    mremap(p, 2 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, p + pg), EINVAL,       \
	    "mremap(2) EINVAL: the new and old ranges overlap")
#define MREMAP_EINVAL_SETUP(row)                                                            \
	size_t pg = ms_page();                                                              \
	unsigned char *p = map_anon(2 * pg, PROT_READ | PROT_WRITE);                        \
	unsigned char *dst = ms_unmapped_range(4 * pg);                                     \
	(void)dst;                                                                          \
	p[0] = 0x12;
#define MREMAP_EINVAL_TEARDOWN(row)                                                         \
	cr_assert(p[0] == 0x12, "a refused mremap changed the mapping\n%s",                 \
		  ms_maps_near(p, 2 * pg));                                                 \
	xmunmap(p, 2 * pg);
CONFORM_ERRNO_ROWS(MREMAP_EINVAL_ROWS, mremap_classes, bad_address_size_flags_einval, "h12", LINUX,
		   MREMAP_EINVAL_SETUP, MREMAP_EINVAL_TEARDOWN)

/* Assert that mremap of an unmapped old range, or of one extending past its mapping, gives
 * EFAULT. LINUX (mremap(2): "EFAULT: some address in the range ... is invalid"). */
#define MREMAP_EFAULT_ROWS(ROW, t)                                                          \
	ROW(t, unmapped, mremap(ms_unmapped_range(2 * pg), pg, 2 * pg, MREMAP_MAYMOVE),     \
		 EFAULT,                                                                    \
	    "mremap(2) EFAULT: the old range is not mapped")                                \
	ROW(t, hole, mremap(hole, 2 * pg, 4 * pg, MREMAP_MAYMOVE), EFAULT,                  \
	    "mremap(2) EFAULT: the old range extends past its mapping into a hole")
#define MREMAP_EFAULT_SETUP(row)                                                            \
	size_t pg = ms_page();                                                              \
	unsigned char *hole = ms_map_with_hole();
#define MREMAP_EFAULT_TEARDOWN(row)                                                         \
	xmunmap(hole, 3 * pg);
CONFORM_ERRNO_ROWS(MREMAP_EFAULT_ROWS, mremap_classes, unmapped_old_range_efault, "h12", LINUX,
		   MREMAP_EFAULT_SETUP, MREMAP_EFAULT_TEARDOWN)

/* ---- h13: mincore ---- */

/* Assert mincore's errnos: unaligned start EINVAL, vec in read-only memory EFAULT, an unmapped
 * range or one with a hole ENOMEM, a length beyond the address space ENOMEM; and, as a control
 * in every row, that a valid call on the same mapping succeeds and sees the touched page.
 * LINUX. */
#define MINCORE_ROWS(ROW, t)                                                                \
	ROW(t, unaligned_start, mincore(p + 1, pg, vec), EINVAL,                            \
	    "mincore(2) EINVAL: addr is not a multiple of the page size")                   \
	ROW(t, readonly_vec, mincore(p, 2 * pg, map_anon(pg, PROT_READ)), EFAULT,           \
	    "mincore(2) EFAULT: vec points to an invalid address")                          \
	ROW(t, unmapped, mincore(ms_unmapped_range(pg), pg, vec), ENOMEM,                   \
	    "mincore(2) ENOMEM: [addr, addr + length) contained unmapped memory")           \
	ROW(t, hole, mincore(hole, 3 * pg, vec), ENOMEM,                                    \
	    "mincore(2) ENOMEM: [addr, addr + length) contained unmapped memory")           \
	ROW(t, length_past_task_size, mincore(p, ~(size_t)0 - 2 * pg, vec), ENOMEM,         \
	    "mincore(2) ENOMEM: length is greater than (TASK_SIZE - addr)")
#define MINCORE_SETUP(row)                                                                  \
	size_t pg = ms_page();                                                              \
	unsigned char vec[4];                                                               \
	unsigned char *p = map_anon(2 * pg, PROT_READ | PROT_WRITE);                        \
	unsigned char *hole = ms_map_with_hole();                                           \
	p[0] = 1;
#define MINCORE_TEARDOWN(row)                                                               \
	ms_assert_ok(mincore(p, 2 * pg, vec));                                              \
	cr_assert((vec[0] & 1) == 1,                                                        \
		  "control: the touched page is not resident (vec 0x%x)", vec[0]);          \
	xmunmap(p, 2 * pg);                                                                 \
	xmunmap(hole, 3 * pg);
CONFORM_ERRNO_ROWS(MINCORE_ROWS, mincore_classes, errnos_einval_efault_enomem, "h13", LINUX,
		   MINCORE_SETUP, MINCORE_TEARDOWN)

/* ---- h14: the mlock family ---- */

/* Assert that mlock, mlock2 and munlock of an unmapped range or one with a hole give ENOMEM.
 * POSIX (mlock: ENOMEM for a range that is not all mapped). */
#define MLOCK_UNMAPPED_ROWS(ROW, t)                                                         \
	ROW(t, mlock_unmapped, mlock(gone, pg), ENOMEM,                                     \
	    "POSIX mlock() ENOMEM: some or all of the range is not mapped")                 \
	ROW(t, munlock_unmapped, munlock(gone, pg), ENOMEM,                                 \
	    "POSIX munlock() ENOMEM: some or all of the range is not mapped")               \
	ROW(t, mlock_hole, mlock(hole, 3 * pg), ENOMEM,                                     \
	    "POSIX mlock() ENOMEM: some or all of the range is not mapped")                 \
	ROW(t, mlock2_hole, mlock2(hole, 3 * pg, MLOCK_ONFAULT), ENOMEM,                    \
	    "mlock2(2) ENOMEM: some of the range is not mapped")
#define MLOCK_UNMAPPED_SETUP(row)                                                           \
	size_t pg = ms_page();                                                              \
	unsigned char *hole = ms_map_with_hole();                                           \
	unsigned char *gone = ms_unmapped_range(pg); /* after: not where hole went */       \
	(void)gone;
#define MLOCK_UNMAPPED_TEARDOWN(row)                                                        \
	xmunmap(hole, 3 * pg);
CONFORM_ERRNO_ROWS(MLOCK_UNMAPPED_ROWS, mlock_classes, unmapped_range_enomem, "h14", POSIX,
		   MLOCK_UNMAPPED_SETUP, MLOCK_UNMAPPED_TEARDOWN)

/* Assert that an mlock() or munlock() that fails with ENOMEM on a hole changes no lock: mlock of
 * [page, hole, page] leaves both pages unlocked, munlock of it leaves both locked. POSIX mlock():
 * "Otherwise, no change is made to any locks in the address space of the process, and the
 * function shall return a value of -1". Known deviation: Linux walks the range in order and
 * (un)locks the pages before the hole before it finds the hole (kernel.expect). */
CONFORM(mlock_classes, failed_call_changes_no_locks, "h14", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = ms_map_with_hole();
	if (mlock(p, pg) != 0) {
		if (errno == EPERM || errno == ENOMEM || errno == EAGAIN)
			cr_skip_test("mlock of one page refused (%s): RLIMIT_MEMLOCK too small "
				     "here", ms_errname(errno));
		ms_broken("mlock(%p, one page): %s", (void *)p, ms_errname(errno));
	}
	xcheck("munlock", munlock(p, pg));
	ms_assert_errno(mlock(p, 3 * pg), ENOMEM);
	long before = ms_smaps_kb(p, "Locked"), after = ms_smaps_kb(p + 2 * pg, "Locked");
	munlock(p, pg);
	munlock(p + 2 * pg, pg);
	cr_assert(before == 0 && after == 0, "mlock(page, hole, page) failed with ENOMEM yet locked "
		  "%ld kB before the hole and %ld kB after it; POSIX mlock: on failure no change is "
		  "made to any locks\n%s", before, after, ms_maps_near(p, 3 * pg));
	xcheck("mlock", mlock(p, pg));
	xcheck("mlock", mlock(p + 2 * pg, pg));
	ms_assert_errno(munlock(p, 3 * pg), ENOMEM);
	before = ms_smaps_kb(p, "Locked");
	after = ms_smaps_kb(p + 2 * pg, "Locked");
	cr_assert(before == (long)(pg / 1024) && after == (long)(pg / 1024),
		  "munlock(page, hole, page) failed with ENOMEM yet left %ld kB locked before the "
		  "hole and %ld kB after it, of %zu each; POSIX munlock: on failure no change is "
		  "made to any locks\n%s", before, after, pg / 1024, ms_maps_near(p, 3 * pg));
	xmunmap(p, pg);
	xmunmap(p + 2 * pg, pg);
}

/* Assert that unknown flags give EINVAL: mlock2 with a bit other than MLOCK_ONFAULT,
 * mlockall(0), mlockall(MCL_ONFAULT) alone, mlockall with an unknown bit; and that the refused
 * call locked nothing. LINUX for mlock2 and MCL_ONFAULT; POSIX for mlockall(0) ("flags is zero
 * or includes unimplemented flags"). */
#define MLOCK_FLAGS_ROWS(ROW, t)                                                            \
	ROW(t, mlock2_bit_1, mlock2(p, pg, 0x2), EINVAL,                                    \
	    "mlock2(2) EINVAL: unknown flags were specified")                               \
	ROW(t, mlock2_bit_31, mlock2(p, pg, 0x80000000u), EINVAL,                           \
	    "mlock2(2) EINVAL: unknown flags were specified")                               \
	ROW(t, mlockall_zero, mlockall(0), EINVAL,                                          \
	    "POSIX mlockall() EINVAL: the flags argument is zero")                          \
	ROW(t, mlockall_onfault_alone, mlockall(MCL_ONFAULT), EINVAL,                       \
	    "mlockall(2) EINVAL: MCL_ONFAULT without MCL_CURRENT or MCL_FUTURE")            \
	ROW(t, mlockall_unknown_bit, mlockall(MCL_CURRENT | 0x100), EINVAL,                 \
	    "POSIX mlockall() EINVAL: flags includes unimplemented flags")
#define MLOCK_FLAGS_SETUP(row)                                                              \
	size_t pg = ms_page();                                                              \
	unsigned char *p = map_anon(pg, PROT_READ | PROT_WRITE);
#define MLOCK_FLAGS_TEARDOWN(row)                                                           \
	cr_assert(ms_smaps_kb(p, "Locked") == 0,                                            \
		  "a refused call locked memory: Locked %ld kB",                            \
		  ms_smaps_kb(p, "Locked"));                                                \
	xmunmap(p, pg);
CONFORM_ERRNO_ROWS(MLOCK_FLAGS_ROWS, mlock_classes, unknown_flags_einval, "h14", LINUX,
		   MLOCK_FLAGS_SETUP, MLOCK_FLAGS_TEARDOWN)

/* Assert that Linux rounds an unaligned mlock range out to whole pages (POSIX allows EINVAL
 * here; Linux documents the rounding): mlock(p + 1, 1) locks the page. LINUX. */
CONFORM(mlock_classes, unaligned_range_rounded_to_pages, "h14", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = map_anon(2 * pg, PROT_READ | PROT_WRITE);
	if (mlock(p + 1, 1) != 0) {
		if (errno == EPERM || errno == ENOMEM)
			cr_skip_test("mlock of one page refused (%s): RLIMIT_MEMLOCK too small "
				     "here", ms_errname(errno));
		cr_assert_fail("mlock(%p + 1, 1): %s", (void *)p, ms_errname(errno));
	}
	long kb = ms_smaps_kb(p, "Locked");
	cr_assert(kb == (long)(pg / 1024), "mlock(p + 1, 1) locked %ld kB, expected one page (%zu)"
		  "\n%s", kb, pg / 1024, ms_maps_near(p, 2 * pg));
	xmunmap(p, 2 * pg);
}

/* Assert the RLIMIT_MEMLOCK errnos of a caller without CAP_IPC_LOCK: with the limit at 0 mlock
 * and mlockall give EPERM; with a one-page limit locking two pages gives ENOMEM (mlock) and
 * mlockall(MCL_CURRENT) gives ENOMEM. LINUX for RLIMIT_MEMLOCK; the errnos are POSIX's own:
 * mlock() and mlockall() "may fail" with ENOMEM when locking "would exceed an
 * implementation-defined limit on the amount of memory that the process may lock", and with
 * EPERM without "appropriate privileges". */
CONFORM(mlock_classes, memlock_limit_eperm_enomem, "h14", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = map_anon(2 * pg, PROT_READ | PROT_WRITE);
	pid_t pid = xfork();
	if (pid == 0) {
		child_drop_capability(CAP_IPC_LOCK);
		struct rlimit zero = { 0, 0 };
		child_check(setrlimit(RLIMIT_MEMLOCK, &zero) == 0, "setrlimit(0): %s",
			    ms_errname(errno));
		child_check_errno(mlock(p, pg), EPERM);
		child_check_errno(mlock2(p, pg, MLOCK_ONFAULT), EPERM);
		child_check_errno(mlockall(MCL_CURRENT), EPERM);
		_exit(0);
	}
	xwait_ok(pid);

	pid = xfork();
	if (pid == 0) {
		child_drop_capability(CAP_IPC_LOCK);
		struct rlimit one = { pg, pg };
		child_check(setrlimit(RLIMIT_MEMLOCK, &one) == 0, "setrlimit(one page): %s",
			    ms_errname(errno));
		child_check_errno(mlock(p, 2 * pg), ENOMEM);
		child_check_errno(mlockall(MCL_CURRENT), ENOMEM);
		child_check(mlock(p, pg) == 0,
			    "control: mlock of one page within a one-page limit: %s",
			    ms_errname(errno));
		_exit(0);
	}
	xwait_ok(pid);
	xmunmap(p, 2 * pg);
}

/* ---- h15: mseal ---- */

/* Assert mseal's EINVAL cases: nonzero flags, unaligned start, start + len wrapping around;
 * and that the refused call sealed nothing (the whole mapping can still be unmapped). LINUX. */
#define MSEAL_EINVAL_ROWS(ROW, t)                                                           \
	ROW(t, nonzero_flags, ms_sys_mseal(p, pg, 1), EINVAL,                               \
	    "mseal kernel-doc EINVAL: flags is not 0")                                      \
	ROW(t, unaligned_start, ms_sys_mseal(p + 1, pg, 0), EINVAL,                         \
	    "mseal kernel-doc EINVAL: start is not page aligned")                           \
	ROW(t, wrapping_end, ms_sys_mseal(p, ~(size_t)0 - pg, 0), EINVAL,                   \
	    "mseal kernel-doc EINVAL: start + len overflows")
#define MSEAL_EINVAL_SETUP(row)                                                             \
	ms_require_mseal();                                                                 \
	size_t pg = ms_page();                                                              \
	unsigned char *p = map_anon(3 * pg, PROT_READ | PROT_WRITE);
#define MSEAL_EINVAL_TEARDOWN(row)                                                          \
	ms_assert_ok(munmap(p, 3 * pg)); /* nothing was sealed */
CONFORM_ERRNO_ROWS(MSEAL_EINVAL_ROWS, mseal_classes, flags_alignment_overflow_einval, "h15", LINUX,
		   MSEAL_EINVAL_SETUP, MSEAL_EINVAL_TEARDOWN)

/* Assert that mseal with len 0 succeeds and seals nothing, and that an unaligned len is
 * rounded up: the next page gets sealed (munmap of it gives EPERM), the page after it does
 * not. LINUX. */
CONFORM(mseal_classes, len_zero_succeeds_unaligned_len_rounded_up, "h15", LINUX)
{
	ms_require_mseal();
	size_t pg = ms_page();
	unsigned char *p = map_anon(3 * pg, PROT_READ | PROT_WRITE);
	ms_assert_ok(ms_sys_mseal(p, 0, 0));
	ms_assert_ok(munmap(p, pg)); /* len 0 sealed nothing */
	ms_assert_ok(ms_sys_mseal(p + pg, 1, 0));
	ms_assert_errno(munmap(p + pg, pg), EPERM);
	ms_assert_ok(munmap(p + 2 * pg, pg));
}

/* Assert that mseal gives ENOMEM when the start, the end or a middle part of the range is not
 * mapped, and seals nothing then. LINUX. */
#define MSEAL_ENOMEM_ROWS(ROW, t)                                                           \
	ROW(t, start_unmapped, ms_sys_mseal(hole + pg, 2 * pg, 0), ENOMEM,                  \
	    "mseal kernel-doc ENOMEM: the start of the range is not mapped")                \
	ROW(t, end_unmapped, ms_sys_mseal(hole, 2 * pg, 0), ENOMEM,                         \
	    "mseal kernel-doc ENOMEM: the end of the range is not mapped")                  \
	ROW(t, gap, ms_sys_mseal(hole, 3 * pg, 0), ENOMEM,                                  \
	    "mseal kernel-doc ENOMEM: a gap (unmapped memory) inside the range")            \
	ROW(t, wholly_unmapped, ms_sys_mseal(ms_unmapped_range(pg), pg, 0), ENOMEM,         \
	    "mseal kernel-doc ENOMEM: the range is not mapped")
#define MSEAL_ENOMEM_SETUP(row)                                                             \
	ms_require_mseal();                                                                 \
	size_t pg = ms_page();                                                              \
	unsigned char *hole = ms_map_with_hole();
#define MSEAL_ENOMEM_TEARDOWN(row)                                                          \
	ms_assert_ok(munmap(hole, 3 * pg)); /* nothing was sealed */
CONFORM_ERRNO_ROWS(MSEAL_ENOMEM_ROWS, mseal_classes, unmapped_start_end_gap_enomem, "h15", LINUX,
		   MSEAL_ENOMEM_SETUP, MSEAL_ENOMEM_TEARDOWN)

/* ---- h16: MAP_HUGETLB alignment ---- */

/* Assert that MAP_HUGETLB|MAP_FIXED at an address that is page- but not huge-page-aligned gives
 * EINVAL (_fixed_addr), and that a hugetlbfs file mapped at an offset that is not a multiple
 * of the huge page gives EINVAL (_file_offset). MAP_NORESERVE keeps this independent of the
 * hugetlb pool. LINUX. Two set-ups, so two results. */
CONFORM(mmap_hugetlb_classes, unaligned_addr_and_offset_einval_fixed_addr, "h16", LINUX)
{
	size_t pg = ms_page(), huge = ms_require_default_huge_page_size();
	unsigned char *r = map_anon(3 * huge, PROT_NONE);
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
	pid_t pid = xfork();
	if (pid == 0) {
		child_drop_capability(CAP_SYS_RAWIO);
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
