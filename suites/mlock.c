/* (h) Argument classes of the mlock family (h14): mlock, mlock2, munlock, mlockall and
 * munlockall, each call's address and length classes (arg_classes.h), its errno tables, the
 * rounding of its range, its flags and RLIMIT_MEMLOCK, and lock ownership across processes. */
#include "arg_classes.h"

#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Assert that mlock, mlock2 and munlock of an unmapped range or one with a hole give ENOMEM.
 * POSIX (mlock: ENOMEM for a range that is not all mapped). */
#define MLOCK_UNMAPPED_ROWS(ROW, t)                                                         \
	ROW(t, mlock_unmapped, mlock(ms_unmapped_range(pg), pg), ENOMEM,                    \
	    "POSIX mlock() ENOMEM: some or all of the range is not mapped")                 \
	ROW(t, munlock_unmapped, munlock(ms_unmapped_range(pg), pg), ENOMEM,                \
	    "POSIX munlock() ENOMEM: some or all of the range is not mapped")               \
	ROW(t, mlock_hole, mlock(hole, 3 * pg), ENOMEM,                                     \
	    "POSIX mlock() ENOMEM: some or all of the range is not mapped")                 \
	ROW(t, mlock2_hole, mlock2(hole, 3 * pg, MLOCK_ONFAULT), ENOMEM,                    \
	    "mlock2(2) ENOMEM: some of the range is not mapped")
CONFORM_ERRNO_ROWS(MLOCK_UNMAPPED_ROWS, mlock_classes, unmapped_range_enomem, "h14", POSIX,
		   MS_HOLE_SETUP, MS_HOLE_TEARDOWN)

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
	unsigned char *p = xmap_anon(pg, MAP_PRIVATE);
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
	unsigned char *p = xmap_anon(2 * pg, MAP_PRIVATE);
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
	unsigned char *p = xmap_anon(2 * pg, MAP_PRIVATE);
	pid_t pid = xfork();
	if (pid == 0) {
		ms_child_drop_capability(CAP_IPC_LOCK);
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
		ms_child_drop_capability(CAP_IPC_LOCK);
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

/* ---- address and length classes (arg_classes.h) ---- */

/* Assert POSIX's mlock classes: ENOMEM for any range not wholly mapped, a range that wraps
 * past the top included. An unaligned addr is a "may fail" (LINUX table). */
RANGE_TABLE(mlock_classes, posix_range_table, "h14", POSIX, ms_range_mlock,
	    0, NONE, 0, NONE, ENOMEM, ENOMEM, ENOMEM)

/* Assert mlock(2)'s classes: addr rounded down, len 0 succeeds, EINVAL when addr+len
 * overflows, ENOMEM over unmapped pages. */
RANGE_TABLE(mlock_classes, linux_range_table, "h14", LINUX, ms_range_mlock,
	    0, 0, 0, 0, EINVAL, ENOMEM, ENOMEM)

/* Assert that mlock(p, page + 1) locks exactly two pages (smaps: the VMA holding the second
 * page is locked, the one holding the third is not) and reaches no further. POSIX */
CONFORM(mlock_classes, length_rounding_locks_whole_last_page, "h14 d4", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = ms_range_three_pages(&ms_range_mlock);
	if (mlock(p, pg + 1) != 0)
		cr_skip_test("mlock of two pages failed with %s (RLIMIT_MEMLOCK?)", ms_errname(errno));
	long locked = ms_smaps_kb(p + pg, "Locked"), after = ms_smaps_kb(p + 2 * pg, "Locked");
	cr_assert(locked == (long)(2 * pg / 1024), "the VMA of the locked range shows Locked: "
		  "%ld kB, expected %zu\n%s", locked, 2 * pg / 1024, ms_maps_near(p, 3 * pg));
	cr_assert(after == 0, "the page after the range shows Locked: %ld kB", after);
	ms_range_rounding_by_hole(&ms_range_mlock);
}

/* Assert that one munlock undoes two mlocks of the same range: locks do not nest. POSIX */
CONFORM(mlock_classes, locks_do_not_stack, "h14", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = ms_range_three_pages(&ms_range_mlock);
	if (mlock(p, pg) != 0)
		cr_skip_test("mlock failed with %s (RLIMIT_MEMLOCK?)", ms_errname(errno));
	ms_assert_ok(mlock(p, pg));
	ms_assert_ok(munlock(p, pg));
	long locked = ms_smaps_kb(p, "Locked");
	cr_assert(locked == 0, "after mlock, mlock, munlock the page shows Locked: %ld kB", locked);
}

/* Assert POSIX's munlock classes (the mlock page's errors apply to both calls). */
RANGE_TABLE(munlock_classes, posix_range_table, "h14", POSIX, ms_range_munlock,
	    0, NONE, 0, NONE, ENOMEM, ENOMEM, ENOMEM)

/* Assert munlock's classes in mlock(2). */
RANGE_TABLE(munlock_classes, linux_range_table, "h14", LINUX, ms_range_munlock,
	    0, 0, 0, 0, EINVAL, ENOMEM, ENOMEM)

/* Assert that munlock covers the page holding the last byte. POSIX */
RANGE_ROUNDING(munlock_classes, "h14", POSIX, ms_range_munlock)

/* Assert mlock2(flags 0)'s classes: as mlock. */
RANGE_TABLE(mlock2_classes, linux_range_table, "h14", LINUX, ms_range_mlock2,
	    0, 0, 0, 0, EINVAL, ENOMEM, ENOMEM)

/* Assert that mlock2 covers the page holding the last byte. */
RANGE_ROUNDING(mlock2_classes, "h14", LINUX, ms_range_mlock2)

/* ---- flags ---- */

/* Assert that mlock2 refuses every flag bit other than MLOCK_ONFAULT with EINVAL. */
CONFORM(mlock_classes, mlock2_flags_table, "h14", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	char msg[2048] = "";
	for (int bit = ms_next_bit_not_in(MLOCK_ONFAULT, 0); bit;
	     bit = ms_next_bit_not_in(MLOCK_ONFAULT, bit)) {
		errno = 0;
		if (syscall(SYS_mlock2, p, pg, bit) != -1 || errno != EINVAL)
			ms_append(msg, "flag %#x: %s, expected EINVAL", bit, ms_errname(errno));
	}
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert that mlockall fails EINVAL for flags 0 and for every bit it does not implement;
 * MCL_ONFAULT alone is not a request either. POSIX */
CONFORM(mlockall_classes, flags_table, "h14", POSIX)
{
	char msg[2048] = "";
	errno = 0;
	if (mlockall(0) != -1 || errno != EINVAL)
		ms_append(msg, "flags 0: %s, expected EINVAL", ms_errname(errno));
	errno = 0;
	if (mlockall(MCL_ONFAULT) != -1 || errno != EINVAL)
		ms_append(msg, "MCL_ONFAULT alone: %s, expected EINVAL", ms_errname(errno));
	const unsigned long known = MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT;
	for (int bit = ms_next_bit_not_in(known, 0); bit; bit = ms_next_bit_not_in(known, bit)) {
		errno = 0;
		if (mlockall(bit) != -1 || errno != EINVAL)
			ms_append(msg, "flag %#x: %s, expected EINVAL", bit, ms_errname(errno));
	}
	munlockall();
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert that mlockall(MCL_CURRENT|MCL_FUTURE) locks what is mapped and what is mapped later,
 * and that munlockall unlocks everything and ends the locking of new mappings. POSIX */
CONFORM(mlockall_classes, current_and_future_then_munlockall, "h14 d4", POSIX)
{
	size_t pg = ms_page();
	if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
		cr_skip_test("mlockall failed with %s (RLIMIT_MEMLOCK; needs CAP_IPC_LOCK)",
			     ms_errname(errno));
	long vmlck = ms_status_kb("VmLck");
	unsigned char *q = xmmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long q_locked = ms_smaps_kb(q, "Locked");
	ms_assert_ok(munlockall());
	long after = ms_status_kb("VmLck");
	unsigned char *r = xmmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r[0] = 1;
	long r_locked = ms_smaps_kb(r, "Locked");
	cr_assert(vmlck > 0, "VmLck is %ld kB after mlockall(MCL_CURRENT)", vmlck);
	/* >=: the new mapping may merge with a locked neighbour into one VMA */
	cr_assert(q_locked >= (long)(2 * pg / 1024), "a mapping made after MCL_FUTURE shows "
		  "Locked: %ld kB, expected at least %zu", q_locked, 2 * pg / 1024);
	cr_assert(after == 0, "VmLck is %ld kB after munlockall", after);
	cr_assert(r_locked == 0, "a mapping made after munlockall shows Locked: %ld kB", r_locked);
}

/* ---- lock ownership ---- */

/* Assert that munlock in one process leaves the lock another process holds on the same
 * (shared) page: locks belong to address spaces. POSIX munlock() */
CONFORM(munlock_classes, other_process_locks_kept, "h14 i3", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				 -1, 0);
	p[0] = 1;
	struct ms_handshake h;
	if (ms_fork_handshake(&h) == 0) {
		child_check(mlock(p, pg) == 0, "child mlock: %s", ms_errname(errno));
		ms_tell_parent(&h);
		child_check(ms_hear_parent(&h), "the parent never answered");
		child_check(ms_vma_has_flag(p, "lo"), "after the parent's munlock the child's mapping is no "
			    "longer locked (VmFlags without lo)");
		_exit(0);
	}
	bool ready = ms_hear_child(&h);
	if (ready) {
		ms_assert_ok(mlock(p, pg));
		ms_assert_ok(munlock(p, pg));
	}
	ms_tell_child(&h);
	xwait_ok(h.pid);
	cr_assert(ready, "the child could not lock the page");
}
